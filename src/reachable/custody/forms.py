from __future__ import annotations

from typing import Any

from django import forms

from reachable.children.forms import CodeChoiceField
from reachable.core.models import Agency, Area, Code, Place, Team
from reachable.core.selectors import codes_for, local_authorities
from reachable.custody.models import CommunityOffer, Feedback
from reachable.lib.forms import (
    GovukDateField,
    GovukDateTimeField,
    NowShortcut,
    choose_only_option,
    pick_one,
    text_area,
)


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class DetentionForm(forms.Form):
    """A detention, with the child's details as custody has them (the child is found or added)."""

    given_name = forms.CharField(
        label="Child's first name",
        max_length=100,
        error_messages=_required("Enter the child's first name."),
    )
    family_name = forms.CharField(
        label="Child's last name",
        max_length=100,
        error_messages=_required("Enter the child's last name."),
    )
    date_of_birth = GovukDateField(
        label="Date of birth", error_messages=_required("Enter the child's date of birth.")
    )
    sex = CodeChoiceField(
        label="Sex",
        queryset=Code.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=_required("Select the child's sex, or 'Not known'."),
    )
    home_la = forms.ModelChoiceField(
        label="Home local authority",
        queryset=Area.objects.none(),
        required=False,
        empty_label="Not known",
    )
    police_id = forms.CharField(
        label="Police national identifier (optional)",
        help_text="For example 09/123456A",
        max_length=40,
        required=False,
    )
    suite = forms.ModelChoiceField(
        label="Custody suite",
        queryset=Place.objects.none(),
        **pick_one("Choose the custody suite."),
    )
    arrested_at = GovukDateTimeField(
        label="Arrested at", error_messages=_required("Enter when the child was arrested.")
    )
    arrived_at = GovukDateTimeField(
        label="Arrived at the suite",
        error_messages=_required("Enter when the child arrived at the suite."),
    )
    offence = CodeChoiceField(
        label="Offence category",
        queryset=Code.objects.none(),
        **pick_one("Choose the offence category."),
    )
    arresting_force = forms.ModelChoiceField(
        label="Arresting force",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Not known",
    )
    appropriate_adult = forms.BooleanField(label="An Appropriate Adult attended", required=False)
    carer_informed = forms.BooleanField(label="A parent or carer has been informed", required=False)
    comfort_box = forms.BooleanField(label="Comfort box given", required=False)
    age_override_reason = forms.CharField(
        label="Reason, if the child was not aged 10 to 17 at arrest (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    not_a_duplicate = forms.BooleanField(
        label="I have checked: this is a different child from the possible matches above",
        required=False,
    )

    def __init__(
        self, *args: Any, suites: Any, ask_not_duplicate: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sex"].queryset = codes_for("sex")  # type: ignore[attr-defined]
        self.fields["home_la"].queryset = local_authorities()  # type: ignore[attr-defined]
        self.fields["suite"].queryset = suites  # type: ignore[attr-defined]
        choose_only_option(self, "suite")
        self.fields["offence"].queryset = codes_for("offence-category")  # type: ignore[attr-defined]
        self.fields["arresting_force"].queryset = Agency.objects.filter(agency_type__code="police")  # type: ignore[attr-defined]
        if not ask_not_duplicate:
            del self.fields["not_a_duplicate"]


class ReleaseForm(NowShortcut):
    """Nothing is filled in for the practitioner: a release "now" is a button they press.

    A pre-filled time let an unchanged form release the child at whatever moment it was opened.
    """

    now_field = "released_at"
    now_missing = (
        "Enter when the child was released, or choose “Released now” if it is happening now."
    )
    released_at = GovukDateTimeField(
        label="When was the child released?",
        help_text="For example, 27 3 2026 and 14:35. If it is happening now, use “Released now”.",
        required=False,
    )


class ReleaseCorrectionForm(ReleaseForm):
    reason = text_area(
        "Why does the release time need correcting?",
        required="Say why the release time was wrong, for example “typed 14:00 for 04:00”.",
        rows=3,
    )


class EngagementForm(NowShortcut):
    now_field = "attempted_at"
    now_missing = "Enter when you went to see the child, or choose “Seen just now”."
    attempted_at = GovukDateTimeField(
        label="When did you go to see the child?",
        help_text="For example, 27 3 2026 and 14:35. If it was just now, use “Seen just now”.",
        required=False,
    )
    engaged = forms.TypedChoiceField(
        label="Did the child want to talk?",
        choices=[("yes", "Yes"), ("no", "Not this time")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages=_required("Say whether the child wanted to talk."),
    )
    reason_not_engaged = CodeChoiceField(
        label="If not, why not?",
        queryset=Code.objects.none(),
        required=False,
        empty_label="Not applicable",
    )
    topics = forms.ModelMultipleChoiceField(
        label="What did you talk about? (optional)",
        queryset=Code.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    discussed = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    childs_words = forms.CharField(
        label="The child's own words (optional)",
        help_text="Only if the child wants them written down.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason_not_engaged"].queryset = codes_for("engagement-not-reason")  # type: ignore[attr-defined]
        self.fields["topics"].queryset = codes_for("engagement-topic")  # type: ignore[attr-defined]
        self.fields["topics"].label_from_instance = lambda c: c.label  # type: ignore[attr-defined]


class ShareForm(forms.Form):
    to_team = forms.ModelChoiceField(
        label="Share with",
        queryset=Team.objects.select_related("agency").order_by("name"),
        **pick_one("Choose who to share the concern with."),
    )
    method = CodeChoiceField(
        label="How",
        queryset=Code.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=_required("Say how the concern was shared."),
    )
    summary = forms.CharField(
        label="What is the concern?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_required("Write what the concern is."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = codes_for("share-method")  # type: ignore[attr-defined]


class OfferForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label="Did the child accept support in the community?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages=_required("Say whether the child accepted."),
    )


class FeedbackForm(forms.Form):
    source = forms.ChoiceField(
        label="Who gave the feedback?", choices=Feedback.Source.choices, widget=forms.RadioSelect
    )
    rating = forms.TypedChoiceField(
        label="Rating",
        choices=[(str(i), f"{i} of 5") for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="What they said (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    suite = forms.ModelChoiceField(
        label="Custody suite",
        queryset=Place.objects.none(),
        **pick_one("Choose the custody suite."),
    )
    given_on = GovukDateField(label="Date given")

    def __init__(self, *args: Any, suites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suite"].queryset = suites  # type: ignore[attr-defined]
        choose_only_option(self, "suite")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Custody export (CSV, XLSX or ODS)",
        help_text="The columns listed below, one row per detention. Any encoding Excel or the "
        "custody system writes, separated by commas, semicolons or tabs.",
    )


class OfferUpdateForm(forms.Form):
    sessions = forms.IntegerField(label="Sessions attended so far", min_value=0, max_value=500)
    outcome = forms.ChoiceField(
        label="Where things are now",
        choices=CommunityOffer.Outcome.choices,
        widget=forms.RadioSelect,
    )
