from __future__ import annotations

from django import forms


class AuditSearchForm(forms.Form):
    username = forms.CharField(label="Username (optional)", max_length=150, required=False)
    action = forms.CharField(
        label="Action starts with (optional)",
        help_text="For example child.view or signin",
        max_length=64,
        required=False,
    )
    child_id = forms.IntegerField(
        label="Child's record number (optional)", min_value=1, required=False
    )
    date_from = forms.DateField(
        label="From (optional)", help_text="For example 2026-11-01", required=False
    )
    date_to = forms.DateField(
        label="To (optional)", help_text="For example 2026-11-30", required=False
    )
    only_flagged = forms.BooleanField(label="Only refused access and break-glass", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data
