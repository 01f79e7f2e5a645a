"""Every benchmark, one after another, at sizes that fit the development machine (2 cores, 24 GB),
and their figures written into docs/benchmarks.md with the machine and the date: `make bench`.

    .venv/bin/python benchmarks/all.py [--only NAME ...] [--list] [--dry-run]

Each benchmark prints its own figures next to its limit or peer, in the same run (see each
script's docstring). This runner adds nothing to them: it runs each script as a separate process,
keeps what it printed, its wall time and its exit status, and rewrites the block between the
``make bench`` markers at the top of docs/benchmarks.md: one section per benchmark, each dated, so
``--only`` refreshes some sections and keeps the others as they were. The notes below the block
(what the figures mean, and how they changed) are written by hand and left alone.

A benchmark that fails is recorded as failed with the end of its output, the others still run, and
the runner exits with status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- make bench: start (written by benchmarks/all.py; edit below the end marker) -->"
END = "<!-- make bench: end -->"
SECTION = re.compile(r"^<!-- bench: (?P<name>[\w-]+) -->$", re.M)


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    args: tuple[str, ...]
    what: str


# Sizes: each script's own default is the size its issue asks for; where that would not fit the
# machine beside PostgreSQL (or take hours on 2 cores), a smaller size is named here.
BENCHES = [
    Bench("foundation", "run.py", (), "synth 1M children (SQLite, PostgreSQL), search, demo start"),
    Bench("custody", "custody_bench.py", (), "dashboard over 1M detentions; 100k-row import"),
    Bench(
        "casework", "casework_bench.py", (), "caseload of 100k open cases; 5,000-entry chronology"
    ),
    Bench(
        "governance", "governance_bench.py", (), "1M children: agreement-checked search, retention"
    ),
    Bench("returns", "returns_bench.py", (), "check a 1M-row return against DuckDB's read_csv"),
    Bench("reader", "reader_bench.py", (), "the one upload reader against DuckDB and calamine"),
    Bench("linkage", "linkage_bench.py", (), "about 1M person records from 7 agencies, linked"),
    Bench("febrl", "febrl_bench.py", (), "FEBRL4: the pseudonymised pipeline and a clear-text one"),
    Bench("lines", "lines_bench.py", (), "the county lines picture at 10k lines, 200k events"),
    Bench("programmes", "programmes_bench.py", (), "a board pack over 1M detentions"),
    Bench("learning", "learning_bench.py", (), "learning hub search over 50k examples"),
    Bench("events", "events_bench.py", (), "a 500-registration burst on gunicorn; reminders"),
    Bench("load", "load_bench.py", (), "50 people, 10 minutes, gunicorn on PostgreSQL"),
    Bench(
        "api-contract", "api_contract.py", ("--examples", "10"), "schemathesis, 10 per operation"
    ),
]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    try:
        import psycopg

        with psycopg.connect(ADMIN_URL, connect_timeout=5) as conn:
            postgres = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    except Exception:  # the machine line must not cost the benchmarks' results
        postgres = ""
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs ({cpu}), {memory_kb / 1024**2:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"PostgreSQL {postgres or 'not reached'}"
    )


def run(bench: Bench, on: str) -> str:
    command = [sys.executable, str(ROOT / "benchmarks" / bench.script), *bench.args]
    shown = " ".join(["python", f"benchmarks/{bench.script}", *bench.args])
    print(f"== {bench.name}: {shown}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, env=os.environ.copy()
    )
    seconds = time.perf_counter() - started
    output = result.stdout.strip()
    print(output, flush=True)
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    outcome = "ran" if result.returncode == 0 else f"**failed** (exit status {result.returncode})"
    if result.returncode != 0:
        output += "\n--- the end of what it wrote to stderr ---\n" + "\n".join(
            result.stderr.strip().splitlines()[-30:]
        )
        print(output, file=sys.stderr)
    return (
        f"<!-- bench: {bench.name} -->\n"
        f"### {bench.name}: {bench.what}\n\n"
        f"`{shown}` {outcome} on {when} in {seconds:,.0f} s, on {on}.\n\n"
        f"```text\n{output}\n```"
    )


def sections_in(block: str) -> dict[str, str]:
    marks = list(SECTION.finditer(block))
    return {
        mark["name"]: block[
            mark.start() : marks[i + 1].start() if i + 1 < len(marks) else None
        ].strip()
        for i, mark in enumerate(marks)
    }


def rewrite(doc: str, fresh: dict[str, str]) -> str:
    """The block with these sections replaced (others kept), in BENCHES' order, above the notes."""
    if START in doc:
        before, rest = doc.split(START, 1)
        if END not in rest:
            raise SystemExit(f"{DOC}: the end marker {END!r} is missing; put it back first")
        block, after = rest.split(END, 1)
    else:  # the first run: the block goes under the title, the notes stay after it
        title, _, after = doc.partition("\n")
        before, block = title + "\n\n", ""
    sections = sections_in(block) | fresh
    body = "\n\n".join(
        sections.get(b.name, f"<!-- bench: {b.name} -->\n### {b.name}: {b.what}\n\nNot run yet.")
        for b in BENCHES
    )
    header = (
        "## The latest `make bench`\n\n"
        "Each section below is one benchmark's own output, with the date it ran and the machine; "
        "the notes after the block say what the figures mean and how they changed.\n\n"
    )
    return f"{before}{START}\n{header}{body}\n{END}{after}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=[b.name for b in BENCHES])
    parser.add_argument("--list", action="store_true", help="name the benchmarks and stop")
    parser.add_argument("--dry-run", action="store_true", help="run, print, write nothing")
    options = parser.parse_args()
    if options.list:
        for bench in BENCHES:
            print(f"{bench.name:13} benchmarks/{bench.script} {' '.join(bench.args)}: {bench.what}")
        return
    chosen = [b for b in BENCHES if not options.only or b.name in options.only]
    on = machine()
    fresh: dict[str, str] = {}
    for bench in chosen:
        fresh[bench.name] = run(bench, on)
        if not options.dry_run:  # written as each one ends: a later failure loses nothing
            DOC.write_text(rewrite(DOC.read_text(encoding="utf-8"), fresh), encoding="utf-8")
    print(f"wrote {len(fresh)} section(s) of {DOC.relative_to(ROOT)}")
    if any("**failed**" in section for section in fresh.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
