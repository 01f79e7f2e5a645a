"""Reads of the minimum dataset specification. It holds no personal data: every member may read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from reachable.accounts.roles import Role
from reachable.core.models import Area
from reachable.returns.models import (
    Domain,
    LinkageRun,
    Measure,
    PairReview,
    ReturnPeriod,
    SpecVersion,
    Submission,
)


def spec_versions() -> QuerySet[SpecVersion]:
    return SpecVersion.objects.prefetch_related(
        Prefetch("domains", queryset=Domain.objects.order_by("title"))
    ).order_by("-published_on")


def domain_get(version: str, key: str) -> Domain:
    found = (
        Domain.objects.filter(version__version=version, key=key)
        .select_related("version")
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("position")))
        .first()
    )
    if found is None:
        raise Http404("No such domain in that version of the dataset")
    return found


def submissions_visible(user: Any) -> QuerySet[Submission]:
    """A data submitter sees their own agency's returns (never another agency's)."""
    agency_ids = [m.agency_id for m in user.active_memberships if m.role == Role.DATA_SUBMITTER]
    return (
        Submission.objects.filter(agency_id__in=agency_ids)
        .select_related("agency", "county", "period", "domain", "domain__version", "submitted_by")
        .order_by("-submitted_at")
    )


def submission_get_for_user(user: Any, pk: int) -> Submission:
    found = submissions_visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such return")
    return found


def period_chosen(asked: str | None) -> tuple[list[ReturnPeriod], ReturnPeriod]:
    """All periods, and the one asked for; by default the open period due first (the one whose
    returns are coming in now)."""
    periods = list(ReturnPeriod.objects.order_by("-starts_on"))
    chosen = next((p for p in periods if str(p.pk) == asked), None)
    if chosen is None:
        if not periods:
            raise Http404("No return periods are set up")
        still_open = sorted((p for p in periods if not p.closed), key=lambda p: p.due_on)
        chosen = (still_open or periods)[0]
    return periods, chosen


def open_periods() -> QuerySet[ReturnPeriod]:
    return ReturnPeriod.objects.filter(closed=False).order_by("starts_on")


@dataclass(frozen=True)
class Cell:
    state: str  # "submitted", "partial" (return in, measure empty or missing), "missing"
    label: str


@dataclass
class CompletenessRow:
    domain: Domain
    measure: Measure
    cells: list[Cell]


@dataclass
class Completeness:
    period: ReturnPeriod
    counties: list[Area]
    rows: list[CompletenessRow]
    gaps: list[tuple[Submission, str]]


def completeness(period: ReturnPeriod) -> Completeness:
    """Measure x county for one period, from the accepted returns (any agency of the county)."""
    counties = list(
        Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False).order_by("name")
    )
    domains = list(
        Domain.objects.filter(version__version=period.spec_version)
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("position")))
        .order_by("title")
    )
    accepted = list(
        Submission.objects.filter(period=period, status=Submission.Status.ACCEPTED).select_related(
            "agency", "county", "domain"
        )
    )
    present: dict[tuple[str, int], set[str]] = {}
    for sub in accepted:
        present.setdefault((sub.domain.key, sub.county_id), set()).update(sub.measures_present)
    rows = []
    for domain in domains:
        for measure in domain.measures.all():
            if measure.role == Measure.Role.IDENTIFIER:
                continue
            cells = []
            for county in counties:
                got = present.get((domain.key, county.pk))
                if got is None:
                    cells.append(Cell("missing", "Not yet captured"))
                elif measure.name in got:
                    cells.append(Cell("submitted", "Submitted"))
                else:
                    cells.append(Cell("partial", "Return in, measure not captured"))
            rows.append(CompletenessRow(domain, measure, cells))
    gaps = [(s, s.gaps) for s in accepted if s.gaps]
    return Completeness(period, counties, rows, gaps)


# Linkage: partnership-wide and pseudonymised; the views admit analysts only (returns.link).


def linkage_runs() -> QuerySet[LinkageRun]:
    return LinkageRun.objects.select_related("period", "started_by").order_by("-pk")


def linkage_run_get(pk: int) -> LinkageRun:
    found = linkage_runs().filter(pk=pk).first()
    if found is None:
        raise Http404("No such linkage run")
    return found


def reviews_pending() -> QuerySet[PairReview]:
    return PairReview.objects.filter(decision=PairReview.Decision.PENDING).order_by(
        "-match_probability", "pk"
    )


def review_get(pk: int) -> PairReview:
    found = PairReview.objects.select_related("run", "decided_by").filter(pk=pk).first()
    if found is None:
        raise Http404("No such pair")
    return found


def agency_names(slugs: Any) -> dict[str, str]:
    """Agency names by slug, for pages that hold slugs (linkage pairs)."""
    from reachable.core.models import Agency

    return dict(Agency.objects.filter(slug__in=set(slugs)).values_list("slug", "name"))
