"""The home page: the signed-in person's work queues, then finding a child and the records they
opened recently."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from reachable.accounts.decorators import public, signed_in
from reachable.accounts.permissions import can
from reachable.audit.selectors import audit_search, recently_viewed_child_ids
from reachable.audit.services import audit_list
from reachable.children.selectors import children_visible
from reachable.work.queues import queues_for


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    queues = queues_for(user)
    named = sorted({r.child_id for q in queues for r in q.rows if r.child_id})
    if named:
        audit_list(user=user, what="home: work queues", child_ids=named)
    context: dict[str, object] = {"queues": queues}
    if can(user, "child.view"):
        visible = children_visible(user)
        recent_ids = recently_viewed_child_ids(user)
        recent = {c.pk: c for c in visible.filter(pk__in=recent_ids)}
        context["recent_children"] = [recent[i] for i in recent_ids if i in recent]
        audit_list(user=user, what="home: recently opened", child_ids=list(recent))
        context["can_search"] = True
        context["can_create"] = can(user, "child.create")
    context["lines_intelligence"] = can(user, "lines.view")
    context["lines_picture"] = can(user, "lines.picture")
    if can(user, "audit.search"):
        today = timezone.localdate()
        context["audit_today"] = audit_search(date_from=today).count()
        context["denied_today"] = audit_search(date_from=today, only_flagged=True).count()
    return render(request, "work/home.html", context)


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, linked from every page's footer."""
    return render(request, "work/accessibility.html")
