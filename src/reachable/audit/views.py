from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reachable.accounts.decorators import require_capability
from reachable.audit.forms import AuditSearchForm
from reachable.audit.selectors import audit_search


@require_capability("audit.search")
def search(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    events = audit_search()
    if form.is_bound and form.is_valid():
        events = audit_search(**form.cleaned_data)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": urlencode(params) + "&" if params else "",
        },
    )
