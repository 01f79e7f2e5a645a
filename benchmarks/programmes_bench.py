"""Programme board benchmarks: a board pack for a full year of a programme with 200 deliverables and
100 measures, over 1,000,000 detentions; and the partnership picture at that size.

    .venv/bin/python benchmarks/programmes_bench.py [--detentions 1000000] [--database-url URL]

Runs against a fresh PostgreSQL database (BENCH_PG_ADMIN) unless --database-url is given. Builds
200,000 children with the detentions (``reachable synth``), then a programme: 200 deliverables
with a RAG update each quarter, 100 targets (70 counted live, cycling through the registry of
measures, over four different periods; 30 entered, with an actual per quarter), budget and spend,
and a board meeting every six weeks. Times, each the median of 5 runs:
- the live measures alone as bare SQL: one ``count(DISTINCT child)`` over the detentions for the
  year (the custody measures' core, without Django), the floor for one measure;
- ``pack_build`` + the HTML (goal < 2 s);
- the PDF from that HTML with WeasyPrint (goal < 10 s);
- the partnership picture for the last quarter, as an analyst (goal < 1 s).
Prints its figures; docs/benchmarks.md records the latest run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, base_env, fresh_postgres

RUNS = 5


def median_ms(call) -> tuple[float, float]:
    call()  # warm
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, max(timings) * 1000


def build_programme(year_start: dt.date):
    from reachable.accounts.models import User
    from reachable.programmes.measures import MEASURES
    from reachable.programmes.models import (
        Actual,
        BudgetLine,
        Deliverable,
        GovernanceBody,
        Meeting,
        MeetingItem,
        Programme,
        Project,
        RagUpdate,
        Spend,
        Target,
    )
    from reachable.programmes.periods import quarters_between
    from reachable.synth.services import system_user

    user = system_user()
    year_end = year_start.replace(year=year_start.year + 1) - dt.timedelta(days=1)
    programme = Programme.objects.create(
        name="Benchmark programme",
        funder="A funder",
        grant_holder="A council",
        starts_on=year_start,
        ends_on=year_end,
    )
    programme.editors.add(User.objects.get(username="programme.lead"))
    quarters = quarters_between(year_start, year_end)
    projects = [
        Project.objects.create(programme=programme, name=f"Project {i}", delivery_partner="P")
        for i in range(10)
    ]
    deliverables = Deliverable.objects.bulk_create(
        Deliverable(
            programme=programme,
            project=projects[i % 10],
            title=f"Deliverable {i}",
            owner="Lead",
            due_on=year_start + dt.timedelta(days=(i * 7) % 360),
        )
        for i in range(200)
    )
    RagUpdate.objects.bulk_create(
        RagUpdate(
            deliverable=d,
            as_at=q.ends_on,
            status="in_progress",
            rag=("green", "amber", "red")[(i + j) % 3],
            reason="" if (i + j) % 3 == 0 else "A reason given at the board.",
            recorded_by=user,
        )
        for i, d in enumerate(deliverables)
        for j, q in enumerate(quarters)
    )
    keys = list(MEASURES)
    periods = [(year_start, year_end), *((q.starts_on, q.ends_on) for q in quarters[:3])]
    for i in range(70):
        key = keys[i % len(keys)]
        start, end = periods[i % len(periods)]
        Target.objects.create(
            programme=programme,
            project=projects[i % 10],
            name=f"Live target {i}",
            measure=key,
            unit=MEASURES[key].unit,
            target=Decimal(100),
            starts_on=start,
            ends_on=end,
        )
    for i in range(30):
        target = Target.objects.create(
            programme=programme,
            name=f"Entered target {i}",
            unit="sessions",
            target=Decimal(120),
            starts_on=year_start,
            ends_on=year_end,
        )
        Actual.objects.bulk_create(
            Actual(
                target=target,
                period_starts_on=q.starts_on,
                period_ends_on=q.ends_on,
                value=Decimal(30),
                source="Provider return",
                entered_by=user,
            )
            for q in quarters
        )
    for name in ("Staffing", "Evaluation", "Dissemination"):
        line = BudgetLine.objects.create(
            programme=programme, name=name, year_starts_on=year_start, amount=Decimal(400000)
        )
        Spend.objects.bulk_create(
            Spend(
                budget_line=line,
                quarter_starts_on=q.starts_on,
                amount=Decimal(90000),
                source="Ledger",
                entered_by=user,
            )
            for q in quarters
        )
    board = GovernanceBody.objects.create(programme=programme, name="Board", cadence_weeks=6)
    day = year_start
    while day <= year_end:
        meeting = Meeting.objects.create(body=board, held_on=day)
        MeetingItem.objects.create(meeting=meeting, kind="decision", text="Reports accepted.")
        day += dt.timedelta(weeks=6)
    return programme, quarters[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=200_000)
    parser.add_argument("--detentions", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    url = args.database_url or fresh_postgres()
    env = base_env(url)
    if not args.database_url:
        subprocess.run([str(BIN / "reachable"), "migrate", "-v", "0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run(
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
        )
        print(
            f"synth {args.children:,} children + {args.detentions:,} detentions: "
            f"{time.perf_counter() - started:.1f} s"
        )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
    import django

    django.setup()
    from django.db import connection

    from reachable.accounts.models import User
    from reachable.custody.models import Detention
    from reachable.programmes.pack import pack_build, pack_pdf
    from reachable.programmes.selectors import partnership_picture

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    year_start = dt.date(2025, 4, 1)
    programme, last = build_programme(year_start)
    print(
        f"{Detention.objects.count():,} detentions; programme with "
        f"{programme.deliverables.count()} deliverables, {programme.targets.count()} targets "
        f"({programme.targets.exclude(measure='').count()} live), pack for {last.short}"
    )

    def bare() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT child_id) FROM custody_detention "
                "WHERE was_engaged AND arrested_at >= %s AND arrested_at < %s",
                [year_start, year_start.replace(year=year_start.year + 1)],
            )
            return int(cursor.fetchone()[0])

    floor, floor_max = median_ms(bare)
    print(
        f"bare SQL, children engaged in the year ({bare():,}): median {floor:.0f} ms, "
        f"max {floor_max:.0f} ms (the floor for one live measure)"
    )
    html_ms, html_max = median_ms(lambda: pack_build(programme, last).html())
    html = pack_build(programme, last).html()
    print(
        f"board pack HTML ({len(html) / 1024:.0f} KB): median {html_ms:.0f} ms, "
        f"max {html_max:.0f} ms (goal < 2000 ms)"
    )
    pdf_ms, pdf_max = median_ms(lambda: pack_pdf(html))
    pdf = pack_pdf(html)
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(
        f"board pack PDF ({pages} pages, {len(pdf) / 1024:.0f} KB): median {pdf_ms:.0f} ms, "
        f"max {pdf_max:.0f} ms (goal < 10000 ms)"
    )
    analyst = User.objects.get(username="analyst")
    picture_ms, picture_max = median_ms(lambda: partnership_picture(analyst, last))
    print(
        f"partnership picture for {last.short} (analyst): median {picture_ms:.0f} ms, "
        f"max {picture_max:.0f} ms (goal < 1000 ms)"
    )


if __name__ == "__main__":
    main()
