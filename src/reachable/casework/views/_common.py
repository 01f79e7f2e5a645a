"""What the casework pages share: paging, audited pages, the case form page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from reachable.audit.services import audit_list
from reachable.casework.models import (
    Case,
)
from reachable.lib.views import form_page

PAGE_SIZE = 50


_form_page = form_page  # the one form page (lib.views), under the name the casework views use


def _case_form(
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    title: str,
) -> HttpResponse:
    from django.urls import reverse

    return _form_page(
        request,
        form,
        save,
        title=title,
        caption=case.child.full_name,
        back=reverse("casework:case", args=[case.pk]),
        then="casework:case",
        pk=case.pk,
    )


def _querystring(request: HttpRequest, *, drop: set[str], trailing: str = "") -> str:
    """The page's query string without the named parameters (to add page or format links)."""
    kept = request.GET.copy()
    for name in drop:
        kept.pop(name, None)
    text = kept.urlencode()
    return f"{text}{trailing}" if text else ""


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _audited_page(request: HttpRequest, what: str, rows: Any) -> Any:
    """A page of rows about children (each with ``child_id``), its children audited."""
    page = _page(request, rows)
    audit_list(user=request.user, what=what, child_ids=[r.child_id for r in page])
    return page
