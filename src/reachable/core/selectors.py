"""Reads of reference data. Reference data is not personal data, so any signed-in user may read it."""

from __future__ import annotations

from django.db.models import QuerySet

from reachable.core.models import Area, Code


def codes_for(list_key: str) -> QuerySet[Code]:
    return Code.objects.filter(code_list__key=list_key, active=True).order_by("order", "label")


def local_authorities() -> QuerySet[Area]:
    return (
        Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY)
        .select_related("parent")
        .order_by("name")
    )
