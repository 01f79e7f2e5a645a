"""The learning hub through the API: published examples only, found as the hub finds them; a
draft is neither listed nor told to exist."""

from __future__ import annotations

import pytest

from reachable.learning.tests.test_learning import _draft, _published
from reachable.testing import system_client

pytestmark = pytest.mark.django_db


def test_published_examples_are_listed_and_searched_and_drafts_never() -> None:
    shown = _published(title="Detached youth work on the estates")
    hidden = _draft(title="Detached youth work draft")
    system = system_client("partner_user", "norfolk-education", None, name="School tool")
    listed = system.get("/api/practice-examples/?q=detached").json()
    assert [e["slug"] for e in listed] == [shown.slug]
    assert system.get(f"/api/practice-examples/{shown.slug}/").json()["page"] == (
        f"/learning/{shown.slug}/"
    )
    assert system.get(f"/api/practice-examples/{hidden.slug}/").status_code == 404
