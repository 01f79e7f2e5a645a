"""County lines benchmarks: the network picture at 10,000 lines, 50,000 places, 200,000 events.

    .venv/bin/python benchmarks/lines_bench.py [--lines 10000] [--places 50000] [--events 200000]

Runs against a fresh PostgreSQL database (BENCH_PG_ADMIN) unless --database-url is given. Times:
- the flows as one bare SQL aggregate (the same join, filter and grouping, no Django): the limit;
- ``network.network`` (flows now and in the period before, towns, networkx measures);
- ``network.county_figures`` (per county: active, newly seen, closures by type, children);
- the whole picture page through Django's test client, signed in as the demo analyst (goal < 1 s);
and states the map page's weight (scripts, styles, outline and the page with its data).
Prints its figures; docs/benchmarks.md records the latest run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, ROOT, base_env, fresh_postgres

RUNS = 7
FLOWS_SQL = """
SELECT l.origin_id, d.place_id, count(*)
FROM lines_line_destinations d JOIN lines_line l ON l.id = d.line_id
WHERE EXISTS (SELECT 1 FROM lines_sighting s WHERE s.line_id = l.id AND s.seen_on BETWEEN %s AND %s)
GROUP BY 1, 2
"""


def median_ms(call) -> tuple[float, float]:
    call()  # warm
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, max(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--places", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    url = args.database_url or fresh_postgres()
    env = base_env(url)
    subprocess.run([str(BIN / "reachable"), "migrate", "-v", "0"], env=env, check=True)
    subprocess.run(
        [str(BIN / "reachable"), "synth", "--seed", "1", "--children", "1000"],
        env=env,
        check=True,
        capture_output=True,
    )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from reachable.accounts.models import User
    from reachable.lines import network
    from reachable.lines.synth import synth_lines
    from reachable.synth.services import system_user

    started = time.perf_counter()
    made = synth_lines(
        seed=1,
        user_id=system_user().pk,
        lines=args.lines,
        places=args.places,
        disruptions=args.events,
        child_links=500,
    )
    print(f"synth {made}: {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    period = network.period_of("", today=timezone.localdate())
    filters = network.Filters(period)

    def bare() -> int:
        with connection.cursor() as cursor:
            cursor.execute(FLOWS_SQL, [period.start, period.end])
            return len(cursor.fetchall())

    flows = bare()
    limit, limit_max = median_ms(bare)
    print(
        f"bare SQL aggregate of the flows ({flows:,} flows): median {limit:.0f} ms, max {limit_max:.0f} ms (the limit)"
    )
    net_ms, net_max = median_ms(lambda: network.network(filters))
    net = network.network(filters)
    print(
        f"network.network ({net.lines:,} lines seen, {len(net.flows):,} town flows, "
        f"{len(net.towns)} towns, {len(net.hubs)} hubs; flows now and before): "
        f"median {net_ms:.0f} ms, max {net_max:.0f} ms = {net_ms / limit:.1f} x the bare aggregate"
    )
    fig_ms, fig_max = median_ms(lambda: network.county_figures(period, exact_children=False))
    print(f"network.county_figures: median {fig_ms:.0f} ms, max {fig_max:.0f} ms")
    analyst = Client()
    analyst.force_login(User.objects.get(username="analyst"))
    response = analyst.get("/lines/picture/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.status_code
    page_ms, page_max = median_ms(lambda: analyst.get("/lines/picture/", HTTP_HOST="127.0.0.1"))
    print(
        f"picture page (analyst), whole request: median {page_ms:.0f} ms, max {page_max:.0f} ms (goal < 1000 ms)"
    )

    static = ROOT / "src" / "reachable" / "static" / "reachable" / "maps"
    files = {p.name: p.stat().st_size for p in sorted(static.iterdir())}
    html = len(response.content)
    total = sum(files.values()) + html
    sizes = ", ".join(f"{name} {size / 1024:.0f} KB" for name, size in files.items())
    print(
        f"map page weight: {total / 1024:.0f} KB uncompressed ({sizes}; the page with its data {html / 1024:.0f} KB)"
    )


if __name__ == "__main__":
    main()
