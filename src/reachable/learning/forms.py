"""Forms for the learning hub. The proforma's sections carry their guidance as hint text."""

from __future__ import annotations

from typing import Any

from django import forms

from reachable.accounts.models import User
from reachable.accounts.permissions import CAPABILITIES
from reachable.accounts.selectors import people_to_pick
from reachable.core.models import Area, Code
from reachable.learning.attachments import ALLOWED, max_bytes
from reachable.learning.models import EVIDENCE, SECTIONS, THEMES, Audience
from reachable.lib.forms import GovukDateField, pick_one, radios, text_area


def _codes(key: str) -> Any:
    return Code.objects.filter(code_list__key=key, active=True).order_by("order", "code")


class ExampleForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title."})
    workstream = forms.CharField(
        max_length=200,
        help_text="For example 'Custody early intervention'.",
        error_messages={"required": "Enter the workstream."},
    )
    county = forms.ModelChoiceField(
        Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False).order_by("name"),
        required=False,
        empty_label="The whole partnership",
    )
    theme = forms.ModelChoiceField(
        Code.objects.none(), label="Thematic area", **pick_one("Choose the thematic area.")
    )
    audience = radios("Audience", Audience.choices, "Choose who it is written for.")
    tags = forms.CharField(max_length=300, required=False, help_text="Separated by commas.")
    evidence = forms.ModelChoiceField(
        Code.objects.none(), label="Strength of evidence", **pick_one("Choose the evidence level.")
    )
    evaluation_method = forms.CharField(max_length=300, required=False)
    evaluation_link = forms.URLField(
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )
    review_by = GovukDateField(label="Review by", help_text="When the content should be checked.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = _codes(THEMES)  # type: ignore[attr-defined]
        self.fields["evidence"].queryset = _codes(EVIDENCE)  # type: ignore[attr-defined]
        for name, heading, guidance, _ in SECTIONS:
            self.fields[name] = text_area(heading, rows=5, help_text=guidance)


class ReviewRequestForm(forms.Form):
    reviewer = forms.ModelChoiceField(User.objects.none(), **pick_one("Choose a reviewer."))

    def __init__(self, *args: Any, author: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = CAPABILITIES["learning.review"]
        reviewers = people_to_pick(
            User.objects.filter(memberships__role__in=roles, memberships__active=True)
        ).exclude(pk=author.pk)
        self.fields["reviewer"].queryset = reviewers  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    decision = radios(
        "Decision",
        [("publish", "Publish it"), ("changes", "Send it back for changes")],
        "Choose whether to publish it or send it back.",
    )
    child_first = forms.BooleanField(
        label="Child First check: it uses child-first language and describes a child-first approach",
        required=False,
    )
    comment = text_area("Comments for the author", rows=4)


class WithdrawForm(forms.Form):
    reason = text_area("Why it is withdrawn", "Say why it is withdrawn.", rows=3)


class FeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        label="Was this useful?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it was useful."},
    )
    comment = forms.CharField(
        label="Anything to add (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Do not write anything that could identify a child or family.",
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="What a reader will see, for example 'Workshop slides'.",
        error_messages={"required": "Enter a title for the attachment."},
    )
    file = forms.FileField(
        required=False,
        help_text=f"{ALLOWED}.",
    )
    link = forms.URLField(
        label="Or a link (for a video, or a page elsewhere)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )

    def clean_link(self) -> str:
        link: str = self.cleaned_data["link"]
        if link and not link.startswith("https://"):
            raise forms.ValidationError("Give a secure link, starting https://")
        return link

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Refused before it is read, so a huge file never sits in memory.
        if upload and upload.size > max_bytes():
            limit = max_bytes() // (1024 * 1024)
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB: the limit is {limit} MB. "
                "Make it smaller or link to it instead."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and bool(data.get("file")) == bool(data.get("link")):
            raise forms.ValidationError(
                {"file": "Choose a file, or give a link instead: one of the two."}
            )
        return data
