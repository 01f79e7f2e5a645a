"""Checking returns: every problem by row, column and value with the fix; the encodings, date
styles and spreadsheet formats agencies actually send; nothing crashes on bad input."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from reachable.returns.models import Domain
from reachable.returns.validation import Checked, check_return, date_sql, typed_select

pytestmark = pytest.mark.django_db

PERIOD = (dt.date(2026, 4, 1), dt.date(2026, 9, 30))
POLICE_HEADER = "local_id,given_name,family_name,date_of_birth,sex,ethnicity,postcode,arrested_on,offence,home_la_code,missing_episodes"
GOOD_ROWS = [
    "36/1/26,Jay,Okafor,2010-03-27,M,BCRB,NR1 3QA,2026-05-02,pwits-a,E09000022,2",
    "36/2/26,Zoë,Brooks,27/03/2011,F,WBRI,,12/06/2026,pwits-b,E10000020,",
    "36/3/26,Sam,Lee,40000,M,,,46204,supply-a,,0",
]


def domain(key: str = "police", version: str = "2026.1") -> Domain:
    return Domain.objects.get(version__version=version, key=key)


def write(
    tmp_path: Path, lines: list[str], name: str = "return.csv", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def check(path: Path, key: str = "police", version: str = "2026.1", con: Any = None) -> Checked:
    return check_return(
        path, filename=path.name, domain=domain(key, version), period=PERIOD, con=con
    )


def messages(checked: Checked) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in checked.problems]


def test_a_good_return_passes_and_types_every_date_style(tmp_path) -> None:
    con = duckdb.connect()
    checked = check(write(tmp_path, [POLICE_HEADER, *GOOD_ROWS]), con=con)
    assert checked.ok, checked.problems
    assert checked.rows == 3
    rows = con.execute(typed_select(domain(), checked.columns) + " ORDER BY _row").fetchall()
    births = [r[4] for r in rows]
    assert births == [dt.date(2010, 3, 27), dt.date(2011, 3, 27), dt.date(2009, 7, 6)]
    assert rows[2][8] == dt.date(2026, 7, 1), "Excel serial 46204"
    assert rows[1][11] is None
    assert rows[0][11] == 2


def test_every_bad_cell_is_named_with_its_fix(tmp_path) -> None:
    rows = [
        "36/1/26,Jay,Okafor,2010-03-27,Boy,BCRB,,2026-05-02,pwits-a,E09000022,2",
        "36/2/26,,Brooks,2011-02-30,F,WBRI,,2026-12-01,heroin,E1000,-1",
        "36/1/26,Sam,Lee,2024-01-01,M,,,2026-06-01,supply-a,,many",
    ]
    found = messages(check(write(tmp_path, [POLICE_HEADER, *rows])))
    assert (2, "sex", "Use one of: M, F, X, U.") in found
    assert (3, "given_name", "Given name is required: fill it in.") in found
    assert (3, "date_of_birth", "Write a date as 2026-04-30 or 30/04/2026.") in found
    assert (
        3,
        "arrested_on",
        "The date must be inside the return period (1 Apr 2026 to 30 Sep 2026).",
    ) in found
    assert (3, "offence", "Use one of: pwits-a, pwits-b, supply-a, supply-b.") in found
    assert (3, "home_la_code", "Check the format (see the template).") in found
    assert (3, "missing_episodes", "Must be at least 0.") in found
    assert (4, "missing_episodes", "Write a whole number, for example 3.") in found
    assert any(r == 4 and c == "local_id" and "already on an earlier row" in m for r, c, m in found)
    assert any(r == 4 and c == "date_of_birth" and "under 8 or over 25" in m for r, c, m in found)
    values = {
        (p.row, p.column): p.value for p in check(write(tmp_path, [POLICE_HEADER, *rows])).problems
    }
    assert values[(3, "offence")] == "heroin"


def test_a_child_on_several_rows_is_named_on_every_row_after_the_first(tmp_path) -> None:
    first = "36/7/26,Jay,Okafor,2010-03-27,M,BCRB,,2026-05-02,pwits-a,E09000022,2"
    no_reference = ",Sam,Lee,2010-03-27,M,,,2026-06-01,supply-a,,0"
    lines = [POLICE_HEADER, first, no_reference, " " + first, no_reference, first]
    repeated = [
        r for r, c, m in messages(check(write(tmp_path, lines))) if "already on an earlier row" in m
    ]
    # Rows without a reference are told to fill it in, not that they repeat each other.
    assert repeated == [4, 6]


def test_header_problems_say_what_to_do(tmp_path) -> None:
    header = POLICE_HEADER.replace("offence", "offense").replace(",missing_episodes", ",notes")
    found = messages(check(write(tmp_path, [header, GOOD_ROWS[0]])))
    assert any(
        "'offense' is not a column" in m and "Did you mean 'offence'?" in m for _, _, m in found
    )
    assert any("'notes' is not a column" in m for _, _, m in found)
    assert any("required column 'offence' is missing" in m for _, _, m in found)


def test_a_renamed_column_from_the_earlier_version_is_still_read(tmp_path) -> None:
    header = "local_id,given_name,family_name,date_of_birth,sex,cce_concern,missing_episodes"
    checked = check(
        write(tmp_path, [header, "A1,Jay,Okafor,2010-03-27,M,Y,1"]), "youth-justice", "2027.1"
    )
    assert checked.ok, checked.problems
    assert checked.columns["cce_concern"] == "exploitation_concern"
    assert any("renamed" in n for n in checked.notes)


def test_merged_header_rows_and_totals_rows_are_recognised(tmp_path) -> None:
    title = "Police return April to September 2026" + "," * 10
    found = messages(check(write(tmp_path, [title, POLICE_HEADER, GOOD_ROWS[0]])))
    assert found == [(1, "", found[0][2])]
    assert "seem to start on line 2" in found[0][2]  # the one reader's check, as every import

    health = "age_band,sex,injury,attendances"
    found = messages(check(write(tmp_path, [health, "10-13,M,knife,4", "Total,,,4"]), "health"))
    assert (
        3,
        "age_band",
        "This looks like a totals row. Remove totals: Reachable adds up the rows itself.",
    ) in found


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16", b"")],
)
def test_encodings_excel_writes_are_read_the_same(tmp_path, encoding, prefix) -> None:
    con = duckdb.connect()
    path = tmp_path / "return.csv"
    path.write_bytes(prefix + "\r\n".join([POLICE_HEADER, *GOOD_ROWS]).encode(encoding))
    checked = check(path, con=con)
    assert checked.ok, checked.problems
    names = [r[0] for r in con.execute("SELECT given_name FROM raw ORDER BY _row").fetchall()]
    assert names == ["Jay", "Zoë", "Sam"]


def test_a_spreadsheet_is_read_from_its_first_sheet(tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(POLICE_HEADER.split(","))
    sheet.append(
        [
            "36/1/26",
            "Jay",
            "Okafor",
            dt.datetime(2010, 3, 27),
            "M",
            "BCRB",
            "",
            dt.date(2026, 5, 2),
            "pwits-a",
            "E09000022",
            2,
        ]
    )
    path = tmp_path / "return.xlsx"
    book.save(path)
    checked = check(path)
    assert checked.ok, checked.problems
    assert checked.rows == 1
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert "could not be read" in check(broken).problems[0].message


def test_empty_files_and_header_only_files(tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "The file is empty" in check(empty).problems[0].message
    assert "no rows" in check(write(tmp_path, [POLICE_HEADER])).problems[0].message


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(["iso", "uk", "dash", "dot", "serial"]),
)
def test_every_accepted_date_style_reads_back_the_same_day(day, style) -> None:
    text = {
        "iso": day.isoformat(),
        "uk": day.strftime("%d/%m/%Y"),
        "dash": day.strftime("%d-%m-%Y"),
        "dot": day.strftime("%d.%m.%Y"),
        "serial": str((day - dt.date(1899, 12, 30)).days),
    }[style]
    got = (
        duckdb.connect()
        .execute(f"SELECT {date_sql('v')} FROM (SELECT ?::VARCHAR AS v)", [text])
        .fetchone()
    )
    assert got is not None
    assert got[0] == day


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
        min_size=1,
        max_size=6,
    )
)
def test_arbitrary_rows_never_crash_the_check(tmp_path_factory, cells) -> None:
    tmp = tmp_path_factory.mktemp("r")
    out = io.StringIO()
    import csv

    csv.writer(out).writerows([POLICE_HEADER.split(","), cells])
    path = tmp / "return.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    checked = check(path)
    assert checked.ok or checked.problems
