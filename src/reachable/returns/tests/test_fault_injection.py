"""Fault injection: the worker checking a return is killed (SIGKILL, no chance to tidy up) while it
stores the accepted rows. Nothing is accepted, no stored file is left in the accepted folder, the
audit chain verifies, the return shows as stopped with "run again", and running it again accepts
it once, with every row. On PostgreSQL, where another process can share the test database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from reachable.audit.services import audit_verify
from reachable.core.models import Agency, Area
from reachable.returns.models import Domain, ReturnPeriod, ReturnProblem, Submission
from reachable.returns.services import stored_path, submission_run_again, upload_dir
from reachable.testing import (
    ON_POSTGRES,
    another_process_env,
    job_killed_when,
    page,
    person,
    signed_in_client,
)

pytestmark = [ON_POSTGRES]
ROWS = 300_000


@pytest.fixture
def committed(transactional_db, returns_dir: Path) -> Iterator[Path]:
    from reachable.audit import guard
    from reachable.core.services import partnership_load
    from reachable.returns.spec import specs_load_all

    partnership_load()
    specs_load_all()
    yield returns_dir
    guard.drop(connection)  # the audit guard would refuse emptying the database afterwards


def _queued_return(submitter) -> Submission:
    submission = Submission.objects.create(
        agency=Agency.objects.get(slug="suffolk-yjs"),
        county=Area.objects.get(slug="suffolk"),
        period=ReturnPeriod.objects.get(label="April to September 2026"),
        domain=Domain.objects.get(version__version="2026.1", key="youth-justice"),
        submitted_by=submitter,
        submitted_at=timezone.now(),
        filename="yj.csv",
    )
    folder = upload_dir(submission)
    folder.mkdir(parents=True)
    lines = ["local_id,given_name,family_name,date_of_birth,sex,cce_concern"]
    lines += [f"YJ-{n},Jay,Okafor{n % 997},2010-03-{1 + n % 28:02d},M,Y" for n in range(ROWS)]
    (folder / "yj.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return submission


def test_a_check_killed_while_it_stores_accepts_nothing_and_runs_again_once(
    committed: Path, settings
) -> None:
    kai = person("data_submitter", "suffolk-yjs", username="kai.sub")
    submission = _queued_return(kai)

    jobs = Submission.objects.filter(pk=submission.pk)
    job_killed_when(
        f"from reachable.returns.tasks import run_submission_check as t; t.func({submission.pk})",
        # Checked and valid: the worker is writing the pseudonymised rows.
        lambda: jobs.values_list("progress", flat=True).get().startswith("Storing"),
        what="check",
        still_running=lambda: jobs.get().finished_at is None,
        env=another_process_env(REACHABLE_RETURNS_DIR=str(committed)),
    )

    submission.refresh_from_db()
    assert submission.status == Submission.Status.CHECKING  # it never got to say otherwise
    assert not stored_path(submission).exists()
    assert ReturnProblem.objects.count() == 0
    assert audit_verify().problems == []

    # Silent for the stale time, the return's page says it stopped and offers to run it again.
    Submission.objects.filter(pk=submission.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=settings.REACHABLE_JOB_STALE_MINUTES + 1)
    )
    client = signed_in_client(kai)
    assert "Check the return again" in page(client.get(f"/returns/submissions/{submission.pk}/"))
    assert client.post(f"/returns/submissions/{submission.pk}/run-again/").status_code == 302

    submission.refresh_from_db()  # the test settings run the job at once
    assert (submission.status, submission.rows) == (Submission.Status.ACCEPTED, ROWS)
    assert stored_path(submission).exists()
    assert not list(stored_path(submission).parent.glob("*.partial"))
    with pytest.raises(Exception, match="not stopped"):
        submission_run_again(user=kai, submission=submission)
    assert audit_verify().problems == []


def test_a_linkage_killed_while_it_scores_keeps_nothing_and_runs_again_once(
    committed: Path, settings
) -> None:
    from reachable.returns.linkage_services import linkage_queue, linkage_run_again
    from reachable.returns.models import LinkageRun, PairReview, PersonChange
    from reachable.returns.population import population_load_bundled
    from reachable.returns.synthetic_returns import returns_send

    population_load_bundled()
    period = ReturnPeriod.objects.get(label="April to September 2026")
    submitters = {
        s: person("data_submitter", s, username=f"sub-{s}")
        for s in ("suffolk-police", "suffolk-yjs", "suffolk-childrens")
    }
    returns_send(period=period, children_per_county=150, seed=4, users=submitters)
    ana = person("analyst", "partnership-team", username="ana.analyst")
    # Queued as linkage_queue queues it, for the other process to run (the test settings would
    # run it at once, in this one).
    run = LinkageRun.objects.create(
        period=period, started_by=ana, started_at=timezone.now(), accept_at=0.99, review_from=0.2
    )
    runs = LinkageRun.objects.filter(pk=run.pk)

    scoring = runs.filter(step=3, status=LinkageRun.Status.RUNNING)
    job_killed_when(
        f"from reachable.returns.tasks import run_linkage as t; t.func({run.pk})",
        scoring.exists,
        what="linkage",
        still_running=scoring.exists,
        env=another_process_env(REACHABLE_RETURNS_DIR=str(committed)),
    )

    run.refresh_from_db()
    assert run.status == LinkageRun.Status.RUNNING  # it never got to say otherwise
    assert (PairReview.objects.count(), PersonChange.objects.count()) == (0, 0)
    assert audit_verify().problems == []

    # Silent for the stale time: its page offers to run it again, and no other run may start.
    runs.update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=settings.REACHABLE_JOB_STALE_MINUTES + 1)
    )
    client = signed_in_client(ana)
    assert "Run this linkage again" in page(client.get(f"/returns/linkage/{run.pk}/"))
    with pytest.raises(Exception, match="stopped before it finished"):
        linkage_queue(user=ana, period=period)
    assert client.post(f"/returns/linkage/{run.pk}/run-again/").status_code == 302

    run.refresh_from_db()  # the test settings run the job at once
    assert run.status == LinkageRun.Status.DONE, run.error
    assert run.records == sum(s.rows for s in Submission.objects.filter(status="accepted"))
    assert PairReview.objects.count() == run.for_review
    assert LinkageRun.objects.count() == 1
    with pytest.raises(Exception, match="not stopped"):
        linkage_run_again(user=ana, run=run)
    assert audit_verify().problems == []
