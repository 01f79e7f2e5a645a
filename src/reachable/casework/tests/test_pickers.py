"""Drop-downs start on "Select", people pickers offer people (not system accounts), and nobody is
offered a link that answers 403."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from reachable.accounts.models import Membership
from reachable.core.models import Agency, Team
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[tuple[str, str, bool]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return [
        (value, label.strip(), "selected" in attrs)
        for value, attrs, label in re.findall(
            r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select.group(1)
        )
    ]


@pytest.fixture
def system_account_in_the_team(db):
    """An account like the demo's returns senders: no usable password, sorts first by surname."""
    account = get_user_model().objects.create_user(username="returns.norfolk-mace", password=None)
    Membership.objects.create(
        user=account,
        role="exploitation_practitioner",
        agency=Agency.objects.get(slug="norfolk-childrens"),
        team=Team.objects.get(slug="norfolk-mace"),
    )
    return account


def test_the_action_owner_picker_starts_on_select_and_offers_no_system_account(
    mo, grace, case, system_account_in_the_team
) -> None:
    html = signed_in_client(mo).get(f"/casework/cases/{case.pk}/actions/new/").content.decode()
    owners = _options(html, "owner")
    assert owners[0][:2] == ("", "Select")
    # Preselected: the practitioner writing the action, never whoever sorts first.
    assert [label for value, label, selected in owners if value and selected] == [mo.display_name]
    labels = [label for _, label, _ in owners]
    assert "returns.norfolk-mace" not in labels
    assert mo.display_name in labels


def test_an_unchosen_owner_is_refused_with_what_to_choose(mo, case) -> None:
    response = signed_in_client(mo).post(
        f"/casework/cases/{case.pk}/actions/new/",
        {"description": "Visit", "due_on_0": "1", "due_on_1": "1", "due_on_2": "2030"},
    )
    assert "Choose who will do it." in page(response)
    assert not case.actions.exists()


def test_allocation_offers_the_teams_people_only(grace, case, system_account_in_the_team) -> None:
    html = signed_in_client(grace).get(f"/casework/cases/{case.pk}/allocate/").content.decode()
    labels = [label for _, label, _ in _options(html, "worker")]
    assert labels[0] == "Select"
    assert "returns.norfolk-mace" not in labels


def test_set_up_a_panel_is_offered_only_to_those_who_may(mo, grace) -> None:
    assert "Set up a panel" in page(signed_in_client(grace).get("/casework/panels/"))
    assert "Set up a panel" not in page(signed_in_client(mo).get("/casework/panels/"))
    assert signed_in_client(mo).get("/casework/panels/new/").status_code == 403


def test_a_partner_is_not_offered_set_up_a_panel(sam) -> None:
    response = signed_in_client(sam).get("/casework/panels/")
    assert response.status_code in (200, 403)
    assert "Set up a panel" not in page(response)


def test_people_pickers_ignore_inactive_accounts(mo, case) -> None:
    gone = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", "gone.user")
    gone.is_active = False
    gone.save()
    html = signed_in_client(mo).get(f"/casework/cases/{case.pk}/actions/new/").content.decode()
    assert gone.display_name not in [label for _, label, _ in _options(html, "owner")]
