"""Page forms for information governance. They only shape input; the rules are in services."""

from __future__ import annotations

from typing import Any

from django import forms

from reachable.core.models import Agency
from reachable.core.selectors import codes_for
from reachable.lib.forms import GovukDateField, radios, text_area
from reachable.sharing.models import Dispute, Share


def _record_number() -> forms.IntegerField:
    return forms.IntegerField(
        label="Child's record number",
        help_text="The number shown as 'Child's record' at the top of the record.",
        min_value=1,
        error_messages={
            "required": "Enter the child's record number.",
            "invalid": "Enter the record number in figures, for example 1042.",
            "min_value": "Enter the record number in figures, for example 1042.",
        },
    )


class ShareForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label="Share with",
        queryset=Agency.objects.order_by("name"),
        error_messages={"required": "Choose the agency to share with."},
    )
    purpose = forms.ModelChoiceField(
        label="Why",
        queryset=codes_for("share-purpose"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the purpose of the share."},
    )
    categories = forms.ModelMultipleChoiceField(
        label="What you are sharing",
        help_text="Only what they need. Identity is always part of a share.",
        queryset=codes_for("data-category"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose what you are sharing."},
    )
    reason = text_area("What they need to know and why", "Say why you are sharing.")
    consent = radios(
        "Did the child (or a parent or carer) agree?",
        Share.Consent.choices,
        "Say whether the child agreed.",
    )
    consent_override_reason = text_area(
        "If not, why the share goes ahead anyway", rows=3, required=None
    )
    child_views = text_area("What the child said about it (optional)", rows=3)
    expires_on = GovukDateField(label="Stop sharing on (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("purpose", "categories"):
            self.fields[name].label_from_instance = lambda c: c.label  # type: ignore[attr-defined]


class ChildFinderForm(forms.Form):
    """Find a record by the child's name and date of birth (what a practitioner knows in an
    emergency), or by its record number when they have it."""

    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    record = forms.IntegerField(
        label="Or the child's record number, if you have it",
        min_value=1,
        required=False,
        error_messages={
            "invalid": "Enter the record number in figures, for example 1042.",
            "min_value": "Enter the record number in figures, for example 1042.",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or data.get("record"):
            return data
        missing = {
            "given_name": "Enter the child's given name, or their record number.",
            "family_name": "Enter the child's family name, or their record number.",
            "date_of_birth": "Enter the child's date of birth, or their record number.",
        }
        for name, message in missing.items():
            if not data.get(name):
                self.add_error(name, message)
        return data


class BreakGlassForm(ChildFinderForm):
    reason = text_area(
        "Why you need this record now",
        "Say why you need this record now.",
        help_text="Your manager and the data protection lead are told, with this reason.",
    )
    understood = forms.BooleanField(
        label="I understand this access is recorded and reported",
        error_messages={"required": "Confirm that you understand this access is reported."},
    )


class RecordNumberForm(ChildFinderForm):
    pass


class ReasonForm(forms.Form):
    reason = text_area("Reason", "Give the reason.")


class DisputeForm(forms.Form):
    what = forms.CharField(
        label="Which part of the record",
        max_length=200,
        error_messages={"required": "Say which part of the record is disputed."},
    )
    on_behalf_of = forms.CharField(
        label="Who disputes it",
        help_text="For example: the child, their mother.",
        max_length=100,
        error_messages={"required": "Say who disputes it."},
    )
    details = text_area("What they say is wrong, and what it should say", "Describe the dispute.")


class DisputeResolveForm(forms.Form):
    dispute = forms.ModelChoiceField(
        label="Dispute",
        queryset=Dispute.objects.none(),
        error_messages={"required": "Choose the dispute."},
    )
    status = radios(
        "Outcome",
        [c for c in Dispute.Status.choices if c[0] != Dispute.Status.OPEN],
        "Say whether the record was corrected.",
    )
    outcome = text_area("What was done and why", "Say what was done.")

    def __init__(self, *args: Any, child_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dispute"]
        field.queryset = Dispute.objects.filter(  # type: ignore[attr-defined]
            child_id=child_id, status=Dispute.Status.OPEN
        )


class RetentionDecisionForm(forms.Form):
    decision = radios(
        "Decision",
        [("approve", "Approve: carry out every item marked due"), ("reject", "Reject")],
        "Choose approve or reject.",
    )
    note = text_area("Note (required to reject)", rows=3)


class SubjectAccessForm(forms.Form):
    record = _record_number()
    requester = forms.CharField(
        label="Who made the request",
        help_text="The child, or who on their behalf (for example: their solicitor).",
        max_length=200,
        error_messages={"required": "Say who made the request."},
    )
    received_on = GovukDateField(
        label="Date received", error_messages={"required": "Enter the date it was received."}
    )
