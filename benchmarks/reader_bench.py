"""The one upload reader (lib.tabular) against the limit of the same work: DuckDB's own
``read_csv`` of the same Windows-1252 file, and python-calamine's read of the same workbook.

    .venv/bin/python benchmarks/reader_bench.py [--rows 1000000] [--xlsx-rows 100000]

Two measures for each file, in one run:
- rows: every row handed to Python as a list of strings (what the custody and module imports
  consume), against the limit of reading the file whole (DuckDB into a table; calamine into
  Python lists);
- for the CSV, also what the returns check needs: the file made UTF-8 for DuckDB and read by it,
  against DuckDB reading the Windows-1252 file itself.
Prints its figures; docs/benchmarks.md records the latest run.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import duckdb
from python_calamine import CalamineWorkbook

from reachable.lib.tabular import as_utf8_csv, rows_of

GIVEN = ["Zoë", "José", "Chloé", "Noël", "Kai", "Tyler", "Jay", "Renée", "Amara", "Łukasz"]
FAMILY = ["Okafor", "Brooks", "Müller", "Núñez", "O'Brien", "Adeyemi", "Smith", "Fernández"]
HEADER = [
    "local_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "postcode",
    "cce_concern",
    "identified_on",
    "care_status",
    "nrm_referred",
]


def _rows(count: int):
    rng = random.Random(7)
    for n in range(count):
        given = GIVEN[rng.randrange(len(GIVEN))]
        if given == "Łukasz":  # not in Windows-1252: a partner's system would have written L
            given = "Lukasz"
        yield [
            f"YJ-{n}",
            given,
            FAMILY[rng.randrange(len(FAMILY))],
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2007, 2015)}",
            rng.choice("MF"),
            rng.choice(["WBRI", "BCRB", "MWBC", ""]),
            f"IP{rng.randint(1, 33)} {rng.randint(1, 9)}AB",
            rng.choice("YN"),
            f"2026-{rng.randint(4, 9):02d}-{rng.randint(1, 28):02d}",
            rng.choice(["none", "cin", "cla"]),
            rng.choice("YN"),
        ]


def _timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _count_rows(path: Path, name: str, workdir: Path) -> int:
    with rows_of(path, name) as (_, rows, _notes):
        return sum(1 for _ in rows)


def _line(label: str, seconds: float, rows: int, limit: float | None = None) -> None:
    rate = rows / seconds
    ratio = f"   ratio {limit / seconds:.2f} of the limit" if limit else ""
    print(f"  {label:<58} {seconds:7.2f} s  {rate:>10,.0f} rows/s{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    args = parser.parse_args()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    print(
        f"Machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"duckdb {duckdb.__version__}; {time.strftime('%Y-%m-%d')}"
    )
    with tempfile.TemporaryDirectory() as held:
        work = Path(held)
        source = work / "return-cp1252.csv"
        with source.open("w", encoding="cp1252", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(HEADER)
            writer.writerows(_rows(args.rows))
        print(f"\nCSV, Windows-1252, {args.rows:,} rows ({source.stat().st_size / 1e6:.0f} MB)")
        con = duckdb.connect()
        limit, _ = _timed(
            lambda: con.execute(
                f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{source}', encoding='latin-1', "
                "header=true, all_varchar=true)"
            ).fetchall()
        )
        _line("limit: DuckDB read_csv of the file into a table", limit, args.rows)
        utf8_copy = work / "copy-utf8.csv"
        utf8_copy.write_text(source.read_text(encoding="cp1252"), encoding="utf-8")

        def bare_rows() -> int:
            with utf8_copy.open(encoding="utf-8", newline="") as f:
                return sum(1 for _ in csv.reader(f)) - 1

        floor, _ = _timed(bare_rows)
        _line("floor in Python: csv.reader over the same rows, already UTF-8", floor, args.rows)
        seconds, counted = _timed(lambda: _count_rows(source, source.name, work))
        assert counted == args.rows, counted
        _line(
            "reader: every row to Python (encoding found, decoded as read)",
            seconds,
            args.rows,
            limit,
        )
        print(
            f"  {'':<58} {'':>7}    {'':>10}        ratio {floor / seconds:.2f} of the Python floor"
        )

        def returns_path() -> None:
            utf8, _ = as_utf8_csv(source, source.name, work)
            con.execute(
                f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{utf8}', header=true, "
                "all_varchar=true)"
            ).fetchall()
            utf8.unlink()

        seconds, _ = _timed(returns_path)
        _line("reader for the returns check: made UTF-8, then DuckDB", seconds, args.rows, limit)

        from openpyxl import Workbook

        book_path = work / "export.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADER)
        for row in _rows(args.xlsx_rows):
            sheet.append(row)
        book.save(book_path)
        print(f"\nXLSX, {args.xlsx_rows:,} rows ({book_path.stat().st_size / 1e6:.1f} MB)")
        limit, _sheet = _timed(
            lambda: CalamineWorkbook.from_path(str(book_path)).get_sheet_by_index(0).to_python()
        )
        _line("limit: python-calamine reads the sheet into Python", limit, args.xlsx_rows)
        seconds, counted = _timed(lambda: _count_rows(book_path, book_path.name, work))
        assert counted == args.xlsx_rows, counted
        _line(
            "reader: every row to Python (formulas looked for, then cells)",
            seconds,
            args.xlsx_rows,
            limit,
        )


if __name__ == "__main__":
    main()
