from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from reachable.children.models import Child
from reachable.custody.importer import KNOWN, detentions_import, parse
from reachable.custody.models import Detention

pytestmark = pytest.mark.django_db

HEADER = ",".join(KNOWN)


def _row(
    ref: str, police_id: str = "10/777001A", arrested: str | None = None, **overrides: str
) -> str:
    arrested_at = arrested or (timezone.localtime() - dt.timedelta(days=2)).strftime(
        "%Y-%m-%d %H:%M"
    )
    arrived_at = (dt.datetime.fromisoformat(arrested_at) + dt.timedelta(minutes=40)).strftime(
        "%Y-%m-%d %H:%M"
    )
    dob = (timezone.localdate() - dt.timedelta(days=16 * 365)).isoformat()
    values = {
        "custody_reference": ref,
        "suite": "wymondham-pic",
        "arrested_at": arrested_at,
        "arrived_at": arrived_at,
        "released_at": "",
        "offence": "pwits-a",
        "arresting_force": "norfolk-police",
        "given_name": "Reuben",
        "family_name": "Okoro",
        "date_of_birth": dob,
        "sex": "M",
        "home_la": "hackney",
        "police_id": police_id,
        "appropriate_adult": "Y",
        "carer_informed": "N",
        "comfort_box": "Y",
    }
    values.update(overrides)
    return ",".join(values[k] for k in KNOWN)


def _file(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def test_a_valid_file_is_imported(priya) -> None:
    result = detentions_import(
        user=priya, text=_file(_row("A1"), _row("A2", police_id="10/777002B", given_name="Tayo"))
    )
    assert result.ok, result.errors
    assert result.created == 2
    assert result.new_children == 2
    assert Detention.objects.filter(source="imported").count() == 2
    assert Detention.objects.get(custody_reference="A1").out_of_county is True


def test_importing_the_same_file_again_adds_nothing(priya) -> None:
    text = _file(_row("A1"), _row("A2", police_id="10/777002B", given_name="Tayo"))
    detentions_import(user=priya, text=text)
    again = detentions_import(user=priya, text=text)
    assert again.ok
    assert (again.created, again.already_imported, again.new_children) == (0, 2, 0)
    assert Detention.objects.count() == 2
    assert Child.objects.filter(family_name="Okoro").count() == 2


def test_one_bad_row_means_nothing_is_imported(priya) -> None:
    result = detentions_import(
        user=priya,
        text=_file(
            _row("A1"),
            _row("A2", police_id="10/777002B", suite="nowhere-pic"),
            _row("A3", police_id="10/777003C"),
        ),
    )
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "suite")]
    assert "Not a custody suite we know" in result.errors[0].message
    assert not Detention.objects.exists()
    assert not Child.objects.filter(family_name="Okoro").exists()


def test_each_problem_names_the_row_the_column_and_the_fix(priya) -> None:
    future = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    result = detentions_import(
        user=priya,
        text=_file(
            _row("B1", offence="burglary"),
            _row("B2", police_id="10/777002B", arrested=future),
            _row("B3", police_id="10/777003C", date_of_birth="31/02/2010"),
            _row("B4", police_id="10/777004D", appropriate_adult="maybe"),
        ),
    )
    found = {(e.row, e.column): e.message for e in result.errors}
    assert "Not an offence code" in found[(2, "offence")]
    assert found[(3, "arrested_at")] == "Arrest time cannot be in the future."
    assert "Not a date" in found[(4, "date_of_birth")]
    assert found[(5, "appropriate_adult")] == "Write Y or N."


def test_a_missing_column_is_reported_on_the_header_row(priya) -> None:
    text = _file(_row("C1")).replace("custody_reference,", "reference,", 1)
    result = detentions_import(user=priya, text=text)
    messages = {(e.row, e.column) for e in result.errors}
    assert (1, "custody_reference") in messages
    assert (1, "reference") in messages


def test_an_empty_file_is_explained(priya) -> None:
    result = detentions_import(user=priya, text="")
    assert result.errors[0].message.startswith("The file is empty")


def test_the_same_arrest_twice_in_one_file_is_a_problem(priya) -> None:
    row = _row("D1")
    result = detentions_import(user=priya, text=_file(row, row))
    assert [(e.row, e.column) for e in result.errors] == [(3, "arrested_at")]


def test_a_byte_order_mark_from_excel_is_ignored(priya) -> None:
    assert detentions_import(user=priya, text="\ufeff" + _file(_row("E1"))).ok


def test_the_suite_team_can_see_imported_children(priya) -> None:
    from reachable.children.selectors import children_visible

    detentions_import(user=priya, text=_file(_row("F1")))
    assert children_visible(priya).filter(family_name="Okoro").count() == 1


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_parsing_any_text_never_crashes(text: str) -> None:
    import csv
    import io

    lines = list(csv.reader(io.StringIO(text, newline="")))
    rows, errors = parse(lines[0] if lines else [], iter(lines[1:]))
    assert rows == [] or not errors or all(e.row >= 1 for e in errors)


def test_a_time_skipped_by_the_clocks_going_forward_is_explained(priya) -> None:
    row = _row("G1", arrested="2026-03-29 01:30")
    result = detentions_import(user=priya, text=_file(row))
    assert [(e.row, e.column) for e in result.errors] == [(2, "arrested_at")]
    assert "clocks went forward" in result.errors[0].message


def test_times_either_side_of_the_clocks_going_back_are_in_order(priya) -> None:
    # 00:50 BST, then arrival 40 minutes later at 01:30 (first, BST, occurrence of the repeated hour).
    result = detentions_import(user=priya, text=_file(_row("H1", arrested="2026-10-25 00:50")))
    assert result.ok, result.errors


# ---------------------------------------------------------------- the upload page and its background job


def _upload(client, text: str, name: str = "custody.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("custody:import"), {"file": SimpleUploadedFile(name, text.encode("utf-8"))}
    )


def test_an_upload_is_queued_and_its_page_shows_the_outcome(priya) -> None:
    from reachable.custody.models import DetentionImport
    from reachable.testing import page, signed_in_client

    client = signed_in_client(priya)
    response = _upload(client, _file(_row("U1")))
    job = DetentionImport.objects.get()
    assert response["Location"] == f"/custody/import/{job.pk}/"
    # The test settings run jobs at once; production queues them for `reachable db_worker`.
    assert job.status == DetentionImport.Status.DONE
    assert job.created == 1
    upload_dir = Path(django_settings.REACHABLE_UPLOAD_DIR)
    assert not list(upload_dir.rglob("*.csv"))  # the file is not kept once imported
    body = page(client.get(response["Location"]))
    assert "1 detention added" in body
    assert 'http-equiv="refresh"' not in body


def test_a_rejected_upload_lists_its_problems_and_offers_them_as_csv(priya) -> None:
    from django.urls import reverse

    from reachable.custody.models import DetentionImport
    from reachable.testing import page, signed_in_client

    client = signed_in_client(priya)
    _upload(client, _file(_row("U2", suite="nowhere")))
    job = DetentionImport.objects.get()
    assert job.status == DetentionImport.Status.REJECTED
    assert not Detention.objects.exists()
    body = page(client.get(reverse("custody:import_status", args=[job.pk])))
    assert "Nothing was imported: 1 problem to fix" in body
    report = client.get(reverse("custody:import_report", args=[job.pk])).content.decode()
    assert "nowhere" in report


def test_progress_is_reported_while_rows_are_checked(priya) -> None:
    from reachable.custody.importer import PROGRESS_EVERY, detentions_import

    seen: list[int] = []
    rows = [_row(f"R{i}", police_id="") for i in range(PROGRESS_EVERY + 10)]
    detentions_import(user=priya, text=_file(*rows), progress=seen.append)
    assert seen == [PROGRESS_EVERY - 1]


def test_a_page_still_waiting_refreshes_itself(priya) -> None:
    from django.urls import reverse

    from reachable.custody.models import DetentionImport
    from reachable.testing import page, signed_in_client

    job = DetentionImport.objects.create(uploaded_by=priya, filename="x.csv", rows_checked=5000)
    body = page(signed_in_client(priya).get(reverse("custody:import_status", args=[job.pk])))
    assert 'http-equiv="refresh"' in body
    assert "5000 rows checked so far" in body


def test_excel_on_a_uk_windows_machine_semicolons_and_an_xlsx_all_import(priya) -> None:
    from openpyxl import Workbook

    from reachable.custody.models import DetentionImport
    from reachable.testing import signed_in_client

    client = signed_in_client(priya)
    # Excel's plain "CSV" on a UK Windows machine: Windows-1252, here with an accented name.
    cp1252 = _file(_row("X1", arrested="2026-11-01 10:00", given_name="Zoë")).encode("cp1252")
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.post(reverse("custody:import"), {"file": SimpleUploadedFile("a.csv", cp1252)})
    semicolons = _file(_row("X2", arrested="2026-11-02 10:00")).replace(",", ";")
    _upload(client, semicolons, name="b.csv")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv.reader(io.StringIO(_file(_row("X3", arrested="2026-11-03 10:00")))):
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    client.post(
        reverse("custody:import"), {"file": SimpleUploadedFile("c.xlsx", buffer.getvalue())}
    )
    jobs = list(DetentionImport.objects.order_by("pk"))
    assert [(j.status, j.created) for j in jobs] == [("done", 1)] * 3, [j.problems for j in jobs]
    assert Detention.objects.filter(child__given_name="Zoë").exists()


def test_a_file_over_the_upload_limit_is_refused_and_nothing_is_kept(priya, settings) -> None:
    from reachable.custody.models import DetentionImport
    from reachable.testing import page, signed_in_client

    settings.REACHABLE_UPLOAD_MAX_MB = 1
    big = _file(*[_row(f"B{i}", police_id="") for i in range(9000)])
    assert len(big.encode()) > 1024 * 1024
    response = _upload(signed_in_client(priya), big)
    assert "The file is larger than 1 MB" in page(response)
    assert not DetentionImport.objects.exists()
    assert not list(Path(settings.REACHABLE_UPLOAD_DIR).rglob("*.*"))


def test_a_mistyped_column_gets_a_suggestion(priya) -> None:
    text = _file(_row("M1")).replace("arrested_at", "arested at", 1)
    result = detentions_import(user=priya, text=text)
    assert any("Did you mean 'arrested_at'?" in e.message for e in result.errors)


@pytest.mark.django_db(transaction=True)
def test_in_production_the_import_waits_for_the_database_worker(settings) -> None:
    """The production set-up: the job is stored, and `reachable db_worker` runs it. Transactional,
    because the worker commits and closes its connection as a real one does."""
    from django.core.management import call_command
    from django.db import connection

    from reachable.audit import guard
    from reachable.core.services import partnership_load
    from reachable.custody.models import DetentionImport
    from reachable.custody.tasks import import_queue
    from reachable.testing import person

    try:
        partnership_load()  # transactional tests start from an emptied database
        priya = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="p")
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        job = import_queue(user=priya, chunks=[_file(_row("W1")).encode()], filename="night.csv")
        job.refresh_from_db()
        assert job.status == DetentionImport.Status.QUEUED
        assert not Detention.objects.exists()
        call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
        job.refresh_from_db()
        assert job.status == DetentionImport.Status.DONE
        assert Detention.objects.count() == 1
    finally:
        # The database is emptied after this test; the audit triggers would refuse that.
        guard.drop(connection)


def test_the_values_an_import_report_quotes_are_removed_after_the_set_days(priya) -> None:
    import datetime as dt

    from django.core.management import call_command

    from reachable.custody.models import DetentionImport

    old = DetentionImport.objects.create(
        uploaded_by=priya,
        filename="old.csv",
        status="rejected",
        finished_at=timezone.now()
        - dt.timedelta(days=django_settings.REACHABLE_IMPORT_REPORT_DAYS + 1),
        problems=[{"row": 2, "column": "given_name", "value": "Reuben", "message": "Too long."}],
    )
    recent = DetentionImport.objects.create(
        uploaded_by=priya,
        filename="new.csv",
        status="rejected",
        finished_at=timezone.now(),
        problems=[{"row": 3, "column": "given_name", "value": "Okoro", "message": "Too long."}],
    )
    call_command("governance_daily")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert "Reuben" not in str(old.problems)
    assert old.problems[0]["row"] == 2
    assert old.problems[0]["message"] == "Too long."
    assert recent.problems[0]["value"] == "Okoro"
