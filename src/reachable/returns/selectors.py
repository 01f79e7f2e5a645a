"""Reads of the minimum dataset specification. It holds no personal data: every member may read it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from reachable.returns.models import Domain, Measure, SpecVersion


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
