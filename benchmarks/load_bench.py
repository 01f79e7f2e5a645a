"""Load: 50 people at once doing the custody, casework and returns flows for 10 minutes, against
gunicorn with its documented worker count on PostgreSQL, with the database worker running.

    .venv/bin/python benchmarks/load_bench.py [--users 50] [--minutes 10] [--children 20000]

On loopback only. Sets up a fresh PostgreSQL database with the demo's synthetic partnership
(`reachable demo --no-serve`), starts `reachable serve --workers 3` (the README's count) and
`reachable db_worker`, then runs locust in this process (FastHttpUser, bounded by --minutes):
- custody (custody.norfolk): the board, the detention form, a detention recorded (POST), its page;
- casework (mace.norfolk): the caseload, a case, the triage list, the child's chronology;
- returns (submitter.suffolk): the returns list, the upload form, a 50-row return uploaded (POST),
  its page polled while the worker checks it, and completeness.
People are signed in once at the start (a session made for each demo person), as a shift would:
the sign-in page has its own rate limit, rightly, which 50 sign-ins from one address would hit.
Each page's p50/p95/p99 under load is printed next to the same page fetched by one person alone
(no other load) in the same run, and next to the goal: 0 errors, p95 < 300 ms. Locust's
percentiles are its own (response times rounded to 2 significant figures above 100 ms).
Afterwards it checks that every detention answered "saved" is in the database once and every
return uploaded was checked by the worker.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import os
import random
import re
import subprocess
import time
from typing import Any

import gevent
from common import BIN, ROOT, free_port, fresh_database, server_environment, wait_for
from locust import FastHttpUser, task
from locust.env import Environment

DB = "reachable_load"
WORKERS = 3  # `reachable serve`'s default and the README's deployment line
GOAL_P95_MS = 300

# Made by `reachable shell` in the set-up database: a session for each demo person, and the ids
# the flows open (the MACE practitioner's open cases, the return form's choices).
FIXTURES = """
import json
from django.test import Client
from reachable.accounts.models import User
from reachable.casework.models import Case
from reachable.core.models import Area, Code, Place
from reachable.returns.models import Domain, ReturnPeriod

def session(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value

print(json.dumps({
    "sessions": {u: session(u) for u in ("custody.norfolk", "mace.norfolk", "submitter.suffolk")},
    "cases": [
        [case.pk, case.child_id]
        for case in Case.objects.filter(team__slug="norfolk-mace", closed_at__isnull=True)[:300]
    ],
    "sex": Code.objects.get(code_list__key="sex", code="M").pk,
    "offence": Code.objects.get(code_list__key="offence-category", code="pwits-a").pk,
    "suite": Place.objects.get(slug="wymondham-pic").pk,
    "period": ReturnPeriod.objects.order_by("-starts_on").first().pk,
    "domain": Domain.objects.get(version__version="2026.1", key="youth-justice").pk,
    "county": Area.objects.get(slug="suffolk").pk,
}))
"""

UNFINISHED = {"queued", "checking"}
RETURN_HEADER = "local_id,given_name,family_name,date_of_birth,sex,cce_concern"


def environment() -> dict[str, str]:
    return server_environment(DB, "/tmp/reachable-bench-load", REACHABLE_BACKGROUND_JOBS="database")


def reachable(*args: str, capture: bool = True) -> str:
    result = subprocess.run(
        [str(BIN / "reachable"), *args],
        env=environment(),
        cwd=ROOT,
        capture_output=capture,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"reachable {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


FIX: dict[str, Any] = {}


def csrf(response: Any) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    if not token:
        raise RuntimeError(f"no CSRF token on {response.url}")
    return token[1]


THINK = (5.0, 15.0)  # seconds a person spends on a page before the next (--think)


class Signed(FastHttpUser):
    abstract = True
    username = ""

    def wait_time(self) -> float:
        return random.uniform(*THINK)

    def think(self) -> None:
        """Read the page (or fill in its form) before going on."""
        gevent.sleep(random.uniform(*THINK))

    def on_start(self) -> None:
        self.client.cookiejar.set_cookie(  # type: ignore[attr-defined]
            _cookie("sessionid", FIX["sessions"][self.username])
        )


def _cookie(name: str, value: str) -> Any:
    from http.cookiejar import Cookie

    return Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False,
        None, None, {},
    )  # fmt: skip


SAVED: list[str] = []
CONFIRMED: list[str] = []
NUMBERS = itertools.count(1)


class Custody(Signed):
    username = "custody.norfolk"
    weight = 2

    @task
    def record_a_detention(self) -> None:
        self.client.get("/custody/", name="custody board")
        n = next(NUMBERS)
        self.think()
        when = time.localtime(time.time() - 7200 - 60 * (n % 1200))  # one arrest a minute
        arrived = time.localtime(time.mktime(when) + 1200)
        born = time.localtime(time.time() - random.uniform(10.5, 17.5) * 365.25 * 86400)
        form: dict[str, Any] = {
            # Names of random letters and dates of birth over the ages custody sees, so that two
            # children alike enough for the form to ask "is this the same child?" are rare.
            "given_name": "".join(random.choices("bcdfghjklmnprstvz", k=5)).title(),
            "family_name": "".join(random.choices("aeioubdgkmrstvz", k=8)).title(),
            "date_of_birth_0": born.tm_mday,
            "date_of_birth_1": born.tm_mon,
            "date_of_birth_2": born.tm_year,
            "sex": FIX["sex"],
            "police_id": f"26/{n:06d}L",
            "suite": FIX["suite"],
            "offence": FIX["offence"],
            "not_a_duplicate": "on",
        }
        for field, at in (("arrested_at", when), ("arrived_at", arrived)):
            form |= {
                f"{field}_0": at.tm_mday,
                f"{field}_1": at.tm_mon,
                f"{field}_2": at.tm_year,
                f"{field}_3": time.strftime("%H:%M", at),
            }
        blank = self.client.get("/custody/detentions/new/", name="record a detention (form)")
        self.think()
        saved = self._send(form, blank, "record a detention")
        asked = False
        if saved is not None and "id_not_a_duplicate" in (saved.text or ""):
            # Another child alike in name and date of birth: the practitioner checks, ticks
            # "a different child" and sends the form again, as the page asks.
            asked = True
            self.think()
            # The page that asked carries duplicates_shown=1, so the tick is read this time.
            confirmed = form | {"duplicates_shown": "1"}
            saved = self._send(confirmed, saved, "record a detention (a similar child confirmed)")
        if saved is not None and saved.status_code == 302:
            SAVED.append(form["police_id"])
            if asked:
                CONFIRMED.append(form["police_id"])
            self.client.get(saved.headers["Location"], name="a detention")

    def _send(self, form: dict[str, Any], page: Any, name: str) -> Any:
        """POST the form; the answer, or None once counted as an error (anything but a save or
        the similar-child question)."""
        with self.client.post(  # type: ignore[attr-defined]
            "/custody/detentions/new/",
            name=name,
            data=form | {"csrfmiddlewaretoken": csrf(page)},
            headers={"Referer": self.host + "/custody/detentions/new/"},
            allow_redirects=False,
            catch_response=True,
        ) as sent:
            if sent.status_code == 302 or (
                "id_not_a_duplicate" in (sent.text or "") and name == "record a detention"
            ):
                sent.success()
                return sent
            problems = re.findall(r'<a href="#[^"]*">([^<]+)</a>', sent.text or "")
            sent.failure(f"not saved: {sent.status_code} {problems[:3]}")
            return None


class Casework(Signed):
    username = "mace.norfolk"
    weight = 2

    @task
    def work_a_case(self) -> None:
        self.client.get("/casework/", name="caseload")
        self.think()
        case, child = random.choice(FIX["cases"])
        self.client.get(f"/casework/cases/{case}/", name="a case")
        self.think()
        self.client.get(f"/casework/children/{child}/chronology/", name="chronology")
        self.think()
        self.client.get("/casework/referrals/", name="triage list")


UPLOADED: list[str] = []


class Returns(Signed):
    username = "submitter.suffolk"
    weight = 1

    @task
    def send_a_return(self) -> None:
        self.client.get("/returns/submissions/", name="returns list")
        self.think()
        rows = "\n".join(
            f"LD-{random.randrange(10**9)},Jay,Okafor{i},2010-03-{1 + i % 28:02d},M,Y"
            for i in range(50)
        )
        form = self.client.get("/returns/submissions/new/", name="upload a return (form)")
        self.think()
        with self.client.post(  # type: ignore[attr-defined]
            "/returns/submissions/new/",
            name="upload a return",
            data={
                "period": FIX["period"],
                "domain": FIX["domain"],
                "county": FIX["county"],
                "csrfmiddlewaretoken": csrf(form),
            },
            files={"file": ("return.csv", f"{RETURN_HEADER}\n{rows}\n".encode(), "text/csv")},
            headers={"Referer": self.host + "/returns/submissions/new/"},
            allow_redirects=False,
            catch_response=True,
        ) as sent:
            if sent.status_code != 302:
                sent.failure(f"not accepted for checking: {sent.status_code}")
                return
            UPLOADED.append(sent.headers["Location"])
            for _ in range(2):
                gevent.sleep(5)  # the page refreshes itself every 5 seconds
                self.client.get(sent.headers["Location"], name="a return (polled)")
        self.think()
        self.client.get("/returns/completeness/", name="completeness")


def alone(host: str) -> dict[str, float]:
    """Each page fetched 20 times by one person with nothing else running: the floor."""
    import geventhttpclient

    pages = {
        "custody board": ("custody.norfolk", "/custody/"),
        "record a detention (form)": ("custody.norfolk", "/custody/detentions/new/"),
        "caseload": ("mace.norfolk", "/casework/"),
        "a case": ("mace.norfolk", f"/casework/cases/{FIX['cases'][0][0]}/"),
        "triage list": ("mace.norfolk", "/casework/referrals/"),
        "chronology": ("mace.norfolk", f"/casework/children/{FIX['cases'][0][1]}/chronology/"),
        "returns list": ("submitter.suffolk", "/returns/submissions/"),
        "completeness": ("submitter.suffolk", "/returns/completeness/"),
    }
    floor = {}
    for name, (username, path) in pages.items():
        client = geventhttpclient.HTTPClient.from_url(host, network_timeout=120)
        headers = {"Cookie": f"sessionid={FIX['sessions'][username]}"}
        times = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name} answered {response.status_code} to one person alone")
        client.close()
        floor[name] = sorted(times)[len(times) // 2]
    return floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument(
        "--think",
        default="5-15",
        help="seconds on each page before the next, as low-high (default 5-15; 0-0 for none)",
    )
    options = parser.parse_args()
    global THINK
    low, high = (float(x) for x in options.think.split("-"))
    THINK = (low, high)

    fresh_database(DB)
    started = time.perf_counter()
    reachable("demo", "--no-serve", "--children", str(options.children))
    print(f"set up: the demo partnership with {options.children:,} children on PostgreSQL "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    FIX.update(json.loads(reachable("shell", "-c", FIXTURES).strip().splitlines()[-1]))
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "reachable"), "serve", "--bind", f"127.0.0.1:{port}", "--no-migrate"],
        env=environment() | {"REACHABLE_WORKERS": str(WORKERS)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [str(BIN / "reachable"), "db_worker"],
        env=environment(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port, server)
        floor = alone(host)
        env = Environment(user_classes=[Custody, Casework, Returns], host=host)
        runner = env.create_local_runner()
        runner.start(options.users, spawn_rate=10)
        gevent.spawn_later(options.minutes * 60, runner.quit)
        runner.greenlet.join()
        report(env, floor, options)
        check_after(len(SAVED), len(UPLOADED))
    finally:
        for process in (server, worker):
            os.killpg(process.pid, 15)
            process.wait(timeout=60)


def report(env: Environment, floor: dict[str, float], options: argparse.Namespace) -> None:
    print(
        f"\n{options.users} users for {options.minutes:g} min, {options.think} s on each page; "
        f"gunicorn, {WORKERS} workers; "
        f"PostgreSQL; db_worker running; goal: 0 errors, p95 < {GOAL_P95_MS} ms\n"
    )
    print(
        f"{'page':30} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f" {'max ms':>7} {'alone p50':>10}"
    )
    entries = sorted(env.stats.entries.values(), key=lambda e: e.name)
    for entry in [*entries, env.stats.total]:
        by_one = f"{floor[entry.name]:10.1f}" if entry.name in floor else ""
        print(
            f"{entry.name:30} {entry.num_requests:9,} {entry.num_failures:7,}"
            f" {entry.get_response_time_percentile(0.5):7.0f}"
            f" {entry.get_response_time_percentile(0.95):7.0f}"
            f" {entry.get_response_time_percentile(0.99):7.0f}"
            f" {entry.max_response_time:7.0f} {by_one:>10}"
        )
    for error in env.stats.errors.values():
        print(f"error: {error.method} {error.name}: {error.error} x{error.occurrences}")
    # Exceptions in a flow (a page without its CSRF token, say) are not requests locust counts.
    crashed = sum(e["count"] for e in env.runner.exceptions.values()) if env.runner else 0
    for failure in env.runner.exceptions.values() if env.runner else []:
        print(f"exception in a flow: {failure['msg']} x{failure['count']}")
    total = env.stats.total
    p95 = total.get_response_time_percentile(0.95)
    errors = total.num_failures + crashed
    verdict = "met" if errors == 0 and p95 < GOAL_P95_MS else "NOT met"
    print(f"\ngoal {verdict}: {errors} errors, p95 {p95:.0f} ms over all pages")


def check_after(saved: int, uploaded: int) -> None:
    """Every detention answered 'saved' is there once; every return uploaded was checked.
    Exits with status 1 if not."""
    for _ in range(120):  # the worker finishes the returns still queued when the load stopped
        waiting = reachable(
            "shell",
            "-c",
            "from reachable.returns.models import Submission\n"
            f"print(Submission.objects.filter(status__in={sorted(UNFINISHED)}).count())",
        )
        if waiting.strip().splitlines()[-1] == "0":
            break
        time.sleep(1)
    out = reachable(
        "shell",
        "-c",
        "from reachable.custody.models import Detention\n"
        "from reachable.returns.models import Submission\n"
        "from django.db.models import Count\n"
        "print(Detention.objects.filter(child__identifiers__value__regex=r'^26/[0-9]{6}L$')"
        ".count(),"
        " dict(Submission.objects.filter(filename='return.csv')"
        ".values_list('status').annotate(n=Count('pk'))))",
    )
    recorded, statuses = out.strip().splitlines()[-1].split(" ", 1)
    print(
        f"after: {saved} detentions answered 'saved' ({len(CONFIRMED)} after the practitioner "
        f"confirmed a similar child was another); {recorded} in the database"
    )
    print(f"after: {uploaded} returns uploaded; after the worker's checks: {statuses}")
    unchecked = sum(n for status, n in ast.literal_eval(statuses).items() if status in UNFINISHED)
    if int(recorded) != saved or unchecked:
        raise SystemExit(
            f"not as answered: {recorded} detentions for {saved} saved; {unchecked} returns unchecked"
        )


if __name__ == "__main__":
    main()
