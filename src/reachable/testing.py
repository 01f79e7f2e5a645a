"""Test helpers shared by every app's tests: factories and named people in the bundled partnership.

Only imported by tests. Factories build through the ORM; the service functions are what the tests
exercise.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, cast

import factory
import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from reachable.accounts.models import Membership, User
from reachable.accounts.roles import Role
from reachable.children.matching import name_affixes, name_key
from reachable.children.models import Child, Involvement
from reachable.core.models import Agency, Code, Team
from reachable.sharing.models import Share

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    given_name = factory.Faker("first_name_male", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=16 * 365))
    sex = factory.LazyFunction(lambda: Code.objects.get(code_list__key="sex", code="M"))
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    given_name_key = factory.LazyAttribute(lambda o: name_key(o.given_name))
    family_name_key = factory.LazyAttribute(lambda o: name_key(o.family_name))
    given_name_prefix = factory.LazyAttribute(lambda o: name_affixes(o.given_name)[0])
    given_name_suffix = factory.LazyAttribute(lambda o: name_affixes(o.given_name)[1])
    family_name_prefix = factory.LazyAttribute(lambda o: name_affixes(o.family_name)[0])
    family_name_suffix = factory.LazyAttribute(lambda o: name_affixes(o.family_name)[1])


def person(role: str, agency: str, team: str | None = None, username: str | None = None) -> User:
    """A user holding one role in an agency (and team) of the bundled partnership."""
    user = cast(User, UserFactory(username=username or f"{role}-{team or agency}"))
    Membership.objects.create(
        user=user,
        role=role,
        agency=Agency.objects.get(slug=agency),
        team=Team.objects.get(slug=team) if team else None,
    )
    return user


def involve(child: Child, team: str | Team, worker: User | None = None) -> Involvement:
    team_obj = team if isinstance(team, Team) else Team.objects.get(slug=team)
    return Involvement.objects.create(
        child=child,
        team=team_obj,
        worker=worker,
        started_on=timezone.localdate() - dt.timedelta(days=30),
    )


def working_with(child: Child, user: User) -> None:
    """Make the user's team one that works with the child, unless it already is: only such a team
    changes or shares a record."""
    from reachable.children.access import may_write

    if not may_write(user, child.pk):
        team = next(m.team for m in user.active_memberships if m.team is not None)
        assert team is not None
        involve(child, team, worker=user)


def share(
    child: Child, agency: str | Agency, by: User, *, categories: tuple[str, ...] = ("identity",)
) -> Share:
    """A share made through the service, under an agreement in force that covers it. Where the
    bundled agreements do not name the agency (the programme team), a test agreement is made."""
    from reachable.accounts.permissions import agency_for
    from reachable.sharing.services import agreement_covering, share_record

    to = agency if isinstance(agency, Agency) else Agency.objects.get(slug=agency)
    sender = agency_for(by, "sharing.share")
    working_with(child, by)
    if not agreement_covering(
        from_agency=sender, to_agency=to, purpose="safeguarding", categories=categories
    ):
        agreement(sender, to, categories=categories)
    return share_record(
        user=by,
        child=child,
        to_agency=to,
        purpose=Code.objects.get(code_list__key="share-purpose", code="safeguarding"),
        categories=list(Code.objects.filter(code_list__key="data-category", code__in=categories)),
        reason="Safeguarding concern shared with the school",
        consent=Share.Consent.GIVEN,
    )


def agreement(
    *parties: Agency,
    purposes: tuple[str, ...] = ("safeguarding",),
    categories: tuple[str, ...] = ("identity",),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    reference: str | None = None,
) -> Any:
    """An information-sharing agreement between the parties, in force today unless dates say not."""
    from reachable.sharing.models import Agreement

    today = timezone.localdate()
    made = Agreement.objects.create(
        reference=reference or f"test-{Agreement.objects.count() + 1}",
        title=f"Test agreement between {', '.join(p.name for p in parties)}",
        lawful_basis="6(1)(e)",
        starts_on=starts_on or today - dt.timedelta(days=365),
        ends_on=ends_on or today + dt.timedelta(days=365),
        plain_summary="A test agreement.",
    )
    made.parties.set(parties)
    made.purposes.set(Code.objects.filter(code_list__key="share-purpose", code__in=purposes))
    made.data_categories.set(
        Code.objects.filter(code_list__key="data-category", code__in=categories)
    )
    return made


def signed_in_client(user: User) -> Client:
    """A test client signed in as the user; admins also pass two-factor, as they must."""
    client = Client()
    client.force_login(user)
    if Role.PARTNERSHIP_ADMIN in user.roles:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def page(response: Any) -> str:
    """The response body as a person would read it (HTML entities decoded)."""
    import html

    return html.unescape(response.content.decode())


def person_once(role: str, agency: str, team: str | None = None, *, username: str) -> User:
    """The person with this username, made the first time a test asks for them."""
    return User.objects.filter(username=username).first() or person(
        role, agency, team, username=username
    )


def system_token(
    role: str,
    agency: str,
    team: str | None = None,
    *,
    name: str,
    calls_per_minute: int | None = None,
) -> str:
    """The secret of a fresh token for a partner system registered as an API client holding
    the role (in the agency, and the team if given)."""
    from reachable.accounts.api_clients import client_register, token_issue

    admin = person_once("partnership_admin", "partnership-team", username="system.registrar")
    registered = client_register(
        by=admin,
        name=name,
        agency=Agency.objects.get(slug=agency),
        role=role,
        team=Team.objects.get(slug=team) if team else None,
    )
    if calls_per_minute is not None:
        registered.calls_per_minute = calls_per_minute
        registered.save(update_fields=["calls_per_minute"])
    return token_issue(by=admin, client=registered, days=30)[1]


def system_client(role: str, agency: str, team: str | None = None, *, name: str) -> Client:
    """A test client calling the API as a partner system (JSON by default)."""
    secret = system_token(role, agency, team, name=name)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT="application/json")


def make_child(**fields: Any) -> Child:
    """A child's record built by ChildFactory, typed as the model."""
    return cast(Child, ChildFactory(**fields))


def make_detention(
    child: Child,
    *,
    arrived: dt.datetime | None = None,
    suite: str = "wymondham-pic",
    custody_team_works: bool = False,
    **fields: Any,
) -> Any:
    """A detention saved directly (no service rules), with the derived columns the services keep.

    ``custody_team_works`` also gives the suite's custody team the involvement that recording a
    recent detention through the service gives (without it, the team may not write about it)."""
    from reachable.core.models import Code, Place
    from reachable.custody.models import Detention
    from reachable.custody.rules import arrival_slot

    arrived = arrived or timezone.now() - dt.timedelta(hours=2)
    weekday, hour = arrival_slot(arrived)
    values: dict[str, Any] = {
        "arrested_at": arrived - dt.timedelta(minutes=30),
        "offence": Code.objects.get(code_list__key="offence-category", code="pwits-a"),
        "out_of_county": False,
    }
    values.update(fields)
    detention = Detention.objects.create(
        child=child,
        suite=Place.objects.get(slug=suite),
        arrived_at=arrived,
        arrival_weekday=weekday,
        arrival_hour=hour,
        **values,
    )
    if custody_team_works:
        for team in Team.objects.filter(places=detention.suite):
            involve(child, team)
    return detention


ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time, so it cannot race; PostgreSQL's row locks can",
)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is a value or the exception."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def another_process_env(**extra: str) -> dict[str, str]:
    """The environment for another process sharing this test's database (PostgreSQL): a worker
    or a web server that a fault-injection test kills."""
    import os

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reachable.test_settings",
        "DATABASE_URL": url,
        **extra,
    }


def job_killed_when(
    code: str,
    reached: Callable[[], bool],
    *,
    what: str,
    still_running: Callable[[], bool],
    settle: float = 0.0,
    env: dict[str, str] | None = None,
    seconds: float = 240,
) -> None:
    """Run the code (a background job's body) in another process sharing the test database, and
    SIGKILL it, with no chance to tidy up, once ``reached()`` says it is part-way (and ``settle``
    seconds after). ``still_running()`` must hold just before the kill: a job that finished first
    has tested nothing. The process is killed whatever happens."""
    import signal
    import subprocess
    import sys
    import time

    worker = subprocess.Popen(
        [sys.executable, "-m", "django", "shell", "-c", code],
        env=env or another_process_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + seconds
        while not reached():
            assert worker.poll() is None, f"the {what} ended before it could be killed"
            assert time.monotonic() < deadline, f"the {what} never got there"
            time.sleep(0.02)
        time.sleep(settle)
        assert still_running(), f"the {what} finished before the kill: make it bigger"
        worker.send_signal(signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)
