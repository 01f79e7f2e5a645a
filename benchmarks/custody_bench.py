"""Custody benchmarks: the pilot dashboard over 1,000,000 detentions, and a 100,000-row CSV import.

    .venv/bin/python benchmarks/custody_bench.py [--detentions 1000000] [--import-rows 100000]

Runs against a fresh PostgreSQL database (BENCH_PG_ADMIN, default postgres://postgres@127.0.0.1:5432/postgres)
unless --database-url is given. Prints its figures; docs/benchmarks.md records the latest run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, base_env, fresh_postgres


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=200_000)
    parser.add_argument("--detentions", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="Skip synth and the dashboard (reuse --database-url).",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    url = args.database_url or fresh_postgres()
    env = base_env(url)
    if args.import_only:
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
        import django

        django.setup()
        bench_import(args.import_rows)
        return
    subprocess.run([str(BIN / "reachable"), "migrate", "-v", "0"], env=env, check=True)
    started = time.perf_counter()
    out = subprocess.run(
        [
            str(BIN / "reachable"),
            "synth",
            "--seed",
            "1",
            "--children",
            str(args.children),
            "--detentions",
            str(args.detentions),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(
        f"synth {args.children:,} children + {args.detentions:,} detentions: {time.perf_counter() - started:.1f} s\n{out.strip()}"
    )

    if url.startswith("postgres"):
        # What autovacuum does soon after a bulk load; without it PostgreSQL cannot use index-only scans yet.
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
    import django

    django.setup()
    from django.test import Client

    from reachable.accounts.models import User
    from reachable.custody.dashboard import pilot_figures

    timings = []
    for _ in range(5):
        t = time.perf_counter()
        figures = pilot_figures(year=2025)
        timings.append(time.perf_counter() - t)
    print(
        f"pilot_figures(2025) over {figures.detentions:,} detentions that year: "
        f"median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms (5 runs)"
    )
    client = Client()
    client.force_login(User.objects.get(username="programme.lead"))
    page_timings = []
    for _ in range(5):
        t = time.perf_counter()
        response = client.get("/custody/dashboard/?year=2025", HTTP_HOST="127.0.0.1")
        page_timings.append(time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
    print(
        f"dashboard page, whole request: median {statistics.median(page_timings) * 1000:.0f} ms, max {max(page_timings) * 1000:.0f} ms"
    )

    bench_import(args.import_rows)


def bench_import(rows: int) -> None:
    from reachable.accounts.models import User
    from reachable.custody.importer import KNOWN, detentions_import

    rng = random.Random(7)
    london = zoneinfo.ZoneInfo("Europe/London")
    now = dt.datetime.now(dt.UTC)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(KNOWN)
    for i in range(rows):
        # Written in UK local time, as a custody export would be. Rows whose hour is ambiguous or
        # missing in local time (the DST changes) move a day, so every row is valid.
        arrested_utc = now - dt.timedelta(days=rng.randint(2, 300), minutes=rng.randint(0, 1440))
        while arrested_utc.astimezone(london).utcoffset() != (
            arrested_utc + dt.timedelta(hours=2)
        ).astimezone(london).utcoffset() or (
            arrested_utc.astimezone(london).utcoffset()
            != (arrested_utc - dt.timedelta(hours=2)).astimezone(london).utcoffset()
        ):
            arrested_utc -= dt.timedelta(days=1)
        arrested = arrested_utc.astimezone(london)
        arrived = (arrested_utc + dt.timedelta(minutes=40)).astimezone(london)
        dob = (now - dt.timedelta(days=365 * rng.randint(11, 17) + rng.randint(0, 364))).date()
        writer.writerow(
            [
                f"BENCH/{i}",
                "wymondham-pic",
                arrested.strftime("%Y-%m-%d %H:%M"),
                arrived.strftime("%Y-%m-%d %H:%M"),
                "",
                "pwits-a",
                "norfolk-police",
                f"Given{i % 997}",
                f"Family{i % 1999}",
                dob.isoformat(),
                "M",
                "lambeth",
                f"99/{i:07d}Z",
                "Y",
                "N",
                "Y",
            ]
        )
    text = buffer.getvalue()
    user = User.objects.get(username="custody.norfolk")
    t = time.perf_counter()
    result = detentions_import(user=user, text=text, filename="bench.csv")
    elapsed = time.perf_counter() - t
    assert result.ok, result.errors[:3]
    print(
        f"import {rows:,} CSV rows ({len(text) / 1e6:.1f} MB): {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s "
        f"({result.created:,} detentions, {result.new_children:,} new children)"
    )
    t = time.perf_counter()
    again = detentions_import(user=user, text=text, filename="bench.csv")
    elapsed = time.perf_counter() - t
    print(
        f"re-import of the same file: {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s, created {again.created}, already there {again.already_imported:,}"
    )


if __name__ == "__main__":
    main()
