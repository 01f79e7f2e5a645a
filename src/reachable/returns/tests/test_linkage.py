"""Cross-agency linkage: accuracy against a synthetic truth, the waterfall, stable person IDs
across cycles with merges and splits recorded, clerical review, and who may run it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.core.models import Agency
from reachable.returns import linkage, person_ids
from reachable.returns.linkage_services import (
    linkage_queue,
    pair_records,
    persons_of,
    review_decide,
)
from reachable.returns.linkage_synth import children, pair_accuracy, pseudonymise_to, returns_for
from reachable.returns.models import LinkageRun, PairReview, PersonChange, ReturnPeriod
from reachable.returns.synthetic_returns import returns_send
from reachable.testing import page, person, signed_in_client

AGENCIES = ["police", "youth-justice", "childrens-services", "education"]


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """3,000 synthetic children across four agencies, pseudonymised, linked at 0.9."""
    folder = tmp_path_factory.mktemp("linkage")
    con = duckdb.connect()
    people = children(3000, seed=7)
    sources, truth = pseudonymise_to(returns_for(people, AGENCIES, seed=7), folder, con)
    linkage.records_build(con, sources)
    linker = linkage.linker_for(con)
    model = linkage.estimate(linker, linkage.pair_counter(con))
    pairs = linkage.predict(linker, review_from=0.5)
    con.execute(
        f"CREATE TABLE links AS SELECT unique_id_l, unique_id_r FROM {pairs} "
        "WHERE match_probability >= 0.9"
    )
    person_ids.clusters_build(con, "links")
    person_ids.assign(con, None, 1)
    yield con, truth, model, pairs
    con.close()


def test_accuracy_is_measured_over_every_agency_against_the_whole_truth(tmp_path) -> None:
    con = duckdb.connect()
    _, truth = pseudonymise_to(returns_for(children(200, seed=3), AGENCIES, seed=3), tmp_path, con)
    # Person IDs exactly as the truth has them: every true pair found and nothing else.
    con.execute(
        f"CREATE TABLE assigned AS SELECT person_key, truth AS person_id FROM read_parquet('{truth}')"
    )
    assert pair_accuracy(con, truth) == (1.0, 1.0)
    # The child known to most agencies has one record split off: every pair found is still
    # right, but that record's pairs with the child's other records are missed.
    sizes = [
        n for (n,) in con.execute("SELECT count(*) FROM assigned GROUP BY person_id").fetchall()
    ]
    true_pairs, largest = sum(n * (n - 1) // 2 for n in sizes), max(sizes)
    con.execute(
        "UPDATE assigned SET person_id = -1 WHERE person_key = (SELECT min(person_key) "
        "FROM assigned WHERE person_id = (SELECT person_id FROM assigned GROUP BY 1 "
        "ORDER BY count(*) DESC, 1 LIMIT 1))"
    )
    assert pair_accuracy(con, truth) == (1.0, (true_pairs - (largest - 1)) / true_pairs)
    con.execute("INSERT INTO assigned VALUES ('not-a-record', 0)")
    with pytest.raises(ValueError, match=r"^1 of \d+ linked records have no known truth"):
        pair_accuracy(con, truth)


def test_linkage_finds_the_same_child_across_agencies_without_names(linked) -> None:
    con, truth, _, _ = linked
    precision, recall = pair_accuracy(con, truth)
    assert precision >= 0.99, precision
    assert recall >= 0.90, recall


def test_the_model_learns_that_agreeing_on_name_and_birth_date_is_strong_evidence(linked) -> None:
    _, _, model, _ = linked
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    same_date = next(
        lv
        for lv in by_name["date_of_birth"]["comparison_levels"]
        if lv["label_for_charts"] == "Same date"
    )
    different = by_name["given_name"]["comparison_levels"][-1]
    same_weight, different_weight = linkage.level_weight(same_date), linkage.level_weight(different)
    assert same_weight is not None
    assert different_weight is not None
    assert same_weight > 5
    assert different_weight < -3


def test_the_waterfall_adds_up_to_the_pairs_match_weight(linked) -> None:
    con, _, model, pairs = linked
    names = [c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {pairs})").fetchall()]
    weights = [n for n in names if n.startswith("mw_")]
    assert len(weights) == len(model["comparisons"])
    rows = con.execute(
        f"SELECT match_weight, {', '.join(weights)} FROM {pairs} USING SAMPLE 50 ROWS"
    ).fetchall()
    for weight, *parts in rows:
        steps = linkage.waterfall(model, dict(zip(weights, parts, strict=True)))
        assert sum(s.weight for s in steps) == pytest.approx(weight, abs=1e-6)
        assert steps[0].comparison == "Starting point"
        assert len(steps) == 1 + len(weights)


def _cycle(
    con: duckdb.DuckDBPyConnection,
    clusters: list[tuple[str, int]],
    previous: Path | None,
    first_new: int,
    out: Path,
) -> tuple[dict[str, int], list[tuple]]:
    con.execute("CREATE OR REPLACE TABLE clusters (person_key VARCHAR, cluster_id VARCHAR)")
    con.executemany("INSERT INTO clusters VALUES (?, ?)", [(k, str(c)) for k, c in clusters])
    con.execute(
        "CREATE OR REPLACE TABLE records AS SELECT person_key AS unique_id, 'x' AS agency "
        "FROM clusters"
    )
    person_ids.assign(con, str(previous) if previous else None, first_new)
    con.execute(f"COPY assigned TO '{out}' (FORMAT parquet)")
    assigned = dict(con.execute("SELECT person_key, person_id FROM assigned").fetchall())
    return assigned, con.execute("SELECT * FROM changes").fetchall()


def test_ids_stay_stable_across_cycles_and_merges_and_splits_are_listed(tmp_path) -> None:
    con = duckdb.connect()
    first, _ = _cycle(
        con, [("a", 1), ("b", 1), ("c", 2), ("d", 3)], None, 1, tmp_path / "1.parquet"
    )
    assert first["a"] == first["b"]
    assert len({first["a"], first["c"], first["d"]}) == 3
    # Next cycle: a new record e joins a's child; c and d now link (merge into the older ID);
    # b no longer links to a (split away, new ID); f is a new child.
    second, changes = _cycle(
        con,
        [("a", 10), ("e", 10), ("c", 20), ("d", 20), ("b", 30), ("f", 40)],
        tmp_path / "1.parquet",
        4,
        tmp_path / "2.parquet",
    )
    assert second["a"] == second["e"] == first["a"]
    assert second["c"] == second["d"] == min(first["c"], first["d"])
    assert second["b"] not in set(first.values())
    assert second["f"] not in set(first.values()) | {second["b"]}
    assert min(second["b"], second["f"]) == 4
    assert sorted(changes) == sorted(
        [
            ("merge", max(first["c"], first["d"]), min(first["c"], first["d"]), 1),
            ("split", first["a"], second["b"], 1),
        ]
    )
    # A record missing from this cycle (its return was replaced) keeps its ID.
    third, changes = _cycle(
        con, [("a", 1), ("c", 2)], tmp_path / "2.parquet", 6, tmp_path / "3.parquet"
    )
    assert third["e"] == second["e"]
    assert third["d"] == second["d"]
    assert changes == []


# Whole runs through the service, on returns sent through the real submission path.


@pytest.fixture
def ana(db):
    """The partnership's analyst."""
    return person("analyst", "partnership-team", username="ana.analyst")


def _submitters() -> dict[str, object]:
    slugs = [
        "suffolk-police",
        "suffolk-yjs",
        "suffolk-childrens",
        "norfolk-education",
        "norfolk-police",
    ]
    return {s: person("data_submitter", s, username=f"sub-{s}") for s in slugs}


@pytest.mark.django_db
def test_a_run_links_accepted_returns_and_the_next_cycle_keeps_the_ids(ana, returns_dir) -> None:
    first = ReturnPeriod.objects.get(label="April to September 2026")
    submitters = _submitters()
    sent = returns_send(period=first, children_per_county=40, seed=3, users=submitters)
    assert {s.status for s in sent} == {"accepted"}, [s.progress for s in sent]
    run = linkage_queue(user=ana, period=first)
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.DONE, run.error
    assert run.records > 0
    assert run.persons < run.records  # children known to several agencies were linked
    ids = persons_of(run)
    second_period = ReturnPeriod.objects.get(label="October 2026 to March 2027")
    second_period.spec_version = "2026.1"
    second_period.save()
    returns_send(period=second_period, children_per_county=40, seed=3, users=submitters)
    again = linkage_queue(user=ana, period=second_period)
    again.refresh_from_db()
    assert again.status == LinkageRun.Status.DONE, again.error
    later = persons_of(again)
    kept = [k for k in ids if k in later]
    assert kept
    moved = [k for k in kept if later[k] != ids[k]]
    recorded = set(PersonChange.objects.filter(run=again).values_list("person_id", flat=True))
    # Any record whose ID changed belongs to an ID the run recorded a merge or split for.
    assert all(ids[k] in recorded for k in moved)
    assert len(moved) <= len(kept) * 0.02


@pytest.mark.django_db
def test_review_decisions_apply_and_are_recorded_as_the_reason(ana, returns_dir) -> None:
    period = ReturnPeriod.objects.get(label="April to September 2026")
    returns_send(period=period, children_per_county=40, seed=5, users=_submitters())
    run = linkage_queue(user=ana, period=period, accept_at=0.999, review_from=0.2)
    run.refresh_from_db()
    pending = PairReview.objects.filter(decision="pending")
    assert pending.count() == run.for_review > 0
    pair = pending.first()
    assert pair is not None
    before = persons_of(run)
    assert before[pair.key_l] != before[pair.key_r]
    shown = pair_records(pair)
    names = dict(Agency.objects.values_list("slug", "name"))
    assert [r["agency"] for r in shown] == [names[pair.agency_l], names[pair.agency_r]]
    for record in shown:
        assert re.fullmatch(r"\d\d/\d{4}|not given", record["born"])
        assert record["person"].startswith("RP-")
    review_decide(user=ana, review=pair, decision="same", reason="Same school and care history")
    applied = linkage_queue(user=ana, period=period, kind=LinkageRun.Kind.DECISIONS)
    applied.refresh_from_db()
    after = persons_of(applied)
    assert after[pair.key_l] == after[pair.key_r]
    merge = PersonChange.objects.get(run=applied, kind="merge")
    assert "an analyst decided" in merge.reason


@pytest.mark.django_db
def test_only_analysts_run_linkage_and_thresholds_are_checked(ana, returns_dir) -> None:
    period = ReturnPeriod.objects.get(label="April to September 2026")
    lead = person("programme_lead", "partnership-team", username="pat.lead")
    with pytest.raises(ValidationError, match="analysts"):
        linkage_queue(user=lead, period=period)
    with pytest.raises(ValidationError) as caught:
        linkage_queue(user=ana, period=period, accept_at=0.8, review_from=0.9)
    assert "review_from" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        linkage_queue(user=ana, period=period, kind=LinkageRun.Kind.DECISIONS)
    assert "no finished linkage" in str(caught.value)
    assert not LinkageRun.objects.exists()


@pytest.mark.django_db
def test_linkage_pages_download_and_do_not_grow_queries_with_the_queue(
    ana, django_assert_max_num_queries
) -> None:
    import csv
    import io

    from reachable.testing import signed_in_client

    period = ReturnPeriod.objects.get(label="April to September 2026")
    returns_send(period=period, children_per_county=60, seed=5, users=_submitters())
    run = linkage_queue(user=ana, period=period, accept_at=0.999999, review_from=0.001)
    run.refresh_from_db()
    assert run.step == LinkageRun.STEPS
    assert run.progress == ""  # cleared once done
    client = signed_in_client(ana)
    pending = PairReview.objects.filter(decision="pending").count()
    assert pending > 10  # enough that a query per pair would break the bound below
    with django_assert_max_num_queries(20):
        assert client.get("/returns/linkage/review/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/returns/linkage/").status_code == 200
    rows = list(
        csv.reader(io.StringIO(client.get("/returns/linkage/review/?format=csv").content.decode()))
    )
    assert rows[0][:2] == ["Pair", "Agency"]
    assert len(rows) == pending + 1
    model = list(
        csv.reader(
            io.StringIO(
                client.get(f"/returns/linkage/{run.pk}/?format=csv&table=model").content.decode()
            )
        )
    )
    assert any(r[:2] == ["Date of birth", "Same date"] for r in model), model[:4]
    changes = client.get(f"/returns/linkage/{run.pk}/?format=xlsx")
    assert changes.content[:2] == b"PK"


def _decided(run, key_l: str, key_r: str, decision: str, ana) -> PairReview:
    """A decision recorded directly, as one made before this check existed would be."""
    return PairReview.objects.create(
        run=run,
        key_l=key_l,
        key_r=key_r,
        agency_l="x",
        agency_r="y",
        match_probability=0.5,
        match_weight=0.0,
        weights={},
        decision=decision,
        reason="earlier decision",
        decided_by=ana,
        decided_at=timezone.now(),
    )


@pytest.mark.django_db
def test_contradictory_review_decisions_are_refused_and_flagged(ana, returns_dir) -> None:
    period = ReturnPeriod.objects.get(label="April to September 2026")
    returns_send(period=period, children_per_county=40, seed=5, users=_submitters())
    run = linkage_queue(user=ana, period=period)
    run.refresh_from_db()
    persons = persons_of(run)
    records_of: dict[int, list[str]] = {}
    for key, pid in persons.items():
        records_of.setdefault(pid, []).append(key)
    # A person the scores linked from two records x and y, and a record z of another person.
    x, y = next(keys for keys in records_of.values() if len(keys) > 1)[:2]
    z = next(k for k in persons if persons[k] != persons[x])
    # B: an analyst said x and z are different children. A (pending): is y the same child as z?
    pair_b = _decided(run, x, z, "different", ana)
    pair_a = _decided(run, y, z, "pending", ana)
    with pytest.raises(ValidationError) as refused:
        review_decide(user=ana, review=pair_a, decision="same", reason="Same school")
    assert f"pair {pair_b.pk}" in str(refused.value)
    pair_a.refresh_from_db()
    assert pair_a.decision == "pending"
    # The page says the same, on the decision field.
    response = signed_in_client(ana).post(
        f"/returns/linkage/review/{pair_a.pk}/", {"decision": "same", "reason": "Same school"}
    )
    assert "This contradicts decisions already recorded" in page(response)

    # Two decisions that contradict each other anyway (recorded before the check): the run
    # that applies them cannot keep B, and says so instead of merging silently.
    PairReview.objects.filter(pk=pair_a.pk).update(decision="same", decided_by=ana)
    applied = linkage_queue(user=ana, period=period, kind=LinkageRun.Kind.DECISIONS)
    applied.refresh_from_db()
    assert persons_of(applied)[x] == persons_of(applied)[z]
    assert {c["different"] for c in applied.conflicts} == {pair_b.pk}
    assert pair_a.pk in applied.conflicts[0]["same"]
    queue = page(signed_in_client(ana).get("/returns/linkage/review/"))
    assert "contradict" in queue
    assert f"Pair {pair_b.pk}" in queue


@pytest.mark.django_db
def test_different_children_is_refused_where_same_child_decisions_join_the_records(
    ana, returns_dir
) -> None:
    period = ReturnPeriod.objects.get(label="April to September 2026")
    returns_send(period=period, children_per_county=20, seed=6, users=_submitters())
    run = linkage_queue(user=ana, period=period)
    run.refresh_from_db()
    k1, k2, k3 = list(persons_of(run))[:3]
    first = _decided(run, k1, k2, "same", ana)
    second = _decided(run, k2, k3, "same", ana)
    pending = _decided(run, k1, k3, "pending", ana)
    with pytest.raises(ValidationError) as refused:
        review_decide(user=ana, review=pending, decision="different", reason="Different towns")
    assert f"pair {first.pk}" in str(refused.value)
    assert f"pair {second.pk}" in str(refused.value)


@pytest.mark.django_db
def test_a_stopped_run_is_run_again_once_and_a_late_worker_for_it_writes_nothing(
    ana, returns_dir, settings
) -> None:
    import datetime as dt

    from reachable.audit.models import AuditEvent
    from reachable.returns.linkage_services import linkage_process, linkage_run_again

    period = ReturnPeriod.objects.get(label="April to September 2026")
    returns_send(period=period, children_per_county=20, seed=3, users=_submitters())
    quiet = timezone.now() - dt.timedelta(minutes=settings.REACHABLE_JOB_STALE_MINUTES + 1)
    run = LinkageRun.objects.create(
        period=period,
        started_by=ana,
        started_at=quiet,
        accept_at=0.99,
        review_from=0.5,
        status=LinkageRun.Status.RUNNING,
        heartbeat_at=quiet,
    )
    late_worker_copy = LinkageRun.objects.get(pk=run.pk)  # attempt 0, as its worker loaded it
    partner = person("partner_user", "norfolk-education", "northgate-safeguarding")
    with pytest.raises(ValidationError, match="Only the partnership's analysts"):
        linkage_run_again(user=partner, run=run)

    again = linkage_run_again(user=ana, run=run)  # the test settings run it at once
    assert (again.status, again.attempt) == (LinkageRun.Status.DONE, 1), again.error
    assert AuditEvent.objects.filter(action="linkage.rerun", user=ana).count() == 1
    kept = (PairReview.objects.count(), PersonChange.objects.count(), again.persons_file)

    # The first worker was only slow: when it carries on, it finds a later attempt in charge.
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageRun.Status.QUEUED)
    linkage_process(late_worker_copy)
    run.refresh_from_db()
    assert (PairReview.objects.count(), PersonChange.objects.count(), run.persons_file) == kept
    assert run.attempt == 1
    with pytest.raises(ValidationError, match="not stopped"):
        linkage_run_again(user=ana, run=run)
