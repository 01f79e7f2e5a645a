"""Importing lines intelligence: the one reader, all or nothing, and a report that says the fix."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from reachable.audit.models import AuditEvent
from reachable.lines import importer
from reachable.lines.models import Disruption, Line, LineStatus, Sighting
from reachable.lines.tests.helpers import a_line, officer
from reachable.testing import page, signed_in_client

pytestmark = pytest.mark.django_db

LINES = (
    "name,origin,destinations,model,crosses_force_boundary,controlling_group,first_seen_on,"
    "first_seen_in,source,source_grade,information_grade,handling\r\n"
    "Gold Drop,Lambeth,Ipswich;Colchester,traditional,yes,,01/10/2026,Ipswich,IR-1,2,B,P\r\n"
    "Ice Box,Ipswich,Cambridge,satellite,Yes,Group Café,2026-10-05,Cambridge,IR-2,1,A,C\r\n"
)


def _import(kind: str, text: str, tmp_path: Path, *, encoding: str = "utf-8", name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return importer.lines_import(user=officer(), kind=kind, path=path, filename=name)


def test_a_lines_file_records_each_line_with_its_first_sighting(tmp_path) -> None:
    result = _import("lines", LINES, tmp_path)
    assert not result.errors
    assert result.written == 2
    gold = Line.objects.get(name="Gold Drop")
    assert sorted(gold.destinations.values_list("name", flat=True)) == ["Colchester", "Ipswich"]
    assert gold.sightings.get().seen_on.isoformat() == "2026-10-01"
    assert Line.objects.get(name="Ice Box").controlling_group == "Group Café"
    assert AuditEvent.objects.filter(action="lines.import", detail__rows=2).exists()


def test_excels_windows_csv_with_semicolons_reads_the_same(tmp_path) -> None:
    result = _import(
        "lines",
        LINES.replace(",", ";").replace("Ipswich;Colchester", "Ipswich"),
        tmp_path,
        encoding="cp1252",
    )
    # In a semicolon file the destinations list cannot use semicolons; one destination here.
    assert not result.errors, result.errors
    assert Line.objects.get(name="Ice Box").controlling_group == "Group Café"
    assert any("semicolons" in n for n in result.notes)


def test_an_xlsx_workbook_reads_the_same(tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    for line in LINES.strip().split("\r\n"):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "lines.xlsx"
    path.write_bytes(buffer.getvalue())
    result = importer.lines_import(user=officer(), kind="lines", path=path, filename="lines.xlsx")
    assert not result.errors
    assert Line.objects.count() == 2


def test_one_bad_row_imports_nothing_and_says_the_row_column_and_fix(tmp_path) -> None:
    text = LINES + "Star Link,Lambeth,Ipswitch,traditional,yes,,2026-10-07,Ipswich,IR-3,2,B,P\r\n"
    result = _import("lines", text, tmp_path)
    assert Line.objects.count() == 0
    assert Sighting.objects.count() == 0
    assert result.written == 0
    [problem] = result.errors
    assert (problem.row, problem.column) == (4, "destinations")
    assert "Did you mean Ipswich?" in problem.message


def test_a_mistyped_column_gets_a_suggestion(tmp_path) -> None:
    result = _import("lines", LINES.replace("origin,", "orign,", 1), tmp_path)
    messages = {(e.column, e.message) for e in result.errors}
    assert ("orign", "Unknown column. Did you mean origin?") in messages
    assert any(c == "origin" and "Add the column" in m for c, m in messages)
    assert Line.objects.count() == 0


def test_a_second_closure_in_the_same_file_is_refused_and_nothing_is_kept(tmp_path) -> None:
    a_line("Gold Drop", "Lambeth", ("Ipswich",), first_seen=60)
    text = (
        "kind,occurred_on,county,line,origin,outcome,children_safeguarded,source,source_grade,"
        "information_grade,handling\r\n"
        "closure_2,{d1},Suffolk,Gold Drop,Lambeth,,1,IR-5,2,B,P\r\n"
        "closure_1,{d2},Suffolk,gold drop,lambeth,,0,IR-6,2,B,P\r\n"
    )
    from reachable.lines.tests.helpers import days_ago

    result = _import("disruptions", text.format(d1=days_ago(20), d2=days_ago(10)), tmp_path)
    assert [(e.row, e.column) for e in result.errors] == [(3, "kind")]
    assert "re-emerged" in result.errors[0].message
    assert Disruption.objects.count() == 0
    assert LineStatus.objects.filter(status="closed").count() == 0


def test_a_sighting_of_an_unknown_line_says_to_import_the_line_first(tmp_path) -> None:
    text = (
        "line,origin,seen_on,town,note,source,source_grade,information_grade,handling\r\n"
        "Nobody,Lambeth,2026-10-01,Ipswich,,IR-1,2,B,P\r\n"
    )
    [problem] = _import("sightings", text, tmp_path).errors
    assert problem.column == "line"
    assert "Import the line first" in problem.message


def test_the_import_page_lists_the_problems_and_changes_nothing(tmp_path) -> None:
    client = signed_in_client(officer())
    bad = LINES.replace("traditional", "franchised", 1).encode()
    response = client.post(
        reverse("lines:import"),
        {"kind": "lines", "file": SimpleUploadedFile("lines.csv", bad, "text/csv")},
    )
    assert response.status_code == 400
    text = page(response)
    assert "Nothing was imported" in text
    assert "'franchised' is not one of" in text
    assert Line.objects.count() == 0
    good = client.post(
        reverse("lines:import"),
        {"kind": "lines", "file": SimpleUploadedFile("lines.csv", LINES.encode(), "text/csv")},
    )
    assert good.status_code == 200
    assert "2 rows imported" in page(good)
    assert Line.objects.count() == 2


def test_templates_carry_every_column() -> None:
    for kind, columns in importer.COLUMNS.items():
        header = importer.template_csv(kind).strip().split(",")
        assert header == [name for name, _, _ in columns]
