"""Learning hub search over 50,000 published practice examples on PostgreSQL.

    .venv/bin/python benchmarks/learning_bench.py [--items 50000] [--queries 300]

Runs against a fresh PostgreSQL database (BENCH_PG_ADMIN). Examples are synthetic: every section
is 30 to 80 words drawn from a 2,000-word vocabulary (with Zipf-like frequencies) plus the
domain's own words, spread over the 8 themes, 4 counties, 4 audiences and 8 evidence levels; the
weighted vectors are built in one UPDATE, as ``search.vector_update`` builds them one by one.
Times ``learning.search.search`` (the 50 best with ranks and snippets, the total, and four facet
counts) for one- to three-word queries, against the bare SQL floor: the same ``@@`` match with
``ts_rank`` ordering and LIMIT 50, no facets and no Django. Goal: p95 < 100 ms.
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

DOMAIN = [
    "custody",
    "child",
    "exploitation",
    "county",
    "lines",
    "panel",
    "mentoring",
    "school",
    "parents",
    "trauma",
    "referral",
    "youth",
    "justice",
    "police",
    "safeguarding",
    "missing",
    "station",
    "rail",
    "hub",
    "cuckooing",
    "mace",
    "safe",
    "nrm",
    "disruption",
    "family",
    "support",
    "detached",
    "workshop",
    "evaluation",
    "data",
    "baseline",
]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    url = fresh_postgres()
    env = base_env(url)
    subprocess.run([str(BIN / "reachable"), "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([str(BIN / "reachable"), "load_partnership"], env=env, check=True)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
    import django

    django.setup()
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from reachable.core.models import Area, Code
    from reachable.learning import search
    from reachable.learning.models import SECTION_FIELDS, PracticeExample, State
    from reachable.synth.services import system_user

    rng = random.Random(1)
    vocabulary = [f"w{n:04d}" for n in range(2000)]
    weights = [1 / (n + 1) for n in range(len(vocabulary))]
    themes = list(Code.objects.filter(code_list__key="thematic-area"))
    levels = list(Code.objects.filter(code_list__key="evidence-strength"))
    counties = list(Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False))
    author = system_user()

    def words(low: int, high: int) -> str:
        picked = rng.choices(vocabulary, weights=weights, k=rng.randint(low, high))
        picked += rng.sample(DOMAIN, 3)
        rng.shuffle(picked)
        return " ".join(picked)

    started = time.perf_counter()
    review_by = timezone.localdate() + dt.timedelta(days=365)
    batch = []
    for n in range(args.items):
        batch.append(
            PracticeExample(
                title=words(3, 8),
                slug=f"bench-{n}",
                author=author,
                county=rng.choice(counties),
                workstream="Benchmark",
                theme=rng.choice(themes),
                audience=rng.choice(["strategic", "operational", "practitioner", "families"]),
                tags=", ".join(rng.sample(DOMAIN, 3)),
                evidence=rng.choice(levels),
                review_by=review_by,
                state=State.PUBLISHED,
                **{name: words(30, 80) for name in SECTION_FIELDS},
            )
        )
        if len(batch) == 5000:
            PracticeExample.objects.bulk_create(batch)
            batch = []
    PracticeExample.objects.bulk_create(batch)
    parts = " || ".join(
        f"setweight(to_tsvector('english', coalesce({name}, '')), '{weight}')"
        for name, weight in search.FIELD_WEIGHTS.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE learning_practiceexample SET search_vector = {parts}")
        cursor.execute("VACUUM ANALYZE learning_practiceexample")
    print(f"{args.items:,} examples written and indexed: {time.perf_counter() - started:.1f} s")

    pool = DOMAIN + vocabulary[:300]
    queries = [" ".join(rng.sample(pool, rng.randint(1, 3))) for _ in range(args.queries)]

    def bare(q: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM learning_practiceexample, websearch_to_tsquery('english', %s) q "
                "WHERE state = 'published' AND search_vector @@ q "
                "ORDER BY ts_rank(search_vector, q) DESC, title LIMIT 50",
                [q],
            )
            return len(cursor.fetchall())

    for run, call in (("bare SQL (match, rank, LIMIT 50)", bare), ("search.search", None)):
        timings, hits = [], []
        for q in queries[:20]:  # warm the cache
            (call or search.search)(q)
        for q in queries:
            t = time.perf_counter()
            found = call(q) if call else search.search(q)
            timings.append((time.perf_counter() - t) * 1000)
            hits.append(found if call else found.total)
        print(
            f"{run}: p50 {statistics.median(timings):.1f} ms, p95 {p95(timings):.1f} ms, "
            f"max {max(timings):.1f} ms over {len(queries)} queries of 1-3 words "
            f"(median {statistics.median(hits):,.0f} {'rows' if call else 'matches'})"
            + ("" if call else " (goal p95 < 100 ms)")
        )


if __name__ == "__main__":
    main()
