"""Synthetic exploitation casework for the demo and the benchmarks (seeds 003, 004).

Each case belongs to the exploitation team of the child's home county (children from outside the
partnership go to a team picked at random), with a risk judgement, a few chronology entries and, for
some, an NRM referral whose reasonable-grounds decision is positive 87% of the time (the seeds'
figure). Deterministic for a given seed, database and day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone

from reachable.accounts.models import Membership
from reachable.audit.services import audit_record
from reachable.casework.chronology import CHRONOLOGY_COLUMNS
from reachable.casework.models import (
    Case,
    CaseEvent,
    ChronologyEntry,
    NrmReferral,
    ReferralRoute,
    RiskJudgement,
)
from reachable.children.models import Child, Involvement
from reachable.core.models import Area, Code, Team
from reachable.lib.bulk import bulk_insert, next_id, reset_sequences
from reachable.synth.generator import Weighted

RISK_WEIGHTS = {"low": 35, "medium": 45, "high": 20}
ENTRY_TEXTS = {
    "contact": ["Met at the youth club; talked about school.", "Home visit; mum present."],
    "information": ["School reports two days missed this week.", "Seen with older peers."],
    "police": ["Stopped in the town centre; no further action.", "Found out of area."],
    "education": ["Attendance 62% this half term.", "Fixed-term suspension, 2 days."],
    "note": ["Strategy discussion with social worker.", "Called the family to arrange a visit."],
}
ENTRY_KINDS = Weighted({k: 1 for k in ENTRY_TEXTS})
CASE_FIELDS = [
    "id",
    "child",
    "team",
    "worker",
    "status",
    "opened_at",
    "risk_level",
    "last_contact_at",
    "review_due_on",
    "closure_summary",
]


@dataclass(frozen=True)
class CaseworkSummary:
    cases: int
    entries: int
    nrm_referrals: int


def synth_cases(
    *,
    seed: int,
    count: int,
    user_id: int,
    entries_per_case: int = 6,
    chunk: int = 20000,
    team_slug: str = "",
) -> CaseworkSummary:
    """Open ``count`` cases for children who have none yet (all with one team, if named)."""
    rng = random.Random(seed)
    routes = dict(ReferralRoute.objects.values_list("area_id", "team_id"))
    teams = sorted(set(routes.values()))
    if not teams:
        raise ValueError("No referral routes: load the partnership first.")
    agency_of = dict(Team.objects.values_list("pk", "agency_id"))
    county_of = {la: parent or la for la, parent in Area.objects.values_list("pk", "parent_id")}
    workers: dict[int, list[int]] = {}
    for team_id, worker_id in Membership.objects.filter(
        team_id__in=teams, role="exploitation_practitioner", active=True
    ).values_list("team_id", "user_id"):
        workers.setdefault(team_id, []).append(worker_id)
    risk = Weighted(
        {
            Code.objects.get(code_list__key="risk-level", code=c).pk: w
            for c, w in RISK_WEIGHTS.items()
        }
    )
    candidates = list(
        Child.objects.filter(merged_into__isnull=True, cases__isnull=True)
        .order_by("pk")
        .values_list("pk", "home_la_id")
    )
    if len(candidates) < count:
        raise ValueError(f"Only {len(candidates)} children have no case; add more children first.")
    picked = sorted(rng.sample(candidates, count))
    now = timezone.now()
    today = timezone.localdate()
    first_case = next_id(Case)
    only_team = Team.objects.get(slug=team_slug).pk if team_slug else None

    def cases() -> Iterator[tuple[Any, ...]]:
        for offset, (child_id, home_la) in enumerate(picked):
            team = routes.get(county_of.get(home_la, -1)) if home_la else None
            team = only_team or team or teams[rng.randrange(len(teams))]
            opened = now - dt.timedelta(days=rng.randint(14, 700), minutes=rng.randrange(1440))
            contact = opened + (now - opened) * rng.random()
            review = today + dt.timedelta(days=rng.randint(-20, 60))
            pool = workers.get(team)
            worker = pool[rng.randrange(len(pool))] if pool and rng.random() < 0.9 else None
            yield first_case + offset, child_id, team, worker, opened, contact, review

    totals = {"cases": 0, "entries": 0, "nrm": 0}
    with transaction.atomic():
        source = cases()
        while batch := list(islice(source, chunk)):
            case_rows, involvements, judgements, entries, nrms = [], [], [], [], []
            events = []
            for case_id, child_id, team, worker, opened, contact, review in batch:
                level = risk.pick(rng)
                case_rows.append(
                    (case_id, child_id, team, worker, "open", opened, level, contact, review, "")
                )
                involvements.append(
                    (child_id, team, worker, opened.date(), None, "Exploitation case open")
                )
                judgements.append((case_id, level, "Synthetic judgement", opened, user_id))
                events.append((case_id, "opened", opened, user_id, "Synthetic referral accepted"))
                for _ in range(entries_per_case):
                    entries.append(
                        entry_row(rng, child_id, case_id, agency_of[team], user_id, opened, now)
                    )
                if rng.random() < 0.15:
                    referred = opened.date() + dt.timedelta(days=rng.randint(1, 10))
                    decided = referred + dt.timedelta(days=rng.randint(5, 60))
                    done = decided <= today
                    outcome = "positive" if rng.random() < 0.87 else "negative"
                    nrms.append(
                        (
                            case_id,
                            min(referred, today),
                            agency_of[team],
                            outcome if done else "pending",
                            decided if done else None,
                            "pending",
                            None,
                            user_id,
                        )
                    )
            totals["cases"] += bulk_insert(Case, CASE_FIELDS, case_rows)
            bulk_insert(
                Involvement,
                ["child", "team", "worker", "started_on", "ended_on", "reason"],
                involvements,
            )
            bulk_insert(RiskJudgement, ["case", "level", "reasons", "judged_at", "by"], judgements)
            bulk_insert(CaseEvent, ["case", "kind", "at", "by", "reason"], events)
            totals["entries"] += bulk_insert(ChronologyEntry, CHRONOLOGY_COLUMNS, entries)
            totals["nrm"] += bulk_insert(
                NrmReferral,
                [
                    "case",
                    "referred_on",
                    "first_responder",
                    "reasonable_grounds",
                    "reasonable_grounds_on",
                    "conclusive_grounds",
                    "conclusive_grounds_on",
                    "by",
                ],
                nrms,
            )
        reset_sequences(Case, CaseEvent, Involvement, RiskJudgement, ChronologyEntry, NrmReferral)
        audit_record(user=None, action="synth.casework", detail={"seed": seed, **totals})
    return CaseworkSummary(
        cases=totals["cases"], entries=totals["entries"], nrm_referrals=totals["nrm"]
    )


def entry_row(
    rng: random.Random,
    child_id: int,
    case_id: int | None,
    agency_id: int,
    user_id: int,
    since: dt.datetime,
    until: dt.datetime,
) -> tuple[Any, ...]:
    """One synthetic chronology entry between two moments, in CHRONOLOGY_COLUMNS order."""
    kind = ENTRY_KINDS.pick(rng)
    texts = ENTRY_TEXTS[kind]
    at = since + (until - since) * rng.random()
    visibility = "shared" if rng.random() < 0.3 else "involved"
    return (
        child_id,
        at,
        kind,
        texts[rng.randrange(len(texts))],
        kind == "contact",
        visibility,
        user_id,
        agency_id,
        case_id,
        at,
    )


def demo_casework() -> None:
    """A few things for the demo's people to find: referrals waiting for triage in the Norfolk MACE
    team, and a MACE panel with cases on its agenda. Made through the services, as people would."""
    from reachable.accounts.models import User
    from reachable.casework import services

    referrer = User.objects.filter(username="custody.norfolk").first()
    manager = User.objects.filter(username="manager.norfolk").first()
    if referrer is None or manager is None:
        return
    mace = Team.objects.get(slug="norfolk-mace")
    from reachable.children.access import children_writable

    # Children the custody practitioner works with (met in custody), as a referral needs.
    waiting = (
        children_writable(referrer)
        .filter(cases__isnull=True, merged_into__isnull=True)
        .exclude(referrals__isnull=False)
        .order_by("pk")
    )
    concerns = [
        "Arrested with cash and two phones; said he owes money to people from London.",
        "Missing three times this month, found in Great Yarmouth each time.",
        "New expensive clothes; school reports older boys waiting at the gates.",
    ]
    for child, text, urgency in zip(
        waiting[:3], concerns, ["urgent", "routine", "immediate"], strict=False
    ):
        services.referral_make(
            user=referrer,
            child=child,
            to_team=mace,
            concerns=text,
            urgency=urgency,
            consent="given",
        )
    open_cases = list(Case.objects.filter(team=mace, status="open").order_by("pk")[:4])
    if open_cases:
        panel = services.panel_hold(
            user=manager,
            team=mace,
            held_on=timezone.localdate(),
            agencies=list(mace.agency.partnership.agencies.order_by("pk")[:5]),
            notes="Monthly MACE panel.",
        )
        kinds = ["new", "escalated", "review", "closure"]
        for case, kind in zip(open_cases, kinds, strict=False):
            services.panel_item_add(user=manager, panel=panel, case=case, kind=kind)
