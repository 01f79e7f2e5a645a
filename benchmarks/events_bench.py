"""Events under a burst, and the reminder run, on PostgreSQL; each next to its floor.

    .venv/bin/python benchmarks/events_bench.py [--clients 50] [--registrations 500]

1. Burst: one session with 100 places; 50 concurrent clients on loopback register 500 different
   people through the public page (GET the form for its CSRF token, POST it) against gunicorn
   (4 worker processes). Checks: exactly 100 places confirmed, 400 on the waiting list, no
   errors. Prints the POST latency (p50, p95, max) and the throughput.
   Floor: the same 500 registrations as bare SQL from 50 connections (lock the session's row,
   count its places, insert), which is the locking work with nothing else.
2. Reminder run: 10,000 confirmed places in sessions starting within the hour; the reminders
   job writes 10,000 outbox emails, then runs again (writing none).
   Floor: one INSERT ... SELECT writing the same 10,000 rows.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

from common import (
    BIN,
    ROOT,
    database_url,
    free_port,
    fresh_database,
    server_environment,
    wait_for,
)

DB = "reachable_bench_events"
DB_URL = database_url(DB)


def environment() -> dict[str, str]:
    # Every client is 127.0.0.1: the per-address limit would (rightly) stop the burst.
    return server_environment(
        DB,
        "/tmp/reachable-bench-events",
        REACHABLE_EVENT_REGISTRATIONS_PER_IP_HOUR="100000",
    )


def django_setup() -> None:
    os.environ.update(environment())
    os.environ["DJANGO_SETTINGS_MODULE"] = "reachable.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def register_once(port: int, path: str, number: int) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    page = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not (cookie and token):
        raise SystemExit("The registration form came without a CSRF token.")

    body = urlencode(
        {
            "csrfmiddlewaretoken": token[1],
            "name": f"Person {number}",
            "email": f"person{number}@example.org",
            "organisation": "Northgate Youth Justice",
            "role": "Case worker",
            "audience": "practitioner",
            "access_needs": "",
            "website": "",
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie[1]}",
        "Referer": f"http://127.0.0.1:{port}{path}",
    }
    started = time.perf_counter()
    connection.request("POST", path, body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, answer.status


def burst(clients: int, registrations: int) -> None:
    from reachable.events.models import Registration
    from reachable.events.tests.helpers import a_session

    session = a_session(capacity=100)
    path = f"/events/sessions/{session.pk}/"
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "reachable.wsgi",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=environment(),
        cwd=ROOT,
    )
    try:
        wait_for(port, server)
        numbers = iter(range(registrations))
        lock = threading.Lock()
        latencies: list[float] = []
        statuses: list[int] = []

        def client() -> None:
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                try:
                    elapsed, status = register_once(port, path, number)
                except (OSError, http.client.HTTPException):
                    elapsed, status = 0.0, 0  # counted as an error
                with lock:
                    latencies.append(elapsed)
                    statuses.append(status)

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    states = list(session.registrations.values_list("state", flat=True))
    errors = sum(1 for s in statuses if s != 200)
    print(
        f"burst: {registrations} registrations, {clients} clients, 100 places: "
        f"confirmed {states.count('confirmed')}, waiting {states.count('waiting')}, "
        f"errors {errors} (goal: 100, {registrations - 100}, 0)"
    )
    print(
        f"  POST p50 {statistics.median(latencies) * 1000:.0f} ms, p95 "
        f"{percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
        f"{registrations / wall:.0f} registrations/s over {wall:.1f} s (with each form's GET)"
    )
    assert Registration.objects.filter(session=session, state="confirmed").count() == 100
    floor(clients, registrations)


def floor(clients: int, registrations: int) -> None:
    """The locking work alone, as bare SQL from as many connections."""
    import psycopg

    from reachable.events.tests.helpers import a_session

    session = a_session(capacity=100)
    numbers = iter(range(registrations))
    lock = threading.Lock()
    latencies: list[float] = []

    def client() -> None:
        with psycopg.connect(DB_URL) as conn:
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                started = time.perf_counter()
                with conn.transaction():
                    conn.execute(
                        "SELECT id FROM events_session WHERE id = %s FOR UPDATE", [session.pk]
                    )
                    (taken,) = conn.execute(
                        "SELECT count(*) FROM events_registration WHERE session_id = %s AND "
                        "state IN ('confirmed', 'offered')",
                        [session.pk],
                    ).fetchone()
                    conn.execute(
                        "INSERT INTO events_registration (session_id, name, email, organisation, "
                        "role, audience, access_needs, state, created_at, updated_at) VALUES "
                        "(%s, %s, %s, 'Org', 'Role', 'practitioner', '', %s, now(), now())",
                        [
                            session.pk,
                            f"Person {number}",
                            f"floor{number}@example.org",
                            "confirmed" if taken < 100 else "waiting",
                        ],
                    )
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    print(
        f"  floor (bare SQL, lock + count + insert, {clients} connections): p50 "
        f"{statistics.median(latencies) * 1000:.1f} ms, p95 {percentile(latencies, 0.95) * 1000:.1f}"
        f" ms; {registrations / wall:.0f} registrations/s"
    )


def reminders(count: int) -> None:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from reachable.events.models import Registration
    from reachable.events.services.reminders import reminders_send
    from reachable.events.tests.helpers import a_session
    from reachable.notifications.models import Email

    sessions = [a_session(capacity=count, starts_in=dt.timedelta(minutes=30)) for _ in range(10)]
    old = timezone.now() - dt.timedelta(days=20)
    Registration.objects.bulk_create(
        Registration(
            session=sessions[n % 10],
            name=f"Person {n}",
            email=f"reminded{n}@example.org",
            organisation="Org",
            role="Role",
            audience="practitioner",
            state="confirmed",
        )
        for n in range(count)
    )
    Registration.objects.filter(email__startswith="reminded").update(created_at=old)
    Email.objects.all().delete()
    started = time.perf_counter()
    written = reminders_send()
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = reminders_send()
    second = time.perf_counter() - started
    print(
        f"reminders: {count} confirmed places: first run wrote {written} in {first:.1f} s "
        f"({written / first:.0f}/s); second run wrote {again} in {second:.2f} s"
    )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            'INSERT INTO notifications_email (kind, "to", subject, body, attachment_name, '
            "attachment_type, attachment, dedupe_key, state, attempts, next_attempt_at, "
            "last_error, created_at) SELECT 'events.reminder', email, 'Reminder', 'Body', '', '', "
            "'', 'floor:' || id, 'pending', 0, now(), '', now() FROM events_registration WHERE "
            "email LIKE 'reminded%%'"
        )
        floor_seconds = time.perf_counter() - started
    print(f"  floor (one INSERT ... SELECT of the same rows): {floor_seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--registrations", type=int, default=500)
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args()
    print(
        f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}"
    )
    fresh_database(DB)
    subprocess.run([str(BIN / "reachable"), "migrate", "-v0"], env=environment(), check=True)
    django_setup()
    from reachable.core.services import partnership_load

    partnership_load()
    burst(args.clients, args.registrations)
    reminders(args.reminders)


if __name__ == "__main__":
    main()
