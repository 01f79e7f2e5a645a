"""Subject access export: complete against a child with data in every app, merged records
followed, third parties marked for review, and readable (PDF) and checkable (JSON, CSV) parts."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.audit.models import AuditEvent
from reachable.children.models import Child
from reachable.children.selectors import child_get_for_user
from reachable.sharing.models import SubjectAccessRequest
from reachable.sharing.subject_access import sar_export, sar_record
from reachable.testing import signed_in_client

pytestmark = pytest.mark.django_db


def _models_pointing_at_child() -> set[str]:
    """Every model in the project with a foreign key to the child's record."""
    return {
        m._meta.label_lower
        for m in apps.get_models()
        if any(f.is_relation and f.related_model is Child for f in m._meta.concrete_fields)
    } - {"sharing.subjectaccessrequest"}


def _export(dee, child_pk: int) -> tuple[zipfile.ZipFile, SubjectAccessRequest]:
    sar = sar_record(
        user=dee, child_pk=child_pk, requester="The child", received_on=timezone.localdate()
    )
    return zipfile.ZipFile(io.BytesIO(sar_export(user=dee, sar=sar))), sar


def test_the_export_holds_every_table_that_points_at_a_child(everywhere, dee) -> None:
    child_get_for_user(everywhere.worker, everywhere.child.pk)  # a read, for the access log
    archive, _ = _export(dee, everywhere.child.pk)
    record = json.loads(archive.read("record.json"))
    sections = record["sections"]

    missing = _models_pointing_at_child() - set(sections)
    assert not missing, f"the export leaves out {sorted(missing)}"
    for label in _models_pointing_at_child():
        assert sections[label], f"{label} is in the export but empty"
    # Rows hanging off those (visits, concerns, case parts) are there too.
    for label in ("custody.engagement", "custody.concernshare", "casework.safetyplan"):
        assert sections[label]
    assert {r["id"] for r in sections["children.child"]} == {
        everywhere.child.pk,
        everywhere.duplicate.pk,
    }
    assert any(
        e["action"] == "child.view" and e["who"] == everywhere.worker.username
        for e in record["access_log"]
    )
    names = set(archive.namelist())
    assert {"manifest.json", "summary.pdf", "csv/access_log.csv", "csv/children.carer.csv"} <= names
    assert archive.read("summary.pdf").startswith(b"%PDF")


def test_third_parties_are_marked_for_review(everywhere, dee) -> None:
    archive, _ = _export(dee, everywhere.child.pk)
    markers = json.loads(archive.read("review_markers.json"))
    reasons = {(m["section"], m["field"]): m["reason"] for m in markers}
    assert reasons[("children.carer", "name")].startswith("Third party")
    # The link where Jay is someone else's peer names the other child.
    assert reasons[("casework.peerlink", "child")] == "Third party: another child"
    assert reasons[("casework.peerlink", "peer")] == "Third party: another child"
    assert "Staff member" in reasons[("casework.chronologyentry", "author")]
    assert "Free text" in reasons[("casework.referral", "concerns")]
    csv_text = archive.read("csv/review_markers.csv").decode()
    assert "Third party: a parent or carer" in csv_text


def test_a_request_for_a_merged_record_exports_the_record_it_was_merged_into(
    everywhere, dee
) -> None:
    archive, sar = _export(dee, everywhere.duplicate.pk)
    manifest = json.loads(archive.read("manifest.json"))
    assert sar.child_id == everywhere.child.pk
    assert manifest["requested_record"] == everywhere.duplicate.pk
    assert manifest["record"] == everywhere.child.pk
    assert manifest["records_merged_into_it"] == [everywhere.duplicate.pk]


def test_bad_requests_are_refused_clearly(dee) -> None:
    with pytest.raises(ValidationError) as refused:
        sar_record(
            user=dee,
            child_pk=987_654,
            requester="",
            received_on=timezone.localdate() + dt.timedelta(days=2),
        )
    assert set(refused.value.message_dict) == {"record", "requester", "received_on"}
    assert not SubjectAccessRequest.objects.exists()


def test_the_page_records_exports_and_downloads_with_an_audit_trail(everywhere, dee) -> None:
    client = signed_in_client(dee)
    today = timezone.localdate()
    response = client.post(
        "/sharing/governance/subject-access/",
        {
            "record": everywhere.child.pk,
            "requester": "The child's solicitor",
            "received_on_0": today.day,
            "received_on_1": today.month,
            "received_on_2": today.year,
        },
    )
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get(requester="The child's solicitor")
    download = client.get(f"/sharing/governance/subject-access/{sar.pk}/download/")
    assert download["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(download.content)).testzip() is None
    actions = set(
        AuditEvent.objects.filter(child_id=everywhere.child.pk).values_list("action", flat=True)
    )
    assert {"sar.record", "sar.export", "sar.download"} <= actions
