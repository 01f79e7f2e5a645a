"""Casework benchmarks: a team caseload of 100,000 open cases, and a chronology of 5,000 entries.

    .venv/bin/python benchmarks/casework_bench.py [--cases 100000] [--entries 5000]

Runs against a fresh PostgreSQL database (BENCH_PG_ADMIN, default postgres://postgres@127.0.0.1:5432/postgres)
unless --database-url is given. Times whole requests through Django's test client (no network),
signed in as the demo people. Prints its figures; docs/benchmarks.md records the latest run.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, base_env, fresh_postgres

RUNS = 7


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    url = args.database_url or fresh_postgres()
    env = base_env(url)
    subprocess.run([str(BIN / "reachable"), "migrate", "-v", "0"], env=env, check=True)
    children = args.cases + 1000
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "reachable"), "synth", "--seed", "1", "--children", str(children)],
        env=env,
        check=True,
        capture_output=True,
    )
    print(f"synth {children:,} children: {time.perf_counter() - started:.1f} s")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
    import django

    django.setup()
    from django.test import Client

    from reachable.accounts.models import User
    from reachable.casework.chronology import CHRONOLOGY_COLUMNS
    from reachable.casework.models import Case, ChronologyEntry
    from reachable.casework.synth import entry_row, synth_cases
    from reachable.lib.bulk import bulk_insert
    from reachable.synth.services import system_user

    started = time.perf_counter()
    summary = synth_cases(
        seed=1,
        count=args.cases,
        user_id=system_user().pk,
        entries_per_case=2,
        team_slug="norfolk-mace",
    )
    print(
        f"synth {summary.cases:,} open cases in one team, {summary.entries:,} chronology entries: "
        f"{time.perf_counter() - started:.1f} s"
    )
    case = Case.objects.order_by("pk").first()
    assert case is not None
    rng = random.Random(5)
    since = case.opened_at
    from django.utils import timezone

    now = timezone.now()
    agency = case.team.agency_id
    author = system_user().pk  # not inside the generator: the connection is busy with COPY then
    bulk_insert(
        ChronologyEntry,
        CHRONOLOGY_COLUMNS,
        (
            entry_row(rng, case.child_id, case.pk, agency, author, since, now)
            for _ in range(args.entries)
        ),
    )
    total = ChronologyEntry.objects.filter(child_id=case.child_id).count()
    print(f"child {case.child_id}: {total:,} chronology entries")
    if url.startswith("postgres"):
        # What autovacuum does soon after a bulk load.
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    manager = Client()
    manager.force_login(User.objects.get(username="manager.norfolk"))
    worker = Client()
    worker.force_login(User.objects.get(username="mace.norfolk"))
    last_page = (args.cases + 49) // 50
    chronology_pages = (total + 49) // 50
    timed(manager, "caseload, first page (manager)", "/casework/")
    timed(manager, f"caseload, page {last_page:,}", f"/casework/?page={last_page}")
    timed(manager, "caseload, no contact for 28 days", "/casework/?no_contact=28")
    timed(manager, "caseload, reviews due within 7 days", "/casework/?review_within=7")
    timed(
        worker,
        "chronology, first page (practitioner)",
        f"/casework/children/{case.child_id}/chronology/",
    )
    timed(
        worker,
        f"chronology, page {chronology_pages}",
        f"/casework/children/{case.child_id}/chronology/?page={chronology_pages}",
    )
    timed(
        worker,
        "chronology, filtered to contacts",
        f"/casework/children/{case.child_id}/chronology/?kind=contact",
    )


def timed(client, label: str, path: str) -> None:
    client.get(path, HTTP_HOST="127.0.0.1")  # warm: first request loads templates
    timings = []
    for _ in range(RUNS):
        t = time.perf_counter()
        response = client.get(path, HTTP_HOST="127.0.0.1")
        timings.append(time.perf_counter() - t)
        assert response.status_code == 200, (path, response.status_code)
    print(
        f"{label}: median {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms ({RUNS} runs)"
    )


if __name__ == "__main__":
    main()
