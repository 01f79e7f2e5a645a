"""Running cross-agency linkage for the partnership's analysts: queue a run, link every accepted
person-level return up to a period, keep person IDs stable, and put uncertain pairs to review."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reachable.accounts.permissions import can
from reachable.audit.services import audit_record
from reachable.core.models import Agency
from reachable.returns import linkage, person_ids
from reachable.returns.linkage_conflicts import decision_contradiction, run_conflicts
from reachable.returns.models import (
    Domain,
    LinkageRun,
    PairReview,
    PersonChange,
    ReturnPeriod,
    Submission,
    person_reference,
)

DEFAULT_ACCEPT_AT = 0.99
DEFAULT_REVIEW_FROM = 0.80


def linkage_dir() -> Path:
    return Path(settings.REACHABLE_RETURNS_DIR) / "linkage"


def last_done(before: LinkageRun | None = None) -> LinkageRun | None:
    """The last finished run: its snapshot holds the person IDs in force."""
    runs = LinkageRun.objects.filter(status=LinkageRun.Status.DONE)
    if before is not None:
        runs = runs.filter(pk__lt=before.pk)
    return runs.order_by("-pk").first()


def linkage_queue(
    *,
    user: Any,
    period: ReturnPeriod,
    accept_at: float = DEFAULT_ACCEPT_AT,
    review_from: float = DEFAULT_REVIEW_FROM,
    kind: str = LinkageRun.Kind.FULL,
) -> LinkageRun:
    """Check the analyst's thresholds and queue a run (it runs in the background)."""
    if not can(user, "returns.link"):
        raise ValidationError("Only the partnership's analysts run linkage.")
    errors: dict[str, list[str]] = {}
    if not 0.5 <= accept_at < 1:
        errors["accept_at"] = ["Choose an acceptance threshold from 0.5 up to (not including) 1."]
    if not 0 < review_from <= accept_at:
        errors["review_from"] = [
            "The review band must start above 0 and at or below the acceptance threshold."
        ]
    based_on = last_done()
    if kind == LinkageRun.Kind.DECISIONS and (based_on is None or not based_on.pairs_file):
        errors["__all__"] = ["There is no finished linkage to apply review decisions to yet."]
    unfinished = LinkageRun.objects.filter(
        status__in=[LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING]
    ).first()
    if unfinished is not None and unfinished.stalled:
        errors["__all__"] = [
            f"Linkage {unfinished.pk} stopped before it finished (its worker was stopped): "
            "open it and run it again, rather than starting another."
        ]
    elif unfinished is not None:
        errors["__all__"] = ["A linkage is already running; wait for it to finish."]
    if errors:
        raise ValidationError(errors)
    run = LinkageRun.objects.create(
        period=period,
        kind=kind,
        started_by=user,
        started_at=timezone.now(),
        accept_at=accept_at,
        review_from=review_from,
        based_on=based_on,
    )
    audit_record(
        user=user,
        action="linkage.queue",
        obj=run,
        detail={"period": period.label, "accept_at": accept_at, "review_from": review_from},
    )
    from reachable.returns.tasks import run_linkage

    run_linkage.enqueue(run.pk)
    return run


def linkage_run_again(*, user: Any, run: LinkageRun) -> LinkageRun:
    """Queue again a run whose worker was stopped part-way. Nothing of it was kept (its results
    are written in one transaction at the end); it runs again from the start, with its own
    thresholds and starting point, and overwrites the files it had begun."""
    if not can(user, "returns.link"):
        raise ValidationError("Only the partnership's analysts run linkage.")
    with transaction.atomic():
        locked = LinkageRun.objects.select_for_update().get(pk=run.pk)
        if not locked.stalled:
            raise ValidationError("This linkage is not stopped: it is waiting, running or done.")
        LinkageRun.objects.filter(pk=run.pk).update(
            status=LinkageRun.Status.QUEUED,
            step=0,
            progress="",
            heartbeat_at=None,
            attempt=F("attempt") + 1,
        )
        audit_record(user=user, action="linkage.rerun", obj=run)
    from reachable.returns.tasks import run_linkage

    run_linkage.enqueue(run.pk)
    run.refresh_from_db()
    return run


def sources_for(period: ReturnPeriod) -> list[linkage.Source]:
    """Every accepted person-level return for this period and those before it, newest first."""
    found = (
        Submission.objects.filter(
            status=Submission.Status.ACCEPTED,
            domain__level=Domain.Level.PERSON,
            period__starts_on__lte=period.starts_on,
        )
        .select_related("agency")
        .order_by("-period__starts_on", "-submitted_at")
    )
    return [
        linkage.Source(
            s.agency.slug,
            s.stored_as,
            str(Path(s.stored_as).with_name(f"{s.pk}-names.parquet")),
        )
        for s in found
    ]


def _progress(run: LinkageRun, step: int, text: str) -> None:
    # Autocommitted, so the run's page sees it while the job goes on; the heartbeat tells a run
    # that is working from one whose worker was stopped.
    LinkageRun.objects.filter(pk=run.pk, attempt=run.attempt).update(
        step=step,
        progress=f"Step {step} of {LinkageRun.STEPS}: {text}",
        heartbeat_at=timezone.now(),
    )


class Superseded(Exception):
    """The run was run again while this attempt went on: the later attempt finishes it."""


def linkage_process(run: LinkageRun) -> LinkageRun:
    """Link, keep IDs stable, queue reviews; the run is DONE or FAILED (with the reason) after."""
    mine = LinkageRun.objects.filter(pk=run.pk, attempt=run.attempt)
    # Taken only from the queue: a second delivery of the job, or a worker late for an attempt
    # that was since run again, leaves it to the one that has it.
    if not mine.filter(status=LinkageRun.Status.QUEUED).update(
        status=LinkageRun.Status.RUNNING, heartbeat_at=timezone.now()
    ):
        run.refresh_from_db()
        return run
    try:
        with duckdb.connect() as con:
            _link(run, con)
    except Superseded:
        pass
    except Exception as exc:  # the analyst sees why; the last finished run stays in force
        mine.update(
            status=LinkageRun.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            progress="",
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def _link(run: LinkageRun, con: duckdb.DuckDBPyConnection) -> None:
    folder = linkage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _progress(run, 1, "reading accepted returns")
    records = linkage.records_build(con, sources_for(run.period))
    source_run = run.based_on if run.kind == LinkageRun.Kind.DECISIONS else None
    if source_run is not None:
        model, pairs_file = source_run.model, source_run.pairs_file
        review_from, accept_at = source_run.review_from, source_run.accept_at
    else:
        _progress(run, 2, f"estimating the model on {records:,} records")
        linker = linkage.linker_for(con)
        model = linkage.estimate(linker, linkage.pair_counter(con)) if records > 1 else {}
        _progress(run, 3, "scoring pairs")
        pairs_file = str(folder / f"run-{run.pk}-pairs.parquet")
        if model:
            scored = linkage.predict(linker, review_from=run.review_from)
            con.execute(f"COPY (SELECT * EXCLUDE (match_key) FROM {scored}) TO '{pairs_file}'")
        else:
            con.execute(
                f"COPY (SELECT NULL::VARCHAR AS unique_id_l, NULL::VARCHAR AS unique_id_r, "
                "NULL::VARCHAR AS agency_l, NULL::VARCHAR AS agency_r, "
                "0.0 AS match_probability, 0.0 AS match_weight WHERE false) "
                f"TO '{pairs_file}'"
            )
        review_from, accept_at = run.review_from, run.accept_at
    _progress(run, 4, "clustering and keeping person IDs")
    con.execute(f"CREATE OR REPLACE TABLE pairs AS SELECT * FROM read_parquet('{pairs_file}')")
    decided = list(
        PairReview.objects.exclude(decision=PairReview.Decision.PENDING).values_list(
            "key_l", "key_r", "decision"
        )
    )
    con.execute("CREATE OR REPLACE TABLE decided (key_l VARCHAR, key_r VARCHAR, decision VARCHAR)")
    if decided:
        con.executemany("INSERT INTO decided VALUES (?, ?, ?)", decided)
    # An analyst's decision wins over the score, either way.
    con.execute(
        "CREATE OR REPLACE TABLE links AS "
        "SELECT * FROM (SELECT unique_id_l, unique_id_r FROM pairs AS p "
        f"WHERE match_probability >= {accept_at} AND NOT EXISTS (SELECT 1 FROM decided AS d "
        "WHERE d.decision = 'different' AND d.key_l = p.unique_id_l AND d.key_r = p.unique_id_r) "
        "UNION SELECT key_l, key_r FROM decided WHERE decision = 'same') "
        # Pairs scored in an earlier run may name a record whose return has since been replaced.
        "WHERE unique_id_l IN (SELECT unique_id FROM records) "
        "AND unique_id_r IN (SELECT unique_id FROM records)"
    )
    previous = last_done(before=run)
    first_new = (previous.highest_person_id if previous else 0) + 1
    person_ids.clusters_build(con, "links")
    person_ids.assign(con, previous.persons_file if previous else None, first_new)
    conflicts = run_conflicts(con)
    persons_file = str(folder / f"run-{run.pk}-persons.parquet")
    con.execute(f"COPY (SELECT * FROM assigned ORDER BY person_id) TO '{persons_file}'")
    counts = con.execute(
        "SELECT count(DISTINCT person_id), "
        f"count(DISTINCT person_id) FILTER (person_id >= {first_new}), "
        f"coalesce(max(person_id), {first_new - 1}) FROM assigned"
    ).fetchall()[0]
    links = int(con.execute("SELECT count(*) FROM links").fetchall()[0][0])
    scored_pairs = int(con.execute("SELECT count(*) FROM pairs").fetchall()[0][0])
    weight_columns = [
        c
        for (c,) in con.execute("SELECT column_name FROM (DESCRIBE pairs)").fetchall()
        if c.startswith("mw_")
    ]
    weights_json = "json_object(" + ", ".join(f"'{c}', {c}" for c in weight_columns) + ")"
    band = con.execute(
        "SELECT unique_id_l, unique_id_r, agency_l, agency_r, match_probability, match_weight, "
        f"{weights_json if weight_columns else 'NULL'} FROM pairs "
        f"WHERE match_probability >= {review_from} AND match_probability < {accept_at}"
    ).fetchall()
    changes = _changes(con, run)
    with transaction.atomic():
        # Kept only by the attempt still in charge of the run, with its row locked: one run
        # again by an analyst meanwhile makes this one write nothing.
        if not (
            LinkageRun.objects.select_for_update()
            .filter(pk=run.pk, attempt=run.attempt, status=LinkageRun.Status.RUNNING)
            .exists()
        ):
            raise Superseded
        new_reviews = PairReview.objects.bulk_create(
            [_review(run, row) for row in band], ignore_conflicts=True, batch_size=2000
        )
        PersonChange.objects.bulk_create(changes, batch_size=2000)
        LinkageRun.objects.filter(pk=run.pk).update(
            status=LinkageRun.Status.DONE,
            model=model,
            highest_person_id=max(int(counts[2]), first_new - 1),
            records=records,
            pairs_scored=scored_pairs,
            links=links,
            for_review=PairReview.objects.filter(decision=PairReview.Decision.PENDING).count(),
            conflicts=conflicts,
            persons=int(counts[0]),
            new_persons=int(counts[1]),
            pairs_file=pairs_file,
            persons_file=persons_file,
            progress="",
            finished_at=timezone.now(),
        )
        audit_record(
            user=None,
            action="linkage.done",
            obj=run,
            detail={
                "records": records,
                "links": links,
                "reviews_added": len(new_reviews),
                "conflicting_decisions": len(conflicts),
            },
        )


def _review(run: LinkageRun, row: tuple[Any, ...]) -> PairReview:
    key_l, key_r, agency_l, agency_r, probability, weight, weights = row
    return PairReview(
        run=run,
        key_l=key_l,
        key_r=key_r,
        agency_l=agency_l,
        agency_r=agency_r,
        match_probability=probability,
        match_weight=weight,
        weights=json.loads(weights) if isinstance(weights, str) else dict(weights or {}),
    )


def _changes(con: duckdb.DuckDBPyConnection, run: LinkageRun) -> list[PersonChange]:
    """The run's merges and splits, each with why: an analyst's decision or the scores."""
    rows = con.execute(
        "SELECT c.kind, c.person_id, c.other_id, c.records, EXISTS ("
        "  SELECT 1 FROM decided AS d JOIN prev AS a ON a.person_key IN (d.key_l, d.key_r) "
        "  JOIN prev AS b ON b.person_key IN (d.key_l, d.key_r) AND b.person_key <> a.person_key "
        "  WHERE d.decision = CASE c.kind WHEN 'merge' THEN 'same' ELSE 'different' END "
        "  AND a.person_id = c.person_id "
        "  AND b.person_id = CASE c.kind WHEN 'merge' THEN c.other_id ELSE c.person_id END"
        ") AS by_review FROM changes AS c"
    ).fetchall()
    found = []
    for kind, person_id, other_id, count, by_review in rows:
        this, other = person_reference(person_id), person_reference(other_id)
        if kind == PersonChange.Kind.MERGE:
            why = (
                "an analyst decided a pair of their records is the same child"
                if by_review
                else f"a pair of their records now scores at or above {run.accept_at}"
            )
            reason = f"{this} merged into {other}: {why}."
        else:
            why = (
                "an analyst decided two of its records are different children"
                if by_review
                else "they no longer link to its other records (a return was replaced, "
                "a score changed or the threshold was raised)"
            )
            reason = f"{count} record(s) of {this} are now {other}: {why}."
        found.append(
            PersonChange(
                run=run,
                kind=kind,
                person_id=person_id,
                other_id=other_id,
                records=count,
                reason=reason,
            )
        )
    return found


def review_decide(*, user: Any, review: PairReview, decision: str, reason: str) -> PairReview:
    """Record an analyst's decision on a pair; it applies from the next run (or 'apply decisions')."""
    if not can(user, "returns.link"):
        raise ValidationError("Only the partnership's analysts review linkage.")
    if decision not in {PairReview.Decision.SAME, PairReview.Decision.DIFFERENT}:
        raise ValidationError({"decision": ["Choose 'the same child' or 'different children'."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say what the decision rests on, for the next analyst."]})
    latest = last_done()
    contradiction = decision_contradiction(
        review, decision, persons_of(latest) if latest and latest.persons_file else {}
    )
    if contradiction:
        raise ValidationError({"decision": [contradiction]})
    review.decision = decision
    review.reason = reason.strip()
    review.decided_by = user
    review.decided_at = timezone.now()
    review.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    audit_record(user=user, action="linkage.review", obj=review, detail={"decision": decision})
    return review


def persons_of(run: LinkageRun) -> dict[str, int]:
    """person key -> partnership person ID, as the run left them (tests and the baseline)."""
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT person_key, person_id FROM read_parquet('{run.persons_file}')"
        ).fetchall()
    return {key: int(pid) for key, pid in rows}


def pair_records(review: PairReview) -> list[dict[str, Any]]:
    """What the two records of a pair hold that an analyst may see: no names or full dates, only
    the agency, year and month of birth, sex and postcode district, and the person ID now."""
    sources = sources_for(review.run.period)
    if not sources:
        return []
    paths = ", ".join(f"'{s.rows_path}'" for s in sources)
    latest = last_done()
    with duckdb.connect() as con:
        found = con.execute(
            "SELECT person_key, any_value(dob_year), any_value(dob_month), any_value(sex), "
            f"any_value(postcode_district) FROM read_parquet([{paths}], union_by_name = true) "
            "WHERE person_key IN (?, ?) GROUP BY person_key",
            [review.key_l, review.key_r],
        ).fetchall()
        ids: dict[str, int] = {}
        if latest and latest.persons_file:
            ids = dict(
                con.execute(
                    f"SELECT person_key, person_id FROM read_parquet('{latest.persons_file}') "
                    "WHERE person_key IN (?, ?)",
                    [review.key_l, review.key_r],
                ).fetchall()
            )
    by_key = {row[0]: row for row in found}
    names = dict(
        Agency.objects.filter(slug__in=[review.agency_l, review.agency_r]).values_list(
            "slug", "name"
        )
    )
    shown = []
    for key, agency in ((review.key_l, review.agency_l), (review.key_r, review.agency_r)):
        _, year, month, sex, district = by_key.get(key, (key, None, None, None, None))
        shown.append(
            {
                "agency": names.get(agency, agency),
                "born": f"{month:02d}/{year}" if year and month else "not given",
                "sex": sex or "not given",
                "district": district or "not given",
                "person": person_reference(ids[key]) if key in ids else "none yet",
            }
        )
    return shown
