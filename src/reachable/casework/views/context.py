"""Pages for the chronology, peers and places of concern."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.casework import selectors, services
from reachable.casework.forms import (
    ChronologyEntryForm,
    ChronologyFilterForm,
    PeerLinkForm,
    PlaceLinkForm,
)
from reachable.casework.views._common import (
    _form_page,
    _page,
    _querystring,
)
from reachable.children.access import may_write
from reachable.children.selectors import (
    child_get_for_user,
    child_get_for_writing,
    children_visible,
)
from reachable.lib.views import posted

# ---------------------------------------------------------------- chronology and context


@require_capability("chronology.view")
def chronology(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk, action="chronology.view")
    filters = ChronologyFilterForm(
        request.GET or None, kinds=selectors.chronology_kinds(request.user, child)
    )
    kinds, text = [], ""
    if filters.is_valid():
        kinds, text = filters.cleaned_data["kind"], filters.cleaned_data["text"]
    entries = selectors.chronology(request.user, child, kinds=kinds, text=text)
    return render(
        request,
        "casework/chronology.html",
        {
            "child": child,
            "entries": _page(request, entries),
            "filters": filters,
            "query": _querystring(request, drop={"page"}, trailing="&"),
        },
    )


@require_capability("chronology.add")
def chronology_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    form = ChronologyEntryForm(
        posted(request), initial={"occurred_at": timezone.now(), "visibility": "involved"}
    )
    from django.urls import reverse

    return _form_page(
        request,
        form,
        lambda d: services.chronology_add(user=request.user, child=child, **d),
        title="Add to the chronology",
        caption=child.full_name,
        back=reverse("casework:chronology", args=[child.pk]),
        then="casework:chronology",
        pk=child.pk,
    )


@require_capability("casework.view")
def peers(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk, action="peers.view")
    # Peers and places are casework: for the teams working with the child, not for a reader
    # through a share or in an emergency.
    working = may_write(request.user, child.pk)
    return render(
        request,
        "casework/peers.html",
        {
            "child": child,
            "working": working,
            "group": selectors.peer_group(request.user, child) if working else None,
        },
    )


@require_capability("casework.work")
def peer_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    from django.urls import reverse

    child = child_get_for_writing(request.user, pk, doing="link children")
    form = PeerLinkForm(posted(request))

    def save(data: dict[str, Any]) -> Any:

        peer = children_visible(request.user).filter(pk=data["peer"]).first()
        if peer is None:
            raise ValidationError({"peer": ["No child with that number that you can see."]})
        return services.peer_link_add(
            user=request.user, child=child, peer=peer, nature=data["nature"]
        )

    return _form_page(
        request,
        form,
        save,
        title="Link another child",
        caption=child.full_name,
        back=reverse("casework:peers", args=[child.pk]),
        then="casework:peers",
        pk=child.pk,
    )


@require_capability("casework.work")
def place_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    from django.urls import reverse

    child = child_get_for_writing(request.user, pk, doing="link places of concern")
    form = PlaceLinkForm(posted(request))
    return _form_page(
        request,
        form,
        lambda d: services.place_link_add(user=request.user, child=child, **d),
        title="Add a place of concern",
        caption=child.full_name,
        back=reverse("casework:peers", args=[child.pk]),
        then="casework:peers",
        pk=child.pk,
    )
