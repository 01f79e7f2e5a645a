"""Minimum dataset returns: checking a 1,000,000-row return, against DuckDB's own read_csv on the
same file in the same run (goal: at least a third of DuckDB's rate).

    .venv/bin/python benchmarks/returns_bench.py [--rows 1000000]

Uses a throwaway SQLite database for the specification (the check itself runs in DuckDB).
Prints its figures; docs/benchmarks.md records the latest run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import base_env


def write_return(path: Path, rows: int) -> None:
    rng = random.Random(3)
    offences = ["pwits-a", "pwits-b", "supply-a", "supply-b"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "local_id",
                "given_name",
                "family_name",
                "date_of_birth",
                "sex",
                "ethnicity",
                "postcode",
                "arrested_on",
                "offence",
                "home_la_code",
                "missing_episodes",
            ]
        )
        start = dt.date(2026, 4, 1)
        for i in range(rows):
            dob = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
            arrested = start + dt.timedelta(days=rng.randint(0, 182))
            w.writerow(
                [
                    f"36/{i}/26",
                    f"Given{i % 997}",
                    f"Family{i % 1999}",
                    dob.isoformat() if i % 2 else dob.strftime("%d/%m/%Y"),
                    "MF"[i % 10 == 0],
                    "WBRI",
                    "NR1 3QA",
                    arrested.isoformat(),
                    offences[i % 4],
                    "E10000020",
                    str(rng.randint(0, 5)),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(base_env(f"sqlite:///{tmp}/spec.sqlite3"))
        os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
        os.environ["REACHABLE_RETURNS_DIR"] = tmp
        import django

        django.setup()
        import duckdb
        from django.core.management import call_command

        from reachable.returns.models import Domain
        from reachable.returns.spec import specs_load_all
        from reachable.returns.validation import check_return

        call_command("migrate", verbosity=0)
        call_command("load_partnership", verbosity=0)
        specs_load_all()
        domain = Domain.objects.get(version__version="2026.1", key="police")
        path = Path(tmp) / "police.csv"
        write_return(path, args.rows)
        size = path.stat().st_size / 1e6

        timings = []
        for _ in range(3):
            con = duckdb.connect()
            started = time.perf_counter()
            con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}')")
            timings.append(time.perf_counter() - started)
        duck = min(timings)
        print(
            f"DuckDB read_csv of {args.rows:,} rows ({size:.0f} MB): {duck:.2f} s = {args.rows / duck:,.0f} rows/s (best of 3)"
        )

        def check(file: Path, con: duckdb.DuckDBPyConnection):
            return check_return(
                file,
                filename=file.name,
                domain=domain,
                period=(dt.date(2026, 4, 1), dt.date(2026, 9, 30)),
                con=con,
            )

        timings = []
        for _ in range(3):
            con = duckdb.connect()
            started = time.perf_counter()
            checked = check(path, con)
            timings.append(time.perf_counter() - started)
            assert checked.ok, checked.problems[:3]
        # Row numbers must be the file's lines even though DuckDB reads in parallel.
        misplaced = con.execute(
            "SELECT count(*) FROM raw WHERE local_id <> '36/' || (_row - 2) || '/26'"
        ).fetchone()[0]
        assert misplaced == 0, f"{misplaced} rows numbered out of file order"
        bad = Path(tmp) / "police-bad.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[args.rows // 2] = (
            lines[args.rows // 2]
            .replace("pwits-a", "heroin")
            .replace("pwits-b", "heroin")
            .replace("supply-a", "heroin")
            .replace("supply-b", "heroin")
        )
        bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
        found = check(bad, duckdb.connect())
        assert [(p.row, p.column) for p in found.problems] == [(args.rows // 2 + 1, "offence")]
        print(
            f"one bad cell in the middle of the file: reported at row {found.problems[0].row:,} (its line)"
        )
        ours = min(timings)
        print(
            f"check_return of the same file: {ours:.2f} s = {args.rows / ours:,.0f} rows/s (best of 3; "
            f"runs {', '.join(f'{t:.2f}' for t in timings)} s); ratio to DuckDB: {duck / ours:.2f} (goal >= 0.33)"
        )

        from django.utils import timezone

        from reachable.core.models import Agency, Area
        from reachable.returns.models import ReturnPeriod, Submission
        from reachable.returns.services import _accept
        from reachable.synth.services import system_user

        timings = []
        for _ in range(3):
            submission = Submission.objects.create(
                agency=Agency.objects.get(slug="norfolk-police"),
                county=Area.objects.get(slug="norfolk"),
                period=ReturnPeriod.objects.get(label="April to September 2026"),
                domain=domain,
                submitted_by=system_user(),
                submitted_at=timezone.now(),
                filename="police.csv",
            )
            con = duckdb.connect()
            started = time.perf_counter()
            checked = check(path, con)
            _accept(submission, checked.columns, checked.rows, checked.notes, con)
            timings.append(time.perf_counter() - started)
        both = min(timings)
        stored = Path(Submission.objects.filter(status="accepted").get().stored_as)
        print(
            f"check + pseudonymise + store (Parquet) of the same file: {both:.2f} s = "
            f"{args.rows / both:,.0f} rows/s (best of 3); ratio to DuckDB: {duck / both:.2f}; "
            f"stored {stored.stat().st_size / 1e6:.0f} MB"
        )


if __name__ == "__main__":
    main()
