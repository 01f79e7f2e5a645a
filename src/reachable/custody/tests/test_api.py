"""A police custody system records custody work through the API with the page's rules: the same
refusals (and nothing left behind by one), release and its correction, visits, concerns shared,
and an import followed as a job."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from reachable.audit.models import AuditEvent
from reachable.children.models import Child
from reachable.custody.models import ConcernShare, Detention, DetentionImport, ReleaseCorrection
from reachable.testing import make_child, make_detention, system_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def custody_system() -> Client:
    return system_client(
        "custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", name="Custody system"
    )


def _post(client: Client, path: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def _detention(**overrides: Any) -> dict[str, Any]:
    arrested = timezone.now() - dt.timedelta(hours=2)
    body = {
        "given_name": "Apirio",
        "family_name": "Custodyson",
        "date_of_birth": (timezone.localdate() - dt.timedelta(days=15 * 365 + 40)).isoformat(),
        "sex": "M",
        "home_la": "lambeth",
        "suite": "wymondham-pic",
        "arrested_at": arrested.isoformat(),
        "arrived_at": (arrested + dt.timedelta(minutes=30)).isoformat(),
        "offence": "pwits-a",
    }
    body.update(overrides)
    return body


def test_a_custody_system_records_a_detention_and_reads_it_back(custody_system) -> None:
    made = _post(custody_system, "/api/detentions/", _detention())
    assert made.status_code == 201, made.content
    answer = made.json()
    assert answer["suite"] == "wymondham-pic"
    assert answer["out_of_county"] is True  # a Lambeth child detained in Norfolk
    assert made["Location"] == f"/api/detentions/{answer['id']}/"
    again = custody_system.get(made["Location"])
    assert again.status_code == 200
    assert again.json()["child"] == answer["child"]
    board = custody_system.get("/api/detentions/").json()
    assert [d["id"] for d in board] == [answer["id"]]
    listed = AuditEvent.objects.filter(action="list.view").latest("pk")
    assert listed.detail == {"list": "api custody board", "children": [answer["child"]]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"date_of_birth": (timezone.localdate() - dt.timedelta(days=9 * 365)).isoformat()},
            "age_override_reason",
        ),
        ({"arrived_at": (timezone.now() - dt.timedelta(hours=5)).isoformat()}, "arrived_at"),
        ({"suite": "aylsham-pic"}, "suite"),
        ({"sex": "not-a-code"}, "sex"),
    ],
)
def test_a_refused_detention_names_the_field_and_leaves_no_record(
    custody_system, overrides, field
) -> None:
    refused = _post(custody_system, "/api/detentions/", _detention(**overrides))
    assert refused.status_code == 400
    assert field in refused.json(), refused.json()
    assert not Child.objects.filter(family_name="Custodyson").exists()
    assert Detention.objects.count() == 0


def test_a_similar_name_must_be_confirmed_before_a_new_record_is_added(custody_system) -> None:
    make_child(
        given_name="Apiria",
        family_name="Custodyson",
        date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365 + 40),
    )
    asked = _post(custody_system, "/api/detentions/", _detention())
    assert asked.status_code == 400
    assert "not_a_duplicate" in asked.json()
    confirmed = _post(custody_system, "/api/detentions/", _detention(not_a_duplicate=True))
    assert confirmed.status_code == 201
    assert Child.objects.filter(family_name="Custodyson").count() == 2


def test_release_visit_and_concern_go_through_the_same_rules(custody_system) -> None:
    made = _post(custody_system, "/api/detentions/", _detention()).json()
    base = f"/api/detentions/{made['id']}"
    no_time = _post(custody_system, f"{base}/release/", {})
    assert no_time.status_code == 400
    assert "released_at" in no_time.json()
    released = _post(
        custody_system, f"{base}/release/", {"released_at": timezone.now().isoformat()}
    )
    assert released.status_code == 200
    assert released.json()["released_at"]
    correction = _post(
        custody_system, f"{base}/release/", {"released_at": timezone.now().isoformat()}
    )
    assert correction.status_code == 400
    assert "reason" in correction.json()
    corrected = _post(
        custody_system,
        f"{base}/release/",
        {"released_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(), "reason": "typo"},
    )
    assert corrected.status_code == 200
    assert ReleaseCorrection.objects.filter(detention_id=made["id"]).count() == 1

    seen = _post(
        custody_system,
        f"{base}/visits/",
        {"attempted_at": (timezone.now() - dt.timedelta(minutes=60)).isoformat(), "engaged": True},
    )
    assert seen.status_code == 201, seen.content
    assert custody_system.get(f"{base}/").json()["was_engaged"] is True
    not_why = _post(
        custody_system,
        f"{base}/visits/",
        {"attempted_at": (timezone.now() - dt.timedelta(minutes=50)).isoformat(), "engaged": False},
    )
    assert not_why.status_code == 400
    assert "reason_not_engaged" in not_why.json()

    empty = _post(
        custody_system,
        f"{base}/concerns/",
        {"to_team": "norfolk-mash", "method": "phone", "summary": " "},
    )
    assert empty.status_code == 400
    assert "summary" in empty.json()
    assert ConcernShare.objects.count() == 0


def test_another_suites_system_cannot_see_or_change_the_detention(custody_system) -> None:
    child = make_child()
    theirs = make_detention(child, suite="wymondham-pic", custody_team_works=True)
    # A custody system of another county's agency, whose team works at no Norfolk suite.
    elsewhere = system_client("custody_practitioner", "cambs-yss", None, name="Other system")
    assert elsewhere.get(f"/api/detentions/{theirs.pk}/").status_code == 404
    refused = _post(
        elsewhere,
        f"/api/detentions/{theirs.pk}/release/",
        {"released_at": timezone.now().isoformat()},
    )
    assert refused.status_code == 404
    assert Detention.objects.get(pk=theirs.pk).released_at is None
    assert elsewhere.get("/api/detentions/").json() == []


def test_a_custody_import_is_a_job_the_system_follows(custody_system, settings, tmp_path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.REACHABLE_UPLOAD_DIR = str(tmp_path)
    refused = custody_system.post(
        "/api/custody-imports/",
        {"file": SimpleUploadedFile("detentions.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert refused.status_code == 400
    assert "file" in refused.json()
    assert DetentionImport.objects.count() == 0
    queued = custody_system.post(
        "/api/custody-imports/",
        {"file": SimpleUploadedFile("detentions.csv", b"given_name\nOnly\n", "text/csv")},
    )
    assert queued.status_code == 202, queued.content
    job = custody_system.get(queued["Location"]).json()
    # The test settings run tasks at once: the one-column file is already refused, with problems.
    assert job["status"] == "rejected"
    assert job["problems"]
    assert all({"row", "column", "message"} <= set(p) for p in job["problems"])
    other = system_client("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", name="B")
    assert other.get(queued["Location"]).status_code == 404


def test_an_export_with_a_title_above_its_columns_is_refused_saying_so(
    custody_system, settings, tmp_path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.REACHABLE_UPLOAD_DIR = str(tmp_path)
    titled = (
        b"Custody export, Wymondham\n\ncustody_reference,suite,arrested_at\nX1,wymondham-pic,\n"
    )
    queued = custody_system.post(
        "/api/custody-imports/", {"file": SimpleUploadedFile("export.csv", titled, "text/csv")}
    )
    job = custody_system.get(queued["Location"]).json()
    assert job["status"] == "rejected"
    [problem] = job["problems"]
    assert "start on line 3" in problem["message"]
    assert Detention.objects.count() == 0


def test_an_old_arrest_of_a_known_child_tells_the_system_nothing_about_the_record(
    custody_system, settings
) -> None:
    known = make_child(
        given_name="Oldarrest",
        family_name="Knownson",
        date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365),
    )
    arrested = timezone.now() - dt.timedelta(hours=settings.REACHABLE_CUSTODY_GRANT_HOURS + 5)
    made = _post(
        custody_system,
        "/api/detentions/",
        _detention(
            given_name="Oldarrest",
            family_name="Knownson",
            date_of_birth=known.date_of_birth.isoformat(),
            arrested_at=arrested.isoformat(),
            arrived_at=(arrested + dt.timedelta(minutes=30)).isoformat(),
        ),
    )
    assert made.status_code == 201
    assert made.json()["child"] is None
    assert made.json()["out_of_county"] is None
    assert custody_system.get(made["Location"]).status_code == 404


def test_a_system_at_no_suite_of_its_own_learns_nothing_of_similar_names() -> None:
    make_child(
        given_name="Probea",
        family_name="Namesake",
        date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365),
    )
    nowhere = system_client("custody_practitioner", "cambs-yss", None, name="No suite system")
    refused = _post(
        nowhere,
        "/api/detentions/",
        _detention(
            given_name="Probeb",
            family_name="Namesake",
            date_of_birth=(timezone.localdate() - dt.timedelta(days=15 * 365)).isoformat(),
        ),
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"suite"}
