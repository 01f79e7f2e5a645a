"""Events through the API: the sessions coming up, never a joining link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reachable.events.tests.helpers import a_session
from reachable.testing import system_client

pytestmark = pytest.mark.django_db


def test_sessions_coming_up_are_listed_without_their_joining_link() -> None:
    coming = a_session(capacity=10)
    past = a_session(capacity=10)
    past.starts_at = timezone.now() - dt.timedelta(days=2)
    past.ends_at = past.starts_at + dt.timedelta(hours=1)
    past.save()
    system = system_client("partner_user", "norfolk-education", None, name="School tool")
    answer = system.get("/api/event-sessions/")
    assert [s["id"] for s in answer.json()] == [coming.pk]
    assert answer.json()[0]["online"] is True
    assert coming.online_link not in answer.content.decode()
    assert system.get(f"/api/event-sessions/{past.pk}/").status_code == 404
