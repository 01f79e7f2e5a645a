"""Benchmarks for the foundation. Prints its figures; docs/benchmarks.md records the latest run.

    .venv/bin/python benchmarks/run.py [--children 1000000] [--skip-sqlite] [--skip-postgres]

- synth: `reachable synth --children N` into a fresh SQLite file and a fresh PostgreSQL database
  (wall time; peak memory of the process, as reported by the command itself).
- search: child search p50/p95 on PostgreSQL with N children, as a practitioner whose team works
  with tens of thousands of them, for names typed with one typo.
- demo: `reachable demo` from an empty var/ directory (packages installed) to the first page served.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "reachable_bench"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout.strip()


def base_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REACHABLE_")}
    env.update({"REACHABLE_MODE": "demo", "DATABASE_URL": database_url, "REACHABLE_DEBUG": "0"})
    return env


def fresh_postgres() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def bench_synth(label: str, database_url: str, children: int) -> None:
    env = base_env(database_url)
    migrate_s, _ = run([str(BIN / "reachable"), "migrate", "-v", "0"], env)
    wall, out = run(
        [str(BIN / "reachable"), "synth", "--seed", "1", "--children", str(children)], env
    )
    print(
        f"synth {children:,} children on {label}: {wall:.1f} s wall (migrate {migrate_s:.1f} s before) | {out}"
    )


def bench_search(database_url: str, samples: int = 300, username: str = "mace.norfolk") -> None:
    os.environ.update(base_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
    import django

    django.setup()
    from django.db import connection, reset_queries

    from reachable.accounts.models import User
    from reachable.children.models import Child
    from reachable.children.selectors import child_search, children_visible

    user = User.objects.get(username=username)
    visible = children_visible(user).count()
    total = Child.objects.count()
    rng = random.Random(42)
    ids = list(children_visible(user).values_list("pk", flat=True)[:20000])
    targets = Child.objects.filter(pk__in=rng.sample(ids, min(samples, len(ids))))

    def typo(name: str) -> str:
        i = rng.randrange(1, len(name)) if len(name) > 1 else 0
        return name[:i] + rng.choice("aeiourst") + name[i + 1 :]

    queries = [(c, f"{typo(c.given_name)} {c.family_name}") for c in targets]
    queries += [
        (c, f"{c.given_name} {typo(c.family_name)} {c.date_of_birth:%d/%m/%Y}")
        for c in targets[: samples // 3]
    ]
    for _, q in queries[:10]:  # warm the caches as a running server would be
        child_search(user, q)
    timings, found = [], 0
    for child, q in queries:
        reset_queries()
        started = time.perf_counter()
        hits = child_search(user, q)
        timings.append((time.perf_counter() - started) * 1000)
        found += any(h.child.pk == child.pk for h in hits)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"search on {connection.vendor} as {username}: {total:,} children, user sees {visible:,}; "
        f"{len(timings)} queries with a typo: "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms; "
        f"target found in results {found}/{len(queries)}"
    )


def bench_demo() -> None:
    with tempfile.TemporaryDirectory() as var:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("REACHABLE_", "DATABASE_URL", "DJANGO_"))
        }
        env.update({"REACHABLE_VAR_DIR": var, "REACHABLE_MODE": "demo"})
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(BIN / "reachable"), "demo", "--addrport", "127.0.0.1:8765"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while time.perf_counter() - started < 300:
                try:
                    with urllib.request.urlopen(
                        "http://127.0.0.1:8765/accounts/sign-in/", timeout=2
                    ) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.2)
            print(
                f"demo from an empty database to first page served: {time.perf_counter() - started:.1f} s"
            )
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    if not args.skip_demo:
        bench_demo()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            bench_synth("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.children)
    if not args.skip_postgres:
        url = fresh_postgres()
        bench_synth("PostgreSQL", url, args.children)
        bench_search(url)


if __name__ == "__main__":
    main()
