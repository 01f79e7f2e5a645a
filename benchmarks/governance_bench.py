"""Information-governance benchmarks on PostgreSQL with a million children.

    .venv/bin/python benchmarks/governance_bench.py [--children 1000000] [--detentions 100000] [--due 5000]

- search as a partner (school) user, whose view of each candidate goes through the agreement check
  (shares in force, under an agreement in force that still covers them), and as a MACE practitioner;
- the daily retention listing over all children, with --due custody-only records made due (their
  dates of birth moved back 25 years), and approving it (deleting those records and all their rows);
- audited reads per second from another connection, idle and while that approval runs (the
  approval used to hold the audit chain's lock for its whole length);
- a subject access export of a child with data in every app.

Prints its figures; docs/benchmarks.md records the latest run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from run import BIN, base_env, bench_search, fresh_postgres


def audited_reads_per_second(child_pk: int, *, seconds: float, stop_file: Path | None) -> float:
    """Read a child and write its audit event, as every record page does, in autocommit, for
    ``seconds`` or until ``stop_file`` exists."""
    from reachable.audit.services import audit_record
    from reachable.children.models import Child

    reads, started = 0, time.perf_counter()
    while True:
        elapsed = time.perf_counter() - started
        if (stop_file is not None and stop_file.exists()) or (
            stop_file is None and elapsed >= seconds
        ):
            return reads / elapsed
        Child.objects.get(pk=child_pk)
        audit_record(user=None, action="child.view", child_id=child_pk)
        reads += 1


def reader_process(
    url: str, child_pk: int, *, seconds: float = 0.0, stop_file: Path | None = None
) -> subprocess.Popen[str]:
    """The reader in a process of its own (its own connection, and no share of this process's GIL)."""
    command = [sys.executable, __file__, "--database-url", url, "--reader", str(child_pk)]
    command += ["--stop-file", str(stop_file)] if stop_file else ["--seconds", str(seconds)]
    return subprocess.Popen(command, env=base_env(url), stdout=subprocess.PIPE, text=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--detentions", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reader", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=10.0, help=argparse.SUPPRESS)
    parser.add_argument("--stop-file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:  # the reader process started by reader_process()
        os.environ.update(base_env(args.database_url))
        os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
        import django

        django.setup()
        print(audited_reads_per_second(args.reader, seconds=args.seconds, stop_file=args.stop_file))
        return
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    url = args.database_url or fresh_postgres()
    env = base_env(url)
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
        f"synth {args.children:,} children, {args.detentions:,} detentions: "
        f"{time.perf_counter() - started:.1f} s"
    )
    bench_search(url, samples=300, username="school.norfolk")
    bench_search(url, samples=300, username="mace.norfolk")

    from django.db import connection
    from django.utils import timezone

    from reachable.children.models import Child
    from reachable.sharing.models import Share
    from reachable.sharing.retention import retention_review_create, retention_review_decide
    from reachable.synth.services import system_user

    print(f"shares in the data: {Share.objects.count():,}")
    due_ids = list(
        Child.objects.filter(detentions__isnull=False, referrals__isnull=True, cases__isnull=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[: args.due]
    )
    born = timezone.localdate().replace(year=timezone.localdate().year - 25)
    Child.objects.filter(pk__in=due_ids).update(date_of_birth=born)
    # Their detentions were when they were children (nothing is due within 6 years of activity).
    from django.db.models import F

    from reachable.casework.models import ChronologyEntry
    from reachable.custody.models import Detention

    ChronologyEntry.objects.filter(child_id__in=due_ids).update(
        occurred_at=F("occurred_at") - dt.timedelta(days=10 * 365)
    )
    Detention.objects.filter(child_id__in=due_ids).update(
        arrested_at=F("arrested_at") - dt.timedelta(days=10 * 365),
        arrived_at=F("arrived_at") - dt.timedelta(days=10 * 365),
        released_at=None,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    started = time.perf_counter()
    review = retention_review_create()
    listed = time.perf_counter() - started
    items = review.items.count() if review else 0
    print(
        f"retention listing over {Child.objects.count():,} children: {listed:.2f} s, "
        f"{items:,} records due"
    )
    assert review is not None
    assert items == len(due_ids)
    reader_child = Child.objects.exclude(pk__in=due_ids).order_by("pk").first()
    assert reader_child is not None
    idle_reader = reader_process(url, reader_child.pk, seconds=10.0)
    idle = float(idle_reader.communicate()[0])
    print(f"audited reads, idle: {idle:,.0f} reads/s (one reader process, its own connection)")
    stop = Path(tempfile.mkdtemp()) / "stop"
    during_reader = reader_process(url, reader_child.pk, stop_file=stop)
    started = time.perf_counter()
    retention_review_decide(user=system_user(), review=review, approve=True)
    approved = time.perf_counter() - started
    stop.touch()
    during = float(during_reader.communicate()[0])
    print(
        f"audited reads while the approval ran: {during:,.0f} reads/s = "
        f"{100 * during / idle:.0f}% of idle (goal: at least 80%)"
    )
    rows = sum(review.items.values_list("rows_affected", flat=True))
    print(
        f"retention approval: {items:,} records deleted ({rows:,} rows) in {approved:.1f} s "
        f"({items / approved:,.0f} records/s)"
    )
    assert not Child.objects.filter(pk__in=due_ids).exists()

    from reachable.sharing.subject_access import sar_export, sar_record
    from reachable.sharing.tests.conftest import child_with_data_everywhere

    everywhere = child_with_data_everywhere(born=dt.date(2010, 5, 1))
    timings = []
    for _ in range(5):
        sar = sar_record(
            user=system_user(),
            child_pk=everywhere.child.pk,
            requester="Benchmark",
            received_on=timezone.localdate(),
        )
        started = time.perf_counter()
        data = sar_export(user=system_user(), sar=sar)
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        f"subject access export (child with data in every app, ZIP {len(data) / 1024:.0f} KiB): "
        f"median {timings[2] * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
