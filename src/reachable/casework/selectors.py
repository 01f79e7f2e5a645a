"""Scoped reads for exploitation casework. One getter per kind of object; each audits the read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from reachable.accounts.permissions import team_ids_for
from reachable.audit.services import audit_record
from reachable.casework.access import (
    case_in_window,
    cases_readable,
    chronology_scope,
    referral_in_window,
)
from reachable.casework.models import (
    Action,
    Case,
    ChronologyEntry,
    Panel,
    PeerLink,
    PlaceLink,
    Referral,
)
from reachable.children.models import Child
from reachable.children.selectors import children_visible
from reachable.core.models import Agency


def _not_found(user: Any, what: str, pk: int, child_id: int | None = None) -> Http404:
    audit_record(user=user, action=f"{what}.view.denied", child_id=child_id, detail={"id": pk})
    return Http404(f"No {what} found")


# ---------------------------------------------------------------- referrals


URGENCY_ORDER = {"immediate": 0, "urgent": 1, "routine": 2}


def _urgency_ranked(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """``urgency_rank``: immediate first, so a list can sort by urgency rather than its name."""
    return referrals.annotate(
        urgency_rank=DbCase(
            *[When(urgency=k, then=Value(v)) for k, v in URGENCY_ORDER.items()],
            output_field=IntegerField(),
        )
    )


def referrals_to_triage(user: Any) -> QuerySet[Referral]:
    """Referrals to the user's teams waiting for a decision: most urgent first, then oldest."""
    return _urgency_ranked(
        Referral.objects.filter(
            to_team_id__in=team_ids_for(user, "casework.work"),
            decision=Referral.Decision.PENDING,
        ).select_related("child", "to_team", "referring_agency")
    ).order_by("urgency_rank", "received_at")


def referrals_made_by(user: Any) -> QuerySet[Referral]:
    return _urgency_ranked(
        Referral.objects.filter(referral_in_window(), referred_by=user).select_related(
            "child", "to_team"
        )
    ).order_by("-received_at")


def referral_get_for_user(user: Any, pk: int) -> Referral:
    """A referral to one of the user's teams (to triage) or one the user made (to follow)."""
    referral = (
        Referral.objects.filter(referral_in_window(), pk=pk)
        .filter(Q(to_team_id__in=team_ids_for(user, "casework.view")) | Q(referred_by=user))
        .select_related("child", "to_team", "referring_agency", "referred_by", "decided_by")
        .first()
    )
    if referral is None:
        child_id = Referral.objects.filter(pk=pk).values_list("child_id", flat=True).first()
        raise _not_found(user, "referral", pk, child_id)
    audit_record(user=user, action="referral.view", obj=referral, child_id=referral.child_id)
    return referral


# ---------------------------------------------------------------- cases


def cases_visible(user: Any) -> QuerySet[Case]:
    """Cases the user may read (``casework.access.cases_readable``)."""
    return cases_readable(user)


def case_get_for_user(user: Any, pk: int) -> Case:
    case = (
        cases_visible(user)
        .filter(pk=pk)
        .select_related("child", "team", "worker", "risk_level", "closure_outcome")
        .first()
    )
    if case is None:
        child_id = Case.objects.filter(pk=pk).values_list("child_id", flat=True).first()
        raise _not_found(user, "case", pk, child_id)
    audit_record(user=user, action="case.view", obj=case, child_id=case.child_id)
    return case


def case_parts_get_for_user(user: Any, model: Any, pk: int) -> Any:
    """A screening, plan, intervention, NRM referral, missing episode or action, through its case."""
    case_id = model.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise _not_found(user, model._meta.model_name, pk)
    case = case_get_for_user(user, case_id)
    part = model.objects.get(pk=pk)
    part.case = case
    return part


@dataclass(frozen=True)
class CaseloadFilter:
    worker_id: int | None = None
    no_contact_days: int | None = None
    review_due_within: int | None = None
    status: str = Case.Status.OPEN


def caseload(
    user: Any, team_id: int | None = None, f: CaseloadFilter | None = None
) -> QuerySet[Case]:
    """Open cases of the user's teams (or one of them), with what a manager scans for."""
    f = f or CaseloadFilter()
    today = timezone.localdate()
    cases = cases_visible(user).filter(status=f.status)
    if team_id is not None:
        cases = cases.filter(team_id=team_id)
    if f.worker_id is not None:
        cases = cases.filter(worker_id=f.worker_id)
    if f.no_contact_days is not None:
        since = timezone.now() - dt.timedelta(days=f.no_contact_days)
        cases = cases.filter(Q(last_contact_at__lt=since) | Q(last_contact_at__isnull=True))
    if f.review_due_within is not None:
        cases = cases.filter(review_due_on__lte=today + dt.timedelta(days=f.review_due_within))
    overdue = Action.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today)
    return (
        cases.select_related("child", "worker", "risk_level", "team")
        .annotate(has_overdue_actions=Exists(overdue))
        .order_by("review_due_on", "pk")
    )


def overdue_actions(user: Any) -> QuerySet[Action]:
    """Actions past their date on the cases of the user's teams, oldest first."""
    return (
        Action.objects.filter(
            case_in_window("case__"),
            case__team_id__in=team_ids_for(user, "casework.view"),
            done_at__isnull=True,
            due_on__lt=timezone.localdate(),
        )
        .select_related("case__child", "owner", "owner_agency")
        .order_by("due_on")
    )


def action_owner_choices(case: Case) -> QuerySet[Any]:
    """Who may own an action on this case: people in the teams working with the child, and in
    the agencies the record is shared with (not everyone in the partnership)."""
    from reachable.accounts.models import User
    from reachable.children.access import teams_working_with
    from reachable.sharing.access import shares_in_force

    team_ids = teams_working_with(case.child_id).values("team_id")
    agency_ids = (
        shares_in_force(list(Agency.objects.values_list("pk", flat=True)))
        .filter(child_id=case.child_id)
        .values("to_agency_id")
    )
    from reachable.accounts.selectors import people_to_pick

    # One filter() so that "active" and "where" apply to the same membership.
    return people_to_pick(
        User.objects.filter(
            Q(memberships__team_id__in=team_ids)
            | Q(memberships__team_id=case.team_id)
            | Q(memberships__agency_id__in=agency_ids, memberships__role="partner_user"),
            memberships__active=True,
        )
    )


def case_worker_choices(case: Case) -> QuerySet[Any]:
    """Who a manager may allocate the case to: people in the case's team."""
    from reachable.accounts.models import User
    from reachable.accounts.selectors import people_to_pick

    return people_to_pick(
        User.objects.filter(memberships__team_id=case.team_id, memberships__active=True)
    )


def action_owned_get(user: Any, pk: int) -> Action:
    action = actions_for_owner(user).filter(pk=pk).first()
    if action is None:
        raise _not_found(user, "action", pk)
    audit_record(user=user, action="action.view", obj=action, child_id=action.case.child_id)
    return action


def actions_for_owner(user: Any) -> QuerySet[Action]:
    return (
        Action.objects.filter(case_in_window("case__"), owner=user, done_at__isnull=True)
        .select_related("case__child", "case__team")
        .order_by("due_on")
    )


# ---------------------------------------------------------------- panels


def panels_visible(user: Any) -> QuerySet[Panel]:
    return Panel.objects.filter(team_id__in=team_ids_for(user, "casework.view"))


def panel_get_for_user(user: Any, pk: int) -> Panel:
    panel = panels_visible(user).filter(pk=pk).select_related("team", "chair").first()
    if panel is None:
        raise _not_found(user, "panel", pk)
    audit_record(user=user, action="panel.view", obj=panel)
    return panel


# ---------------------------------------------------------------- chronology


def chronology(
    user: Any, child: Child, *, kinds: list[str] | None = None, text: str = ""
) -> QuerySet[ChronologyEntry]:
    """The child's one chronology, newest first, holding only the entries this user may read.

    The caller has already got the child through ``child_get_for_user`` (scope and audit).
    """
    entries = ChronologyEntry.objects.filter(child=child).filter(chronology_scope(user, child.pk))
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if text.strip():
        entries = entries.filter(summary__icontains=text.strip())
    return entries.select_related("author", "agency").order_by("-occurred_at", "-id")


def chronology_kinds(user: Any, child: Child) -> list[str]:
    return list(
        ChronologyEntry.objects.filter(child=child)
        .filter(chronology_scope(user, child.pk))
        .values_list("kind", flat=True)
        .distinct()
        .order_by("kind")
    )


# ---------------------------------------------------------------- contextual safeguarding


@dataclass(frozen=True)
class PeerGroup:
    visible: list[tuple[Child, str]]
    hidden: int
    # Each place of concern, the other children linked to it that the user may see, and how many
    # more there are that the user may not see.
    places: list[tuple[PlaceLink, list[Child], int]]


def peer_group(user: Any, child: Child) -> PeerGroup:
    """Children linked to this one and to its places of concern. Children the user may not see
    are only counted, never named."""
    nature = {}
    for link in PeerLink.objects.filter(Q(child=child) | Q(peer=child)):
        other = link.peer_id if link.child_id == child.pk else link.child_id
        nature[other] = link.nature
    visible = children_visible(user)
    visible_peers = list(visible.filter(pk__in=list(nature)).order_by("family_name"))
    # Two queries for all places, not two per place: the other children's links, then which of
    # those children the user may see.
    links = list(
        PlaceLink.objects.filter(child=child).select_related("place").order_by("-recorded_at")
    )
    place_ids = {pl.place_id for pl in links if pl.place_id}
    locations = {pl.location.lower() for pl in links if not pl.place_id}
    others = (
        PlaceLink.objects.exclude(child=child)
        .annotate(low=Lower("location"))
        .filter(Q(place_id__in=place_ids) | Q(place__isnull=True, low__in=locations))
    )
    at_place: dict[Any, set[int]] = {}
    for place_id, low, child_id in others.values_list("place_id", "low", "child_id"):
        at_place.setdefault(place_id or low, set()).add(child_id)
    everyone = set().union(*at_place.values()) if at_place else set()
    seen_children = {c.pk: c for c in visible.filter(pk__in=everyone).order_by("family_name")}
    places = []
    for pl in links:
        ids = at_place.get(pl.place_id or pl.location.lower(), set())
        seen = [c for pk, c in seen_children.items() if pk in ids]
        places.append((pl, seen, len(ids) - len(seen)))
    return PeerGroup(
        visible=[(c, nature[c.pk]) for c in visible_peers],
        hidden=len(nature) - len(visible_peers),
        places=places,
    )


def nrm_figures() -> dict[str, Any]:
    """Partnership NRM figures: reasonable-grounds positive rate overall, by sex and by ethnic group.

    Both breakdowns and the overall figure are suppressed together (lib.suppression): a count
    from 1 to 4 is hidden, and so is whatever else would let it be worked out from the totals.
    A rate is given only from figures that are themselves published.
    """
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce

    from reachable.casework.models import NrmReferral
    from reachable.lib.suppression import published_part_of_whole

    decided = NrmReferral.objects.exclude(reasonable_grounds=NrmReferral.Decision.PENDING)
    positive = Count("pk", filter=Q(reasonable_grounds=NrmReferral.Decision.POSITIVE))
    breakdowns = [
        ("By sex", "case__child__sex__label"),
        ("By ethnic group", "case__child__ethnicity__group"),
    ]
    groups = [
        list(
            decided.values(group=Coalesce(F(path), Value("Not recorded")))
            .annotate(decided=Count("pk"), positive=positive)
            .order_by("group")
        )
        for _, path in breakdowns
    ]
    waiting = NrmReferral.objects.filter(reasonable_grounds=NrmReferral.Decision.PENDING).count()
    if not any(groups):
        return {"overall": None, "tables": [(t, []) for t, _ in breakdowns], "waiting": waiting}
    shown = published_part_of_whole([[(r["positive"], r["decided"]) for r in g] for g in groups])

    def row(group: str, values: list[int | str]) -> dict[str, Any]:
        part, rest, whole = values
        rate = (
            round(100 * part / whole, 1)
            if isinstance(part, int) and isinstance(whole, int) and whole
            else None
        )
        return {
            "group": group,
            "positive": part,
            "not_positive": rest,
            "decided": whole,
            "rate": rate,
        }

    overall = row("All", shown[0][-1])
    return {
        "overall": overall if overall["rate"] is not None else None,
        "tables": [
            (title, [row(r["group"], v) for r, v in zip(g, table[:-1], strict=True)])
            for (title, _), g, table in zip(breakdowns, groups, shown, strict=True)
        ],
        "waiting": waiting,
    }
