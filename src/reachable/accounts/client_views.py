"""Partnership admins register partner systems as API clients and issue their tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from reachable.accounts import api_clients
from reachable.accounts.decorators import require_capability
from reachable.accounts.forms import ApiClientForm, TokenIssueForm, WebhookForm
from reachable.accounts.models import ApiClient, ApiToken
from reachable.lib.views import form_page, form_saved, posted
from reachable.notifications import webhooks
from reachable.notifications.models import Delivery


def _hooks(client: ApiClient) -> dict[str, Any]:
    return {
        "webhooks": client.webhooks.all(),
        "deliveries": Delivery.objects.filter(webhook__client=client).select_related("webhook")[
            :50
        ],
    }


@require_capability("users.manage")
def clients(request: HttpRequest) -> HttpResponse:
    found = ApiClient.objects.select_related("agency", "account").order_by("name")
    return render(request, "accounts/api_clients.html", {"clients": found})


@require_capability("users.manage")
def client_new(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        ApiClientForm(posted(request)),
        lambda d: api_clients.client_register(by=request.user, **d),
        title="Register a partner system",
        caption="API clients",
        then="accounts:api_clients",
        back=reverse("accounts:api_clients"),
        success="Partner system registered: issue it a token.",
    )


@require_capability("users.manage")
def client(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ApiClient.objects.select_related("agency", "account"), pk=pk)
    form = TokenIssueForm(posted(request))
    issued: dict[str, str] = {}

    def issue(data: dict[str, int]) -> None:
        _, issued["secret"] = api_clients.token_issue(by=request.user, client=found, **data)

    saved = request.method == "POST" and form_saved(form, issue)
    response = render(
        request,
        "accounts/api_client.html",
        {
            "client": found,
            "form": TokenIssueForm() if saved else form,
            "secret": issued.get("secret", ""),
            "tokens": found.tokens.select_related("issued_by"),
            **_hooks(found),
        },
        status=400 if form.errors else 200,
    )
    if saved:
        # Shown on this response only: the secret is not kept, so it cannot be shown again.
        response["Cache-Control"] = "no-store"
    return response


@require_capability("users.manage")
def webhook_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ApiClient, pk=pk)
    form = WebhookForm(posted(request))
    made: dict[str, str] = {}

    def add(data: dict[str, Any]) -> None:
        _, made["secret"] = webhooks.webhook_add(by=request.user, client=found, **data)

    if request.method == "POST" and form_saved(form, add):
        response = render(
            request, "accounts/webhook_added.html", {"client": found, "secret": made["secret"]}
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Send events to {found.name}",
            "caption": "Webhooks",
            "back": reverse("accounts:api_client", args=[found.pk]),
        },
        status=400 if form.errors else 200,
    )


@require_capability("users.manage")
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    if request.method == "POST":
        try:
            api_clients.token_revoke(by=request.user, token=token)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Token {token.prefix}… revoked: it no longer works.")
    return redirect("accounts:api_client", pk=token.client_id)
