"""Synthetic events for the demo, written from the seeds' shape: a series of eight online
workshops (two already held, with attendance, feedback and before-and-after answers; one full,
with a waiting list) and a national webinar. Every person is invented; emails are example.org."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from reachable.events.models import (
    Audience,
    Instrument,
    Registration,
    Series,
    Session,
    SessionFeedback,
    Speaker,
)
from reachable.events.services import evaluation
from reachable.events.services.calendar import LONDON
from reachable.events.services.tokens import keyed
from reachable.learning.models import PracticeExample

WORKSHOPS = [
    ("The reachable moment in custody", "custody, early intervention"),
    ("Trauma-informed practice: the SAFE approach", "trauma-informed practice"),
    ("Custody comfort boxes", "custody, wellbeing"),
    ("Contextual safeguarding", "places, peers, contextual safeguarding"),
    ("Culturally competent services", "equity, culture"),
    ("The NRM and the Modern Slavery Act", "NRM, legal"),
    ("Using data to find children missing from view", "data, minimum dataset"),
    ("Working with violence reduction units", "partnership, VRU"),
]
AUDIENCES = [a for a, _ in Audience.choices if a not in {"pupil", "parent"}]
ORGANISATIONS = [
    "Northgate Youth Justice Service",
    "Eastshire Police",
    "Westby Children's Services",
    "Southmere Academy Trust",
    "Harbour Housing",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@transaction.atomic
def synth_events(*, seed: int = 1) -> int:
    """Set up the demo's events (once); returns how many sessions were made."""
    if Series.objects.exists():
        return 0
    rng, fake = random.Random(seed), Faker("en_GB")
    fake.seed_instance(seed)
    today = timezone.localdate()
    series = Series.objects.create(
        title="Exploitation workshops for custody and youth justice staff",
        slug="exploitation-workshops",
        description="Eight online workshops for strategic and operational staff in youth "
        "justice, police and children's services. Each workshop is booked separately.",
    )
    webinar = Series.objects.create(
        title="National webinar: finding children missing from view",
        slug="national-webinar",
        description="Discussion themes: contextual safeguarding, culturally competent services, "
        "violence reduction units, the NRM, and using data to find children.",
    )
    examples = list(PracticeExample.objects.filter(state="published").order_by("pk")[:8])
    sessions = []
    for number, (title, themes) in enumerate(WORKSHOPS):
        day = today + dt.timedelta(days=14 * (number - 2) + 3)  # two held, six to come
        session = Session.objects.create(
            series=series,
            title=f"Workshop {number + 1}: {title}",
            themes=themes,
            audiences="Strategic and operational staff in youth justice, police and children's "
            "services",
            starts_at=_at(day, 9, 30),
            ends_at=_at(day, 12, 0),
            online_link=f"https://meet.example.org/workshop-{number + 1}",
            accessibility="Live captions; slides sent beforehand; a British Sign Language "
            "interpreter on request.",
            capacity=12 if number == 3 else 40,
        )
        if number < len(examples):
            session.examples.add(examples[number])
        Speaker.objects.create(
            session=session,
            name=fake.name(),
            organisation=rng.choice(ORGANISATIONS),
            role="Practice lead",
        )
        sessions.append(session)
    day = today + dt.timedelta(days=40)
    sessions.append(
        Session.objects.create(
            series=webinar,
            title="Webinar: children missing from view",
            starts_at=_at(day, 14),
            ends_at=_at(day, 15, 30),
            online_link="https://meet.example.org/national-webinar",
            capacity=300,
        )
    )
    _registrations(sessions, rng, fake)
    _evaluation(series, rng)
    return len(sessions)


def _registrations(sessions: list[Session], rng: random.Random, fake: Faker) -> None:
    now = timezone.now()
    for session in sessions:
        wanted = session.capacity + 4 if session.capacity == 12 else rng.randint(8, 25)
        for index in range(wanted):
            held = index < session.capacity
            Registration.objects.create(
                session=session,
                name=fake.name(),
                email=f"attendee{session.pk}-{index}@example.org",
                organisation=rng.choice(ORGANISATIONS),
                role=rng.choice(["Case worker", "Team manager", "Custody officer", "Lead"]),
                audience=rng.choice(AUDIENCES),
                state="confirmed" if held else "waiting",
                waiting_position=None if held else index - session.capacity + 1,
                attended=(rng.random() < 0.8) if held and session.ends_at < now else None,
            )
        comments = ["Practical and clear.", "More time for questions, please.", ""]
        for registration in session.registrations.filter(attended=True)[:5]:
            SessionFeedback.objects.create(
                session=session,
                registration=None,
                registration_key=keyed("feedback", str(registration.pk)),
                usefulness=rng.choice([3, 4, 4, 5, 5]),
                comment=rng.choice(comments),
            )


def _evaluation(series: Series, rng: random.Random) -> None:
    """Before-and-after answers from 18 invented participants, who mostly grew in confidence."""
    instrument = Instrument.objects.prefetch_related("items").get(key="practice-confidence")
    for person in range(18):
        base = rng.randint(2, 3)
        for phase, lift in [("pre", 0), ("post", rng.choice([0, 1, 1, 2]))]:
            answers: dict[str, int | None] = {}
            for item in instrument.items.all():
                value = min(5, max(1, base + lift + rng.choice([-1, 0, 0, 1])))
                answers[str(item.number)] = 6 - value if item.reverse_keyed else value
            answers["4"] = None if rng.random() < 0.2 else answers["4"]  # some "not applicable"
            evaluation.response_record(
                instrument=instrument,
                series=series,
                email=f"participant{person}@example.org",
                phase=phase,
                answers=answers,
            )
