from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from reachable.accounts.decorators import signed_in
from reachable.accounts.permissions import can
from reachable.audit.selectors import audit_search, recently_viewed_child_ids
from reachable.audit.services import audit_list
from reachable.children.selectors import children_visible
from reachable.core.models import Agency, Area, Place, Team


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {
        "partnership": {
            "counties": Area.objects.filter(
                kind=Area.Kind.COUNTY, partnership__isnull=False
            ).count(),
            "agencies": Agency.objects.count(),
            "teams": Team.objects.count(),
            "custody_suites": Place.objects.filter(kind=Place.Kind.CUSTODY_SUITE).count(),
        }
    }
    if can(user, "child.view"):
        visible = children_visible(user)
        recent_ids = recently_viewed_child_ids(user)
        recent = {c.pk: c for c in visible.filter(pk__in=recent_ids)}
        context["caseload_count"] = visible.count()
        context["recent_children"] = [recent[i] for i in recent_ids if i in recent]
        audit_list(user=user, what="home: recently opened", child_ids=list(recent))
        context["can_create"] = can(user, "child.create")
    context["lines_intelligence"] = can(user, "lines.view")
    context["lines_picture"] = can(user, "lines.picture")
    if can(user, "audit.search"):
        today = timezone.localdate()
        context["audit_today"] = audit_search(date_from=today).count()
        context["denied_today"] = audit_search(date_from=today, only_flagged=True).count()
    return render(request, "core/home.html", context)
