"""Reads of the minimum dataset specification. It holds no personal data: every member may read it."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from reachable.accounts.roles import Role
from reachable.returns.models import Domain, Measure, ReturnPeriod, SpecVersion, Submission


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


def open_periods() -> QuerySet[ReturnPeriod]:
    return ReturnPeriod.objects.filter(closed=False).order_by("starts_on")
