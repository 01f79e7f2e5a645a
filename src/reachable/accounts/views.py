from __future__ import annotations

import segno
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reachable.accounts import selectors, services
from reachable.accounts.decorators import public, require_capability
from reachable.accounts.forms import EndMembershipForm, MembershipForm, SignInForm, TokenForm
from reachable.accounts.permissions import needs_two_factor
from reachable.accounts.services import totp_device_for, two_factor_verify
from reachable.audit.services import audit_record
from reachable.lib.views import posted, save_form


@method_decorator(public, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        audit_record(user=self.request.user, action="signin")
        if needs_two_factor(self.request.user):
            return redirect(f"/accounts/two-factor/?next={self.get_success_url()}")
        return response


sign_in = SignInView.as_view()


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(user=request.user, action="signout")
    auth.logout(request)
    return redirect("accounts:login")


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "/")
    return (
        target
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        else "/"
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    device = totp_device_for(request.user)  # type: ignore[arg-type]
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if two_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_safe_next(request))
        form.add_error(
            "token",
            "The code is not right. Check the time on your phone and enter the newest code.",
        )
    context = {"form": form, "enrolling": not device.confirmed}
    if not device.confirmed:
        context["qr_svg"] = segno.make(device.config_url).svg_inline(
            scale=4, title="QR code for your authenticator app"
        )
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "accounts/two_factor.html", context)


@require_capability("users.manage")
def people(request: HttpRequest) -> HttpResponse:
    """Everyone with an account, with the roles they hold, to find the person to change."""
    found = selectors.people_search(request.GET.get("q", ""))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/people.html", {"page_obj": page, "q": request.GET.get("q", "")}
    )


@require_capability("users.manage")
def person_roles(request: HttpRequest, pk: int) -> HttpResponse:
    who = selectors.person_get(pk)
    form = MembershipForm(posted(request))
    done = save_form(
        request,
        form,
        lambda d: services.membership_add(user=who, by=request.user, **d),
        success="Role given.",
        then="accounts:person",
        pk=who.pk,
    )
    if done:
        return done
    return render(
        request,
        "accounts/person.html",
        {"who": who, "memberships": selectors.memberships_of(who), "form": form},
    )


@require_capability("users.manage")
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(pk)
    form = EndMembershipForm(posted(request))
    done = save_form(
        request,
        form,
        lambda d: services.membership_end(membership=membership, by=request.user, **d),
        success="Role ended: the person no longer sees anything through it.",
        then="accounts:person",
        pk=membership.user_id,
    )
    if done:
        return done
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"End the role {membership.get_role_display()} of {membership.user.display_name}",
            "back": f"/accounts/people/{membership.user_id}/",
            "submit": "End the role",
        },
    )
