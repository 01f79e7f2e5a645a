"""Cross-agency linkage at scale: about 1,000,000 synthetic person records from 7 agencies,
pseudonymised as at upload, then linked (Splink on DuckDB: estimate, score, cluster, keep IDs).
Prints the time of each step and precision/recall against the synthetic truth.

    .venv/bin/python benchmarks/linkage_bench.py [--children 265000] [--threshold 0.9]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reachable.test_settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django

django.setup()

import duckdb  # noqa: E402

from reachable.returns import linkage, person_ids  # noqa: E402
from reachable.returns.linkage_synth import (  # noqa: E402
    children,
    pair_accuracy,
    pseudonymise_to,
    returns_for,
)

AGENCIES = [
    "police",
    "youth-justice",
    "childrens-services",
    "education",
    "health",
    "housing",
    "community-safety",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=265_000)
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args()
    timings: dict[str, float] = {}

    def timed(name: str, started: float) -> None:
        timings[name] = time.perf_counter() - started
        print(f"  {name}: {timings[name]:.1f} s", flush=True)

    folder = Path(tempfile.mkdtemp())
    print(f"CPUs: {os.cpu_count()}; DuckDB threads: default")
    started = time.perf_counter()
    returns = returns_for(children(args.children, seed=2026), AGENCIES, seed=2026)
    timed("generate clear-text returns (not part of linkage)", started)
    print(
        f"{returns.records:,} records for {args.children:,} children across {len(AGENCIES)} agencies"
    )
    con = duckdb.connect()
    started = time.perf_counter()
    sources, truth = pseudonymise_to(returns, folder, con)
    timed("pseudonymise (as at upload)", started)
    link_started = time.perf_counter()
    started = time.perf_counter()
    linkage.records_build(con, sources)
    timed("read pseudonymised returns", started)
    started = time.perf_counter()
    linker = linkage.linker_for(con)
    linkage.estimate(linker, linkage.pair_counter(con))
    timed("estimate the model (u sampling + 2 EM passes)", started)
    started = time.perf_counter()
    pairs = linkage.predict(linker, review_from=args.threshold)
    scored = con.execute(f"SELECT count(*) FROM {pairs}").fetchall()[0][0]
    timed(f"score blocked pairs ({scored:,} at or above {args.threshold})", started)
    started = time.perf_counter()
    con.execute(f"CREATE TABLE links AS SELECT unique_id_l, unique_id_r FROM {pairs}")
    person_ids.clusters_build(con, "links")
    person_ids.assign(con, None, 1)
    timed("cluster and assign person IDs", started)
    total = time.perf_counter() - link_started
    precision, recall = pair_accuracy(con, truth)
    persons = con.execute("SELECT count(DISTINCT person_id) FROM assigned").fetchall()[0][0]
    print(f"linkage total (read + estimate + score + cluster): {total:.1f} s")
    print(f"persons found: {persons:,} (truth: {args.children:,})")
    print(
        f"pairwise precision {precision:.4f}, recall {recall:.4f}, "
        f"F1 {2 * precision * recall / (precision + recall):.4f}"
    )


if __name__ == "__main__":
    main()
