"""Synthetic detentions for the demo and the benchmarks, calibrated to the custody pilot (seed 002).

Arrivals peak in the afternoon and evening; the busiest suite is the pilot suite; in service hours
about 90% of children are approached and 96% of those engage; outside hours some are seen the next
morning. Deterministic for a given seed and database.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.casework.chronology import CHRONOLOGY_COLUMNS
from reachable.casework.models import ChronologyEntry
from reachable.children.models import Child, Involvement
from reachable.core.models import Code, OperatingHours, Place, Team
from reachable.custody.importer import detention_entries
from reachable.custody.models import DETENTION_COLUMNS, CommunityOffer, Detention, Engagement
from reachable.custody.rules import arrival_slot
from reachable.lib.bulk import bulk_insert, next_id, reset_sequences
from reachable.synth.generator import Weighted

HOUR_WEIGHTS = {
    h: w
    for h, w in enumerate(
        [3, 2, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 10, 9, 8, 7, 5, 4]
    )
}
WEEKDAY_WEIGHTS = {0: 13, 1: 13, 2: 13, 3: 14, 4: 17, 5: 17, 6: 13}
OFFENCE_WEIGHTS = {
    "pwits-a": 35,
    "pwits-b": 10,
    "possession": 10,
    "weapon": 15,
    "violence": 10,
    "robbery": 8,
    "theft": 5,
    "damage": 2,
    "other": 5,
}
FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)


@dataclass(frozen=True)
class DetentionSummary:
    detentions: int
    engagements: int
    offers: int
    involvements: int
    entries: int


def synth_detentions(
    *, seed: int, count: int, user_id: int, chunk: int = 50000, detained_now: int = 0
) -> DetentionSummary:
    """``count`` detentions over 2025-26; the last ``detained_now`` arrive in the past few hours at the
    pilot suite and are not yet released, so the demo's live board has children on it."""
    rng = random.Random(seed)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    suites = list(
        Place.objects.filter(kind=Place.Kind.CUSTODY_SUITE)
        .select_related("area__parent")
        .order_by("slug")
    )
    served = {h.place_id for h in OperatingHours.objects.all()}
    open_hours: dict[int, set[tuple[int, int]]] = {}
    for h in OperatingHours.objects.all():
        for hour in range(h.opens.hour, h.closes.hour):
            open_hours.setdefault(h.place_id, set()).add((h.weekday, hour))
    suite_pick = Weighted(
        {s.pk: (25 if s.pk in served else 75 / max(1, len(suites) - len(served))) for s in suites}
    )
    county_of_suite = {s.pk: (s.area.parent_id or s.area_id) for s in suites}
    suite_agency = _recording_agencies(suites, county_of_suite)
    teams_of_suite = {
        s.pk: list(Team.objects.filter(places=s).values_list("pk", flat=True)) for s in suites
    }
    offences = Weighted(
        {
            Code.objects.get(code_list__key="offence-category", code=c).pk: w
            for c, w in OFFENCE_WEIGHTS.items()
        }
    )
    hour_pick, day_pick = Weighted(HOUR_WEIGHTS), Weighted(WEEKDAY_WEIGHTS)
    county_of_la = {la: parent or la for la, parent in _la_parents()}
    children = list(
        Child.objects.filter(merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", "home_la_id")
    )
    if not children:
        raise ValueError("There are no children to detain: run synth with --children first.")
    days = (LAST_DAY - FIRST_DAY).days
    weeks = days // 7

    arrests: set[int] = set()

    def rows() -> Any:
        for detention_id in range(first_id, first_id + count):
            child_id, home_la = children[rng.randrange(len(children))]
            suite = suite_pick.pick(rng)
            day = FIRST_DAY + dt.timedelta(days=7 * rng.randrange(weeks) + day_pick.pick(rng))
            arrived = dt.datetime.combine(
                day, dt.time(hour_pick.pick(rng), rng.randrange(60)), tzinfo=tz
            ).astimezone(dt.UTC)  # arithmetic in UTC: local clocks jump at the DST changes
            released: dt.datetime | None = arrived + dt.timedelta(minutes=rng.randint(180, 1200))
            if detention_id >= first_id + count - detained_now and served:
                suite = min(served)
                arrived = timezone.now() - dt.timedelta(minutes=rng.randint(10, 360))
                day, released = timezone.localtime(arrived).date(), None
            arrested = arrived - dt.timedelta(minutes=rng.randint(15, 90))
            # One detention per child per arrest time (a database rule): nudge the rare clash.
            while (key := child_id * 10**9 + int(arrested.timestamp()) // 60) in arrests:
                arrested -= dt.timedelta(minutes=1)
            arrests.add(key)
            out = home_la is not None and county_of_la.get(home_la) != county_of_suite[suite]
            yield detention_id, child_id, suite, arrested, arrived, released, out, home_la, day

    first_id = next_id(Detention)
    engagement_id = next_id(Engagement)
    totals = {"detentions": 0, "engagements": 0, "offers": 0, "involvements": 0, "entries": 0}
    involved: set[tuple[int, int]] = set(
        Involvement.objects.filter(
            ended_on__isnull=True, team__places__kind=Place.Kind.CUSTODY_SUITE
        ).values_list("child_id", "team_id")
    )
    with transaction.atomic():
        source = rows()
        while batch := list(islice(source, chunk)):
            detentions, engagements, offers, involvements = [], [], [], []
            for (
                detention_id,
                child_id,
                suite,
                arrested,
                arrived,
                released,
                out,
                home_la,
                day,
            ) in batch:
                visit = None
                if suite in served:
                    local = arrived.astimezone(tz)
                    in_hours = (local.weekday(), local.hour) in open_hours.get(suite, set())
                    if rng.random() < (0.9 if in_hours else 0.3):
                        wait = (
                            dt.timedelta(minutes=rng.randint(10, 120))
                            if in_hours
                            else dt.timedelta(hours=rng.uniform(8, 16))
                        )
                        attempted = min(arrived + wait, released or timezone.now())
                        if attempted > arrived:
                            visit = (attempted, rng.random() < 0.96)
                engaged = visit is not None and visit[1]
                detentions.append(
                    (
                        detention_id,
                        child_id,
                        suite,
                        arrested,
                        arrived,
                        released,
                        offences.pick(rng),
                        None,
                        out,
                        home_la,
                        rng.random() < 0.8,
                        rng.random() < 0.7,
                        suite in served and rng.random() < 0.9,
                        "",
                        Detention.Source.IMPORTED,
                        f"S{detention_id}",
                        user_id,
                        arrived,
                        *arrival_slot(arrived),
                        visit is not None,
                        engaged,
                        visit[0] if visit and engaged else None,
                    )
                )
                for team in teams_of_suite[suite]:
                    if (child_id, team) not in involved:
                        involved.add((child_id, team))
                        involvements.append(
                            (child_id, team, None, day, None, "Detained at a custody suite")
                        )
                if visit is None:
                    continue
                engagements.append(
                    (engagement_id, detention_id, visit[0], user_id, engaged, None, "", "")
                )
                engagement_id += 1
                if engaged and rng.random() < 0.08:
                    offers.append(
                        (
                            detention_id,
                            visit[0] + dt.timedelta(days=1),
                            user_id,
                            rng.random() < 0.8,
                            rng.randint(0, 8),
                            "open",
                            None,
                        )
                    )
            totals["detentions"] += bulk_insert(
                Detention,
                ["id", *DETENTION_COLUMNS],
                detentions,
            )
            totals["entries"] += bulk_insert(
                ChronologyEntry,
                CHRONOLOGY_COLUMNS,
                detention_entries(
                    [d[1:] for d in detentions],
                    author_id=user_id,
                    agency_of_suite=suite_agency.__getitem__,
                    recorded_at=timezone.now(),
                    note="Synthetic.",
                ),
            )
            totals["engagements"] += bulk_insert(
                Engagement,
                [
                    "id",
                    "detention",
                    "attempted_at",
                    "by",
                    "engaged",
                    "reason_not_engaged",
                    "discussed",
                    "childs_words",
                ],
                engagements,
            )
            totals["offers"] += bulk_insert(
                CommunityOffer,
                [
                    "detention",
                    "offered_at",
                    "offered_by",
                    "accepted",
                    "sessions",
                    "outcome",
                    "closed_at",
                ],
                offers,
            )
            totals["involvements"] += bulk_insert(
                Involvement,
                ["child", "team", "worker", "started_on", "ended_on", "reason"],
                involvements,
            )
        reset_sequences(Detention, Engagement, CommunityOffer, Involvement)
        audit_record(user=None, action="synth.detentions", detail={"seed": seed, **totals})
    return DetentionSummary(**totals)


def _la_parents() -> list[tuple[int, int | None]]:
    from reachable.core.models import Area

    return list(Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).values_list("pk", "parent_id"))


def _recording_agencies(suites: list[Place], county_of_suite: dict[int, int]) -> dict[int, int]:
    """Whose name a synthetic detention goes into the chronology under: the early intervention team's
    agency at the suite, else the police force for the suite's county."""
    from reachable.core.models import Agency

    police: dict[int, int] = {}
    for agency_id, area_id in Agency.objects.filter(agency_type__code="police").values_list(
        "pk", "areas"
    ):
        police.setdefault(area_id, agency_id)
    fallback = next(iter(police.values()))
    out = {}
    for suite in suites:
        team_agency = Team.objects.filter(places=suite).values_list("agency_id", flat=True).first()
        out[suite.pk] = team_agency or police.get(county_of_suite[suite.pk], fallback)
    return out
