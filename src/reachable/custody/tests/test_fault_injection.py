"""Fault injection: the process running a custody import is killed (SIGKILL, no chance to tidy
up) while it writes. Nothing of the file is saved, the audit chain verifies, the job's page says
it stopped and offers to run it again, and running it again imports every row once, however
often it is run. On PostgreSQL, where another process can share the test database."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from reachable.audit.services import audit_verify
from reachable.children.models import Child
from reachable.custody.import_parse import KNOWN, PROGRESS_EVERY
from reachable.custody.models import Detention, DetentionImport
from reachable.custody.tasks import import_run_again
from reachable.testing import ON_POSTGRES, page, person, signed_in_client

pytestmark = [ON_POSTGRES]
ROWS = 20_000


@pytest.fixture
def committed(transactional_db, tmp_path) -> Iterator[Path]:
    from reachable.audit import guard
    from reachable.core.services import partnership_load

    partnership_load()
    yield tmp_path
    guard.drop(connection)  # the audit guard would refuse emptying the database afterwards


def _name(n: int) -> str:
    letters = ""
    while True:
        n, rest = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
        if n == 0:
            return "Kid" + letters


def _export(path: Path) -> None:
    arrested = timezone.localtime() - dt.timedelta(hours=5)
    dob = (timezone.localdate() - dt.timedelta(days=15 * 365)).isoformat()
    lines = [",".join(KNOWN)]
    for n in range(ROWS):
        values = {
            "custody_reference": f"K{n}",
            "suite": "wymondham-pic",
            "arrested_at": (arrested - dt.timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M"),
            "arrived_at": (arrested - dt.timedelta(minutes=n - 30)).strftime("%Y-%m-%d %H:%M"),
            "released_at": "",
            "offence": "pwits-a",
            "arresting_force": "norfolk-police",
            "given_name": _name(n),
            "family_name": "Faultson",
            "date_of_birth": dob,
            "sex": "M",
            "home_la": "hackney",
            "police_id": "",
            "appropriate_adult": "N",
            "carer_informed": "N",
            "comfort_box": "N",
        }
        lines.append(",".join(values[k] for k in KNOWN))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run_in_a_process_and_kill(job: DetentionImport) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reachable.test_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
    }
    code = f"from reachable.custody.tasks import run_detention_import as t; t.func({job.pk})"
    worker = subprocess.Popen(
        [sys.executable, "-m", "django", "shell", "-c", code],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    last_report = ROWS - ROWS % PROGRESS_EVERY - 1
    deadline = time.monotonic() + 120
    jobs = DetentionImport.objects.filter(pk=job.pk)
    while jobs.values_list("rows_checked", flat=True).get() < last_report:
        assert worker.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the import never reported its progress"
        time.sleep(0.05)
    time.sleep(0.5)  # every row checked: the import is now writing, in its one transaction
    assert jobs.get().finished_at is None, "too quick to kill: raise ROWS"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)


def test_an_import_killed_while_it_writes_leaves_nothing_and_runs_again_once(
    committed: Path, settings
) -> None:
    priya = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="pk")
    export = committed / "export.csv"
    _export(export)
    job = DetentionImport.objects.create(
        uploaded_by=priya, filename="export.csv", stored_as=str(export)
    )
    children_before = Child.objects.count()

    _run_in_a_process_and_kill(job)

    job.refresh_from_db()
    assert job.status == DetentionImport.Status.CHECKING  # it never got to say otherwise
    assert Detention.objects.count() == 0
    assert Child.objects.count() == children_before
    assert audit_verify().problems == []

    # The page tells the uploader once the job has been silent for the stale time.
    DetentionImport.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=settings.REACHABLE_JOB_STALE_MINUTES + 1)
    )
    client = signed_in_client(priya)
    status_page = page(client.get(f"/custody/import/{job.pk}/"))
    assert "stopped before it finished" in status_page
    assert client.post(f"/custody/import/{job.pk}/run-again/").status_code == 302

    job.refresh_from_db()  # the test settings run the job at once
    assert (job.status, job.created) == (DetentionImport.Status.DONE, ROWS)
    assert Detention.objects.count() == ROWS
    with pytest.raises(Exception, match="not stopped"):
        import_run_again(user=priya, job=job)
    assert audit_verify().problems == []
