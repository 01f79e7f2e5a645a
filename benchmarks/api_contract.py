"""The API contract run long: schemathesis on every operation, as a partner system of each role,
with many more generated requests per operation than the test suite's 3.

    .venv/bin/python benchmarks/api_contract.py [--examples 20] [--postgres]

It runs the suite's own contract test (src/reachable/api/test_contract.py) with
REACHABLE_CONTRACT_EXAMPLES set, so the checks are exactly those of the test suite: no server
error, and every status, content type, header and body as the schema documents it. Prints the
operations, roles, requests asked for, failures and time; docs/benchmarks.md records the run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="against PostgreSQL (test db)")
    args = parser.parse_args()
    env = {
        **os.environ,
        "REACHABLE_CONTRACT_EXAMPLES": str(args.examples),
        "REACHABLE_CONTRACT_RANDOM": "1",
    }
    if args.postgres:
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/contract"
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "src/reachable/api/test_contract.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    from django import setup

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reachable.test_settings")
    sys.path.insert(0, str(ROOT / "src"))
    setup()
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = sum(
        1 for ops in schema["paths"].values() for m in ops if m in {"get", "post", "patch", "put"}
    )
    summary = (run.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(
        f"operations in the schema: {operations}; one test per role; examples asked per "
        f"operation and role: {args.examples} (the test suite: 3)"
    )
    print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}; {seconds:.0f} s")
    print(f"result: {summary}")
    failures = re.findall(r"^E\s+.*?((?:GET|POST|PATCH|PUT) /api/\S+: .*)$", run.stdout, re.M)
    for failure in failures[:20]:
        print("  ", failure[:200])
    sys.exit(run.returncode)


if __name__ == "__main__":
    main()
