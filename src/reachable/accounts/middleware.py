"""Users whose roles need a second factor can do nothing else until they have given it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from reachable.accounts.permissions import needs_two_factor

_EXEMPT_PREFIXES = ("/accounts/", "/static/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and needs_two_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return HttpResponse("Two-factor sign-in is required for this account.", status=403)
            return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)
