"""Page forms for exploitation casework. They only shape input; the rules are in services."""

from __future__ import annotations

from typing import Any

from django import forms

from reachable.accounts.models import User
from reachable.casework.models import Case, ChronologyEntry, NrmReferral, PanelItem, Referral
from reachable.casework.services import ENTRY_KINDS
from reachable.children.forms import ChildForm, CodeChoiceField
from reachable.core.models import Agency, Place, Team
from reachable.core.selectors import codes_for
from reachable.lib.forms import (
    GovukDateField,
    GovukDateTimeField,
    choose_only_option,
    pick_one,
    radios,
    text_area,
)


def _codes(list_key: str, label: str, **kwargs: Any) -> CodeChoiceField:
    # A lazy queryset: each form gets a fresh copy, so edits to the code list show at once.
    return CodeChoiceField(label=label, queryset=codes_for(list_key), **kwargs)


def _yes_no(label: str, required: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


class ReferralForm(forms.Form):
    to_team = forms.ModelChoiceField(
        label="Refer to", queryset=Team.objects.none(), **pick_one("Choose the team to refer to.")
    )
    concerns = text_area(
        "What are you worried about?",
        "Describe the concerns.",
        rows=8,
        help_text="What you have seen or been told, when, and what has been done so far.",
    )
    urgency = radios("How urgent is it?", Referral.Urgency.choices, "Choose how urgent it is.")
    consent = radios(
        "Did the child or their carer agree to this referral?",
        Referral.Consent.choices,
        "Say whether they agreed.",
    )
    lawful_basis = text_area("If not: the lawful basis, and why the referral goes ahead", rows=3)

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])  # type: ignore[attr-defined]
        choose_only_option(self, "to_team")


class TriageForm(forms.Form):
    decision = radios(
        "Decision",
        [c for c in Referral.Decision.choices if c[0] != Referral.Decision.PENDING],
        "Choose accept, signpost or no further action.",
    )
    reason = text_area("Reasons", "Give the reasons for the decision.")
    signposted_to = forms.CharField(
        label="If signposted: to which service", max_length=200, required=False
    )


class AllocateForm(forms.Form):
    worker = forms.ModelChoiceField(
        label="Allocate to",
        queryset=User.objects.none(),
        **pick_one("Choose who to allocate the case to."),
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]
        self.fields["worker"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class ScreeningForm(forms.Form):
    screened_at = GovukDateTimeField(label="When", error_messages={"required": "Enter when."})
    indicators = forms.ModelMultipleChoiceField(
        label="Indicators seen",
        help_text="Evidence for your judgement. They are not added up into a score.",
        queryset=codes_for("cce-indicator"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = text_area("What you found (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].label_from_instance = lambda c: c.label  # type: ignore[attr-defined]


class RiskForm(forms.Form):
    level = _codes(
        "risk-level",
        "Your judgement of the level of risk",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose a level."},
    )
    reasons = text_area("Reasons", "Give the reasons for this judgement.")


class SafetyPlanForm(forms.Form):
    made_with_child = _yes_no("Was the plan made with the child?", "Say whether it was.")
    trusted_adults = text_area(
        "Adults I trust and how to reach them", "Write the trusted adults.", 3
    )
    safe_places = text_area("Places where I feel safe", "Write the safe places.", 3)
    warning_signs = text_area("Signs that I am not safe", "Write the warning signs.", 3)
    what_to_do = text_area("What I will do, and what others will do", "Write what to do.", 4)
    childs_words = text_area("In the child's own words (optional)", rows=3)
    review_on = GovukDateField(
        label="Review the plan on", error_messages={"required": "Enter a review date."}
    )


class InterventionForm(forms.Form):
    kind = _codes("intervention", "Intervention", **pick_one("Choose the intervention."))
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label="Not in the list",
    )
    provider_name = forms.CharField(
        label="Provider, if not in the list", max_length=200, required=False
    )
    started_on = GovukDateField(
        label="Start date", error_messages={"required": "Enter the start date."}
    )
    sessions_offered = forms.IntegerField(
        label="Sessions offered", min_value=0, max_value=500, initial=0
    )


class InterventionUpdateForm(forms.Form):
    sessions_attended = forms.IntegerField(label="Sessions attended", min_value=0, max_value=500)
    ended_on = GovukDateField(label="End date (when it has ended)", required=False)
    outcome = text_area("Outcome", rows=3)


class NrmForm(forms.Form):
    referred_on = GovukDateField(
        label="Referred on", error_messages={"required": "Enter the date."}
    )
    first_responder = forms.ModelChoiceField(
        label="First responder organisation",
        queryset=Agency.objects.order_by("name"),
        **pick_one("Choose the first responder organisation."),
    )
    reasonable_grounds = radios(
        "Reasonable grounds decision", NrmReferral.Decision.choices, "Choose the decision."
    )
    reasonable_grounds_on = GovukDateField(label="Reasonable grounds decided on", required=False)
    conclusive_grounds = radios(
        "Conclusive grounds decision", NrmReferral.Decision.choices, "Choose the decision."
    )
    conclusive_grounds_on = GovukDateField(label="Conclusive grounds decided on", required=False)


class MissingForm(forms.Form):
    missing_from = GovukDateTimeField(
        label="Missing from", error_messages={"required": "Enter when the child went missing."}
    )
    returned_at = GovukDateTimeField(label="Returned or found at", required=False)
    found_out_of_area = forms.BooleanField(label="Found out of area", required=False)
    interview_offered_at = GovukDateTimeField(
        label="Return home interview offered at", required=False
    )
    interview_done_at = GovukDateTimeField(label="Return home interview done at", required=False)


class ActionForm(forms.Form):
    description = text_area("What will be done", "Say what will be done.", 3)
    owner = forms.ModelChoiceField(
        label="Who will do it", queryset=User.objects.none(), **pick_one("Choose who will do it.")
    )
    due_on = GovukDateField(label="By", error_messages={"required": "Enter the due date."})
    panel_item = forms.ModelChoiceField(
        label="Agreed at a MACE panel (optional)",
        queryset=PanelItem.objects.none(),
        required=False,
        empty_label="Not at a panel",
    )

    def __init__(self, *args: Any, owners: Any, panel_items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["panel_item"].queryset = panel_items  # type: ignore[attr-defined]
        self.fields["panel_item"].label_from_instance = lambda i: str(i.panel)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class TransferForm(forms.Form):
    to_team = forms.ModelChoiceField(
        label="Transfer to",
        queryset=Team.objects.none(),
        **pick_one("Choose the team to transfer to."),
    )
    summary = text_area("Handover summary", "Write a handover summary.", 6)

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])  # type: ignore[attr-defined]
        choose_only_option(self, "to_team")


class ClosureRequestForm(forms.Form):
    outcome = _codes(
        "closure-outcome",
        "Outcome",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the outcome."},
    )
    summary = text_area("How the child is now, and why the case can close", "Write the summary.", 5)
    override_reason = text_area("If actions are still open: why the case can close anyway", rows=2)


class ReasonForm(forms.Form):
    reason = text_area("Reason", "Give the reason.", 3)


class ClosureDecisionForm(ReasonForm):
    approve = _yes_no("Approve the closure?", "Say whether you approve.")


class ChronologyEntryForm(forms.Form):
    occurred_at = GovukDateTimeField(label="When", error_messages={"required": "Enter when."})
    kind = radios("Kind of entry", list(ENTRY_KINDS.items()), "Choose the kind of entry.")
    summary = text_area("What happened", "Write what happened.", 5)
    is_contact = forms.BooleanField(label="This was a contact with the child", required=False)
    visibility = radios(
        "Who may read it", ChronologyEntry.Visibility.choices, "Choose who may read it."
    )


class ChronologyFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Kinds", choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label="Containing", max_length=100, required=False)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = ChronologyEntry.KIND_LABELS
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (k, labels.get(k, k.replace("_", " ").capitalize())) for k in kinds
        ]


class PeerLinkForm(forms.Form):
    peer = forms.IntegerField(
        label="The other child's record number",
        help_text="Find the child first; the number is on their record.",
        min_value=1,
    )
    nature = forms.CharField(label="How they are connected", max_length=200)


class PlaceLinkForm(forms.Form):
    place = forms.ModelChoiceField(
        label="Known place",
        queryset=Place.objects.order_by("name"),
        required=False,
        empty_label="Not in the list",
    )
    location = forms.CharField(label="Or describe the location", max_length=200, required=False)
    nature = forms.CharField(label="Why it is a place of concern", max_length=200)


class PanelForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), **pick_one("Choose the team.")
    )
    held_on = GovukDateField(label="Date", error_messages={"required": "Enter the date."})
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies present",
        queryset=Agency.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = text_area("Notes (optional)", rows=3)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        choose_only_option(self, "team")


class PanelItemForm(forms.Form):
    case = forms.ModelChoiceField(
        label="Case", queryset=Case.objects.none(), **pick_one("Choose the case to add.")
    )
    kind = radios("Why it comes to panel", PanelItem.Kind.choices, "Choose why.")
    decision = text_area("Decision (optional now)", rows=3)

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        choose_only_option(self, "case")
        self.fields["case"].label_from_instance = lambda c: f"{c.child.full_name} (case {c.pk})"  # type: ignore[attr-defined]


class PanelDecisionForm(forms.Form):
    decision = text_area("What the panel decided", "Write the decision.", 4)


class NewChildReferralForm(ChildForm, ReferralForm):
    """The child's details as the referrer knows them, then the referral."""
