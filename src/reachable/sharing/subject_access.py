"""Subject access: everything held about a child, as a ZIP (PDF to read, JSON and CSV to check),
with markers where a reviewer must decide whether to redact a third party before release."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from reachable.accounts.models import User
from reachable.audit.services import audit_record
from reachable.children.models import Child
from reachable.children.selectors import merged_target
from reachable.lib.exports import csv_safe
from reachable.sharing.models import SubjectAccessRequest
from reachable.sharing.record_tree import record_tree, row_values
from reachable.sharing.selectors import access_log_of

THIRD_PARTY_FIELDS: dict[tuple[str, str], str] = {
    ("children.carer", "name"): "Third party: a parent or carer",
    ("children.carer", "contact"): "Third party: a parent's or carer's contact details",
}
STAFF_REASON = "Staff member named: usually released; check for any risk to them"
FREE_TEXT_REASON = "Free text: check for other people named in it"
OTHER_CHILD_REASON = "Third party: another child"


def _markers(obj: models.Model, child_ids: set[int]) -> list[dict[str, str]]:
    label = obj._meta.label_lower
    found: list[dict[str, str]] = []
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if value in (None, "", [], {}):
            continue
        reason = THIRD_PARTY_FIELDS.get((label, f.name))
        if reason is None and f.is_relation and f.related_model is Child and value not in child_ids:
            reason = OTHER_CHILD_REASON
        elif reason is None and f.is_relation and f.related_model is User:
            reason = STAFF_REASON
        elif reason is None and isinstance(f, models.TextField):
            reason = FREE_TEXT_REASON
        if reason:
            found.append({"field": f.name, "reason": reason})
    return found


def sar_record(
    *, user: Any, child_pk: int, requester: str, received_on: dt.date
) -> SubjectAccessRequest:
    """Record a request. A merged record resolves to the record it was merged into."""
    errors: dict[str, list[str]] = {}
    child = Child.objects.filter(pk=child_pk).first()
    if child is None:
        errors["record"] = ["No child's record has that number. Check it and try again."]
    if not requester.strip():
        errors["requester"] = ["Say who made the request (the child, or who on their behalf)."]
    if received_on > timezone.localdate():
        errors["received_on"] = ["The date received cannot be in the future."]
    if errors:
        raise ValidationError(errors)
    assert child is not None
    child = Child.objects.get(pk=merged_target(child.pk))
    sar = SubjectAccessRequest.objects.create(
        child=child,
        requested_child_id=child_pk,
        requester=requester.strip(),
        received_on=received_on,
        recorded_by=user,
        recorded_at=timezone.now(),
    )
    audit_record(user=user, action="sar.record", obj=sar, child_id=child.pk)
    return sar


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: csv_safe(
                    json.dumps(v, cls=DjangoJSONEncoder) if isinstance(v, dict | list) else v
                )
                for k, v in row.items()
            }
        )
    return out.getvalue()


def sar_export(*, user: Any, sar: SubjectAccessRequest) -> bytes:
    """Build (and keep on the request) the ZIP of everything held about the child."""
    if sar.child_id is None:
        raise ValidationError(
            "The record was deleted under the retention schedule; nothing is held to export."
        )
    child = Child.objects.get(pk=sar.child_id)
    tree = record_tree(child)
    child_ids = set(tree[Child])
    sections: dict[str, list[dict[str, Any]]] = {}
    markers: list[dict[str, Any]] = []
    for model in sorted(tree, key=lambda m: m._meta.label_lower):
        if model is SubjectAccessRequest:
            continue
        label = model._meta.label_lower
        rows = []
        for pk in sorted(tree[model], key=str):
            obj = tree[model][pk]
            row = row_values(obj)
            row_markers = _markers(obj, child_ids)
            if row_markers:
                row["_review"] = row_markers
                markers += [{"section": label, "row": pk, **m} for m in row_markers]
            rows.append(row)
        sections[label] = rows
    access = [
        {
            "when": e.at,
            "who": e.username or "system",
            "action": e.action,
            "reason": e.reason,
            "object": f"{e.object_type} {e.object_id}".strip(),
        }
        for e in access_log_of(child_ids)
    ]
    merged = sorted(pk for pk in child_ids if pk != child.pk)
    manifest = {
        "request": sar.pk,
        "requested_record": sar.requested_child_id,
        "record": child.pk,
        "records_merged_into_it": merged,
        "generated_at": timezone.now(),
        "generated_by": user.get_username(),
        "sections": {k: len(v) for k, v in sections.items()},
        "access_log_entries": len(access),
        "review_markers": len(markers),
        "note": (
            "Review every marker before release: redact third parties where the law requires; "
            "staff names are usually released."
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: Any) -> None:
            archive.writestr(name, json.dumps(data, cls=DjangoJSONEncoder, indent=2))

        put("manifest.json", manifest)
        put("record.json", {"sections": sections, "access_log": access})
        put("review_markers.json", markers)
        for label, rows in sections.items():
            archive.writestr(f"csv/{label}.csv", _csv(rows))
        archive.writestr("csv/access_log.csv", _csv(access))
        archive.writestr("csv/review_markers.csv", _csv(markers))
        archive.writestr("summary.pdf", _pdf(child, manifest, sections, access, markers))
    data = buffer.getvalue()
    with transaction.atomic():
        sar.export, sar.exported_at = data, timezone.now()
        sar.save(update_fields=["export", "exported_at"])
        audit_record(
            user=user,
            action="sar.export",
            obj=sar,
            child_id=child.pk,
            detail={"sections": manifest["sections"], "markers": len(markers)},
        )
    return data


def _pdf(
    child: Child,
    manifest: dict[str, Any],
    sections: dict[str, list[dict[str, Any]]],
    access: list[dict[str, Any]],
    markers: list[dict[str, Any]],
) -> bytes:
    from weasyprint import HTML

    flagged = {(m["section"], m["row"], m["field"]) for m in markers}
    readable = {
        label: [
            [
                (
                    k,
                    v.get("label", v) if isinstance(v, dict) else v,
                    (label, row["id"], k) in flagged,
                )
                for k, v in row.items()
                if k != "_review"
            ]
            for row in rows
        ]
        for label, rows in sections.items()
    }
    html = render_to_string(
        "sharing/sar_summary.html",
        {
            "child": child,
            "manifest": manifest,
            "sections": readable,
            "access": access,
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
