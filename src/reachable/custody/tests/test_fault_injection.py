"""Fault injection: the process running a custody import is killed (SIGKILL, no chance to tidy
up) while it writes. Nothing of the file is saved, the audit chain verifies, the job's page says
it stopped and offers to run it again, and running it again imports every row once, however
often it is run. On PostgreSQL, where another process can share the test database."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from reachable.audit.services import audit_verify
from reachable.children.models import Child
from reachable.custody.import_parse import KNOWN, PROGRESS_EVERY
from reachable.custody.models import Detention, DetentionImport
from reachable.custody.tasks import import_run_again
from reachable.testing import (
    ON_POSTGRES,
    another_process_env,
    job_killed_when,
    page,
    person,
    signed_in_client,
)

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
    jobs = DetentionImport.objects.filter(pk=job.pk)
    last_report = ROWS - ROWS % PROGRESS_EVERY - 1
    job_killed_when(
        f"from reachable.custody.tasks import run_detention_import as t; t.func({job.pk})",
        lambda: jobs.values_list("rows_checked", flat=True).get() >= last_report,
        what="import",
        # Every row checked: the import is now writing, in its one transaction.
        settle=0.5,
        still_running=lambda: jobs.get().finished_at is None,
        seconds=120,
    )


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


# The web server killed while practitioners save forms: gunicorn (its master and workers, the
# whole process group) gets SIGKILL while several detentions are being recorded at once.
SAVERS = 4


def _gunicorn(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "reachable.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        env=another_process_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches every worker
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/accessibility/", timeout=2)
            assert server.poll() is None, "another server answers on this port"
            return server
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                if server.poll() is None:
                    os.killpg(server.pid, signal.SIGKILL)
                raise AssertionError("gunicorn did not start and answer") from None
            time.sleep(0.2)


def _form_codes() -> dict[str, str]:
    """The code and place ids a detention form sends (read once, before the savers start)."""
    from reachable.core.models import Code, Place

    return {
        "sex": str(Code.objects.get(code_list__key="sex", code="M").pk),
        "suite": str(Place.objects.get(slug="wymondham-pic").pk),
        "offence": str(Code.objects.get(code_list__key="offence-category", code="pwits-a").pk),
    }


def _detention_form(n: int, codes: dict[str, str]) -> dict[str, str]:
    arrested = timezone.localtime() - dt.timedelta(hours=2, minutes=n % 600)
    arrived = arrested + dt.timedelta(minutes=20)
    dob = timezone.localdate() - dt.timedelta(days=15 * 365 + n % 700)
    form = {
        "given_name": _name(n),
        "family_name": f"Web{_name(n * 7 + 3)}",
        "date_of_birth_0": str(dob.day),
        "date_of_birth_1": str(dob.month),
        "date_of_birth_2": str(dob.year),
        "police_id": f"26/{n:06d}W",
        "not_a_duplicate": "on",
        **codes,
    }
    for field, when in (("arrested_at", arrested), ("arrived_at", arrived)):
        form |= {
            f"{field}_0": str(when.day),
            f"{field}_1": str(when.month),
            f"{field}_2": str(when.year),
            f"{field}_3": when.strftime("%H:%M"),
        }
    return form


def _save(browser: httpx.Client, form: dict[str, str], sending: set[str] | None = None) -> str:
    """Open the detention form and send it, as a browser does: 'saved' or the status. While the
    POST waits for its answer, the form's reference is in ``sending``."""
    blank = browser.get("/custody/detentions/new/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', blank.text)
    assert token, blank.text[:500]
    reference = form["police_id"]
    if sending is not None:
        sending.add(reference)
    sent = browser.post(
        "/custody/detentions/new/",
        data=form | {"csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{browser.base_url}custody/detentions/new/"},
    )
    if sending is not None:
        sending.discard(reference)
    return "saved" if sent.status_code == 302 else str(sent.status_code)


def _browser(port: int, session: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"http://127.0.0.1:{port}/", cookies={"sessionid": session}, timeout=30
    )


def _save_detentions(
    port: int, session: str, next_form: Any, answers: dict[str, str], sending: set[str], stop: Any
) -> None:
    """One practitioner's browser saving detentions one after another, noting each answer: saved,
    refused, "cut off" (the form was sent and the server went away before answering) or "not
    sent" (it went away before the form was)."""
    with _browser(port, session) as browser:
        while not stop.is_set():
            form = next_form()
            try:
                answers[form["police_id"]] = _save(browser, form, sending)
            except httpx.TransportError:
                cut_off = form["police_id"] in sending
                answers[form["police_id"]] = "cut off" if cut_off else "not sent"
                return


def test_the_web_server_killed_while_detentions_are_saved_loses_nothing_accepted(
    committed: Path,
) -> None:
    import itertools
    import threading

    from reachable.audit.models import AuditEvent

    priya = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="pw")
    session = signed_in_client(priya).cookies["sessionid"].value
    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    children_before = Child.objects.count()
    server = _gunicorn(port)
    numbers = itertools.count()
    codes = _form_codes()
    lock = threading.Lock()

    def next_form() -> dict[str, str]:
        with lock:
            n = next(numbers)
        return _detention_form(n, codes)

    answers: dict[str, str] = {}
    sending: set[str] = set()
    stop = threading.Event()
    savers = [
        threading.Thread(
            target=_save_detentions,
            args=(port, session, next_form, answers, sending, stop),
        )
        for _ in range(SAVERS)
    ]
    try:
        for saver in savers:
            saver.start()
        deadline = time.monotonic() + 120
        # Killed after 20 saves, at a moment when at least one form has been sent and waits for
        # its answer (a save lasts tens of milliseconds; the check comes a moment before).
        while list(answers.values()).count("saved") < 20 or not sending:
            assert time.monotonic() < deadline, f"too few saves: {answers}"
            time.sleep(0.001)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    finally:
        stop.set()
        for saver in savers:
            saver.join(timeout=60)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)

    saved = {ref for ref, answer in answers.items() if answer == "saved"}
    cut_off = {ref for ref, answer in answers.items() if answer == "cut off"}
    assert set(answers.values()) <= {"saved", "cut off", "not sent"}, answers
    assert cut_off, "no save was waiting for its answer at the kill: nothing was tested"
    recorded = set(Detention.objects.values_list("child__identifiers__value", flat=True).distinct())
    # Nothing accepted is lost; a save cut off is either whole or absent, never half-written.
    assert saved <= recorded
    assert recorded <= saved | cut_off
    assert Child.objects.count() - children_before == Detention.objects.count() == len(recorded)
    assert AuditEvent.objects.filter(action="detention.record").count() == len(recorded)
    assert audit_verify().problems == []

    # Started again, it takes the next save as before.
    server = _gunicorn(port)
    try:
        with _browser(port, session) as browser:
            assert _save(browser, _detention_form(10**6, codes)) == "saved"
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
