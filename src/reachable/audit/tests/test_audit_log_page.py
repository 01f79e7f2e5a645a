from __future__ import annotations

import pytest

from reachable.audit.services import audit_record
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db


def test_admin_filters_the_log_by_child(norfolk_worker) -> None:
    admin = person("partnership_admin", "partnership-team", username="admin.one")
    audit_record(user=norfolk_worker, action="child.view", child_id=41)
    audit_record(user=norfolk_worker, action="child.view", child_id=42)
    response = signed_in_client(admin).get("/audit/", {"child_id": 42})
    assert response.status_code == 200
    events = list(response.context["page_obj"])
    assert [e.child_id for e in events] == [42]


def test_it_shows_refused_access_only_when_asked(norfolk_worker) -> None:
    admin = person("partnership_admin", "partnership-team", username="admin.two")
    audit_record(user=norfolk_worker, action="child.view.denied", child_id=7)
    audit_record(user=norfolk_worker, action="child.view", child_id=8)
    response = signed_in_client(admin).get("/audit/", {"only_flagged": "on"})
    assert {e.action for e in response.context["page_obj"]} == {"child.view.denied"}


def test_it_rejects_an_end_date_before_the_start(norfolk_worker) -> None:
    admin = person("partnership_admin", "partnership-team", username="admin.three")
    response = signed_in_client(admin).get(
        "/audit/", {"date_from": "2026-11-02", "date_to": "2026-11-01"}
    )
    assert "The end date must be the same as or after the start date." in page(response)
    assert response.context["page_obj"].paginator.count == 0
