"""Named measures: figures the board reads, counted live from the module that holds the records.

A target either names one of these or has its actuals entered by hand. Each measure says where
its number comes from (the sentence the board pack prints) and which page shows the same figure,
so the number on the board can be checked against its source. A measure counts what happened in
a period (dates inclusive) and, where it can, in one county. Nothing here is a score about a
child: every measure is a count, a share or a duration over the partnership's records.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from reachable.casework.models import Case, NrmReferral, Referral
from reachable.core.models import Area
from reachable.custody.models import CommunityOffer, Detention
from reachable.events.models import PROFESSIONALS, Audience, Registration, Session
from reachable.lines.models import Disruption
from reachable.programmes.periods import local_bounds
from reachable.returns.models import Domain, ReturnPeriod, Submission

UNITS = {
    "children": "children",
    "referrals": "referrals",
    "lines": "lines",
    "percent": "per cent",
    "hours": "hours",
    "sessions": "sessions",
    "people": "people",
    "pounds": "pounds",
    "items": "items",
}

Compute = Callable[[dt.date, dt.date, Area | None], Decimal | None]


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    source: str
    page: str  # URL name of the page that shows the same figure
    capability: str  # who may follow the link to that page
    compute: Compute
    by_county: bool = True


def _in_county(field: str, county: Area | None) -> Q:
    """Records whose area (a county or a local authority in it) lies in the county."""
    if county is None:
        return Q()
    return Q(**{field: county}) | Q(**{f"{field}__parent": county})


def _count(queryset: QuerySet[Any], distinct_field: str | None = None) -> Decimal:
    if distinct_field:
        return Decimal(queryset.values(distinct_field).distinct().count())
    return Decimal(queryset.count())


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


def _detentions(start: dt.date, end: dt.date, county: Area | None) -> QuerySet[Detention]:
    low, high = local_bounds(start, end)
    return Detention.objects.filter(
        _in_county("suite__area", county), arrested_at__gte=low, arrested_at__lt=high
    )


def children_seen_in_custody(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    return _count(_detentions(start, end, county), "child")


def children_engaged_in_custody(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    return _count(_detentions(start, end, county).filter(was_engaged=True), "child")


def children_offered_support(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    low, high = local_bounds(start, end)
    offers = CommunityOffer.objects.filter(
        _in_county("detention__suite__area", county), offered_at__gte=low, offered_at__lt=high
    )
    return _count(offers, "detention__child")


def median_hours_to_intervention(
    start: dt.date, end: dt.date, county: Area | None
) -> Decimal | None:
    hours = [
        (first - arrested).total_seconds() / 3600
        for arrested, first in _detentions(start, end, county)
        .filter(was_engaged=True, first_intervention_at__isnull=False)
        .values_list("arrested_at", "first_intervention_at")
        if first is not None
    ]
    return Decimal(statistics.median(hours)).quantize(Decimal("0.1")) if hours else None


def referrals_received(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    low, high = local_bounds(start, end)
    return _count(
        Referral.objects.filter(
            _in_county("to_team__area", county), received_at__gte=low, received_at__lt=high
        )
    )


def children_casework_opened(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    low, high = local_bounds(start, end)
    cases = Case.objects.filter(
        _in_county("team__area", county), opened_at__gte=low, opened_at__lt=high
    )
    return _count(cases, "child")


def children_exited_safely(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    low, high = local_bounds(start, end)
    cases = Case.objects.filter(
        _in_county("team__area", county),
        status=Case.Status.CLOSED,
        closed_at__gte=low,
        closed_at__lt=high,
        closure_outcome__code="safe-exit",
    )
    return _count(cases, "child")


def nrm_referrals(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    return _count(
        NrmReferral.objects.filter(
            _in_county("case__team__area", county), referred_on__gte=start, referred_on__lte=end
        )
    )


def nrm_positive_share(start: dt.date, end: dt.date, county: Area | None) -> Decimal | None:
    decided = NrmReferral.objects.filter(
        _in_county("case__team__area", county),
        reasonable_grounds_on__gte=start,
        reasonable_grounds_on__lte=end,
    ).exclude(reasonable_grounds=NrmReferral.Decision.PENDING)
    counts = decided.aggregate(
        all=Count("pk"), positive=Count("pk", filter=Q(reasonable_grounds="positive"))
    )
    return _share(counts["positive"], counts["all"])


def returns_received_share(start: dt.date, end: dt.date, county: Area | None) -> Decimal | None:
    """Returns accepted of those due (one per domain and county) for periods due in the dates."""
    due, received = 0, 0
    counties = (
        1
        if county
        else Area.objects.filter(kind=Area.Kind.COUNTY).exclude(partnership=None).count()
    )
    for period in ReturnPeriod.objects.filter(due_on__gte=start, due_on__lte=end):
        domains = Domain.objects.filter(version__version=period.spec_version).count()
        due += domains * counties
        accepted = Submission.objects.filter(period=period, status=Submission.Status.ACCEPTED)
        if county:
            accepted = accepted.filter(county=county)
        received += accepted.values("domain", "county").distinct().count()
    return _share(received, due)


def _disruptions(start: dt.date, end: dt.date, county: Area | None) -> QuerySet[Disruption]:
    found = Disruption.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
    return found.filter(area=county) if county else found


def lines_closed(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    closures = _disruptions(start, end, county).filter(
        kind__in=Disruption.CLOSURES, lines__isnull=False
    )
    return _count(closures.values("lines"), "lines")


def children_safeguarded(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    total = _disruptions(start, end, county).aggregate(n=Sum("children_safeguarded"))["n"]
    return Decimal(total or 0)


def _sessions_held(start: dt.date, end: dt.date) -> QuerySet[Session]:
    low, high = local_bounds(start, end)
    return Session.objects.filter(
        cancelled=False, starts_at__gte=low, starts_at__lt=high, starts_at__lte=timezone.now()
    )


def sessions_delivered(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    return _count(_sessions_held(start, end))


def event_registrations(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
    """Places confirmed for sessions in the dates (cancellations and the waiting list left out)."""
    low, high = local_bounds(start, end)
    return _count(
        Registration.objects.filter(
            state=Registration.State.CONFIRMED,
            session__cancelled=False,
            session__starts_at__gte=low,
            session__starts_at__lt=high,
        )
    )


def _attended(start: dt.date, end: dt.date, audiences: list[str] | None = None) -> Decimal:
    found = Registration.objects.filter(session__in=_sessions_held(start, end), attended=True)
    if audiences:
        found = found.filter(audience__in=audiences)
    return _count(found)


def _reach(audiences: list[str] | None) -> Compute:
    def compute(start: dt.date, end: dt.date, county: Area | None) -> Decimal:
        return _attended(start, end, audiences)

    return compute


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure(
            "custody.children_seen",
            "Children seen in custody",
            "children",
            "Custody early intervention: children detained in the partnership's suites, counted "
            "once each, by date of arrest.",
            "custody:dashboard",
            "custody.dashboard",
            children_seen_in_custody,
        ),
        Measure(
            "custody.children_engaged",
            "Children engaged in custody",
            "children",
            "Custody early intervention: children who took part in an intervention during a "
            "detention, counted once each, by date of arrest.",
            "custody:dashboard",
            "custody.dashboard",
            children_engaged_in_custody,
        ),
        Measure(
            "custody.children_offered",
            "Children offered community support",
            "children",
            "Custody early intervention: children made a community offer, by date of the offer.",
            "custody:dashboard",
            "custody.dashboard",
            children_offered_support,
        ),
        Measure(
            "custody.median_hours",
            "Median hours from arrest to first intervention",
            "hours",
            "Custody early intervention: the median, over engaged detentions, of the hours from "
            "arrest to the first intervention.",
            "custody:dashboard",
            "custody.dashboard",
            median_hours_to_intervention,
        ),
        Measure(
            "casework.referrals",
            "Referrals to exploitation (MACE) teams",
            "referrals",
            "Exploitation casework: referrals received by the teams, by date received.",
            "casework:nrm_figures",
            "casework.figures",
            referrals_received,
        ),
        Measure(
            "casework.opened",
            "Children whose exploitation casework opened",
            "children",
            "Exploitation casework: children with a case opened, by date opened.",
            "casework:nrm_figures",
            "casework.figures",
            children_casework_opened,
        ),
        Measure(
            "casework.safe_exits",
            "Children exited safely",
            "children",
            "Exploitation casework: children whose case closed with the outcome 'safe exit', by "
            "date closed.",
            "casework:nrm_figures",
            "casework.figures",
            children_exited_safely,
        ),
        Measure(
            "casework.nrm_referrals",
            "National Referral Mechanism referrals",
            "referrals",
            "Exploitation casework: NRM referrals made, by date referred.",
            "casework:nrm_figures",
            "casework.figures",
            nrm_referrals,
        ),
        Measure(
            "casework.nrm_positive_share",
            "Positive reasonable-grounds decisions",
            "percent",
            "Exploitation casework: positive reasonable-grounds decisions as a share of those "
            "decided, by date of decision.",
            "casework:nrm_figures",
            "casework.figures",
            nrm_positive_share,
        ),
        Measure(
            "returns.received_share",
            "Minimum dataset returns received of those due",
            "percent",
            "Minimum dataset: accepted returns (one per domain and county) for periods due in the "
            "dates, as a share of those due.",
            "returns:completeness",
            "returns.completeness",
            returns_received_share,
        ),
        Measure(
            "lines.closed",
            "County lines closed",
            "lines",
            "County lines: lines named in a type 1 or type 2 closure, by date of closure.",
            "lines:picture",
            "lines.picture",
            lines_closed,
        ),
        Measure(
            "lines.children_safeguarded",
            "Children safeguarded in disruption",
            "children",
            "County lines: children safeguarded as recorded on disruption, by date.",
            "lines:picture",
            "lines.picture",
            children_safeguarded,
        ),
        Measure(
            "events.sessions_delivered",
            "Workshops and webinars delivered",
            "sessions",
            "Events: sessions held (not cancelled) in the dates, by start time.",
            "events:manage",
            "events.manage",
            sessions_delivered,
            by_county=False,
        ),
        Measure(
            "events.registrations",
            "Event places confirmed",
            "people",
            "Events: confirmed places for sessions in the dates (not the waiting list, not "
            "cancellations).",
            "events:manage",
            "events.manage",
            event_registrations,
            by_county=False,
        ),
        Measure(
            "events.attended",
            "People attending events",
            "people",
            "Events: places marked attended, for sessions held in the dates.",
            "events:manage",
            "events.manage",
            _reach(None),
            by_county=False,
        ),
        *[
            Measure(
                f"events.reach.{key}",
                f"Reach: {label}",
                "people",
                f"Events: {label} marked attended, for sessions held in the dates.",
                "events:manage",
                "events.manage",
                _reach(audiences),
                by_county=False,
            )
            for key, label, audiences in [
                ("professionals", "professionals", [str(a) for a in PROFESSIONALS]),
                ("teachers", "teachers and school staff", [Audience.TEACHER.value]),
                ("parents", "parents and carers", [Audience.PARENT.value]),
                ("pupils", "pupils and young people", [Audience.PUPIL.value]),
            ]
        ],
    ]
}


def measure_choices() -> list[tuple[str, str]]:
    return [(m.key, f"{m.label} ({UNITS[m.unit]})") for m in MEASURES.values()]


def measure_value(
    key: str, start: dt.date, end: dt.date, county: Area | None = None
) -> Decimal | None:
    return MEASURES[key].compute(start, end, county)
