from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from reachable.accounts.lockout import account_locked
from reachable.accounts.roles import Role
from reachable.core.models import Agency, Team


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your partnership admin.",
        "account_locked": "This account is locked for now: there have been too many wrong "
        "passwords for it. Try again later, or ask your partnership admin.",
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and account_locked(username):
            raise forms.ValidationError(
                self.error_messages["account_locked"], code="account_locked"
            )
        return super().clean()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code. It changes every 30 seconds.",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": "govuk-input--width-5",
            }
        ),
    )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.order_by("name"))
    team = forms.ModelChoiceField(
        label="Team (if the role is held in a team)",
        queryset=Team.objects.select_related("agency").order_by("agency__name", "name"),
        required=False,
    )


class ApiClientForm(MembershipForm):
    name = forms.CharField(
        label="Name of the partner system",
        max_length=120,
        help_text="For example 'Eastshire Police custody system'.",
        error_messages={"required": "Enter the system's name."},
    )
    field_order = ["name", "role", "agency", "team"]


class TokenIssueForm(forms.Form):
    days = forms.IntegerField(
        label="Valid for (days)",
        initial=90,
        min_value=1,
        max_value=366,
        error_messages={
            "required": "Enter how many days the token is valid for.",
            "min_value": "Choose from 1 to 366 days.",
            "max_value": "Choose from 1 to 366 days.",
            "invalid": "Enter a whole number of days, like 90.",
        },
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Address the system receives events at",
        assume_scheme="https",
        error_messages={
            "required": "Enter the address, starting https://",
            "invalid": "Enter a full web address, starting https://",
        },
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from reachable.notifications.models import Webhook

        super().__init__(*args, **kwargs)
        self.fields["events"].choices = Webhook.EVENTS  # type: ignore[attr-defined]


class EndMembershipForm(forms.Form):
    reason = forms.CharField(label="Why does this role end?", max_length=200)
