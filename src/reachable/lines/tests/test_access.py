"""Need to know in the county lines picture: what each role can see, by what the pages show.

Markers are written into every piece of intelligence (line name, controlling group, deal number,
address, notes, outcomes, a linked child's name). Every page in the authorization table is then
opened by every role without intelligence, and none may show any marker; the intelligence officer
sees the intelligence, but the child only as a pseudonym.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from reachable.accounts.roles import Role
from reachable.accounts.tests.test_authorization_matrix import ENDPOINTS, _get, _path
from reachable.audit.models import AuditEvent
from reachable.children.models import ChildIdentifier
from reachable.core.models import Code
from reachable.lines import services
from reachable.lines.access import child_pseudonym
from reachable.lines.models import Disruption
from reachable.lines.tests.helpers import a_line, county, days_ago, grading, officer, town
from reachable.testing import involve, make_child, page, person, signed_in_client

pytestmark = pytest.mark.django_db

OTHER_ROLES: dict[str, tuple[str, str | None]] = {
    Role.CUSTODY_PRACTITIONER: ("norfolk-yjs", "norfolk-custody-ei"),
    Role.EXPLOITATION_PRACTITIONER: ("norfolk-childrens", "norfolk-mace"),
    Role.TEAM_MANAGER: ("norfolk-childrens", "norfolk-mace"),
    Role.PARTNER_USER: ("norfolk-education", "northgate-safeguarding"),
    Role.DATA_SUBMITTER: ("suffolk-yjs", None),
    Role.ANALYST: ("partnership-team", None),
    Role.PROGRAMME_LEAD: ("partnership-team", None),
    Role.PARTNERSHIP_ADMIN: ("partnership-team", None),
    Role.DATA_PROTECTION_LEAD: ("partnership-team", None),
}


@pytest.fixture
def marked():
    """A line, a place, a sighting, a disruption and a linked child, each carrying a marker."""
    child = make_child(given_name="Zephyrine", family_name="Quillfeather")
    ChildIdentifier.objects.create(
        child=child,
        kind=Code.objects.get(code_list__key="identifier-kind", code="police"),
        value="26/123456X",
        value_normalised="26123456X",
    )
    involve(child, "norfolk-mace")
    line = a_line(
        "Lnmarkone",
        "Lambeth",
        ("Ipswich", "Norwich"),
        first_seen=40,
        controlling_group="Grpmarktwo",
    )
    services.number_add(
        user=officer(),
        line=line,
        number="07700 900321",
        first_used=days_ago(30),
        grading=grading(source="Srcmarkthree"),
    )
    place = services.location_create(
        user=officer(),
        kind="cuckooed_home",
        description="Addrmarkfour Court",
        town=town("Ipswich"),
        grading=grading(),
    )
    services.sighting_record(
        user=officer(),
        line=line,
        seen_on=days_ago(10),
        location=place,
        note="Notemarkfive",
        grading=grading(),
    )
    services.disruption_record(
        user=officer(),
        kind=Disruption.Kind.ARREST,
        occurred_on=days_ago(5),
        area=county("Suffolk"),
        lines=[line],
        outcome="Outmarksix",
        children_safeguarded=1,
        grading=grading(),
    )
    link = services.child_link_create(
        user=officer(),
        police_identifier="26/123456X",
        role="dealing",
        line=line,
        note="Linkmarkseven",
        grading=grading(),
    )
    return {"line": line, "place": place, "child": child, "link": link}


MARKERS = [
    "Lnmarkone",
    "Grpmarktwo",
    "07700900321",
    "Srcmarkthree",
    "Addrmarkfour",
    "Notemarkfive",
    "Outmarksix",
    "Linkmarkseven",
    "Zephyrine",
    "Quillfeather",
]


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", sorted(OTHER_ROLES))
def test_no_role_without_intelligence_sees_any_of_it_on_any_page(role: str, marked) -> None:
    agency, team = OTHER_ROLES[role]
    reader = person(role, agency, team, username=f"reader-{role}")
    if team == "norfolk-mace":
        involve(marked["child"], team, worker=reader)  # even working with the linked child
    client = signed_in_client(reader)
    objects = {"lines:line": marked["line"], "lines:location": marked["place"]}
    leaks = []
    opened = 0
    for name, endpoint in ENDPOINTS.items():
        if endpoint.public or name in {"admin:*", "accounts:logout"}:
            continue
        if endpoint.factory is not None and name not in objects:
            continue
        if any(
            [
                endpoint.on_detention,
                endpoint.on_offer,
                endpoint.on_concern,
                endpoint.on_case,
                endpoint.case_part,
                endpoint.on_referral,
                endpoint.on_panel,
                endpoint.on_import,
                endpoint.any_child,
            ]
        ):
            continue
        target = marked["child"] if endpoint.on_child else objects.get(name)
        response = _get(client, name, _path(name, endpoint, target))
        opened += 1
        body = _body(response)
        leaks += [f"{name} shows {m}" for m in MARKERS[:8] if m in body]
        if team != "norfolk-mace":  # those working with the child may read who the child is
            leaks += [f"{name} names the child" for m in MARKERS[8:] if m in body]
    assert opened > 40
    assert not leaks, leaks


def test_the_partnership_picture_shows_towns_and_counts_only(marked) -> None:
    analyst = person("analyst", "partnership-team", username="an")
    body = page(signed_in_client(analyst).get(reverse("lines:picture")))
    assert "Lambeth" in body
    assert "Ipswich" in body
    assert "Receives and sends" not in body  # Ipswich only receives here
    assert not [m for m in MARKERS if m in body]


def test_the_officer_sees_the_intelligence_and_the_child_only_as_a_pseudonym(marked) -> None:
    client = signed_in_client(officer())
    body = page(client.get(reverse("lines:line", kwargs={"pk": marked["line"].pk})))
    for marker in ["Lnmarkone", "Grpmarktwo", "07700900321", "Outmarksix", "Linkmarkseven"]:
        assert marker in body, marker
    assert child_pseudonym(marked["child"].pk) in body
    assert "Zephyrine" not in body
    assert "Quillfeather" not in body
    assert "26/123456X" not in body
    place = page(client.get(reverse("lines:location", kwargs={"pk": marked["place"].pk})))
    assert "Addrmarkfour" in place
    assert "Zephyrine" not in place


def test_reading_and_making_a_childs_link_are_audited_against_the_child(marked) -> None:
    child_id = marked["child"].pk
    assert AuditEvent.objects.filter(action="lines.child_link.create", child_id=child_id).exists()
    signed_in_client(officer()).get(reverse("lines:line", kwargs={"pk": marked["line"].pk}))
    listed = AuditEvent.objects.filter(action="list.view", user=officer()).latest("seq")
    assert listed.detail["children"] == [child_id]


def test_the_link_shows_on_the_record_only_to_an_intelligence_role_working_with_the_child(
    marked,
) -> None:
    child = marked["child"]
    url = reverse("children:profile", kwargs={"pk": child.pk})
    worker = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="w")
    involve(child, "norfolk-mace", worker=worker)
    assert "Linkmarkseven" not in page(signed_in_client(worker).get(url))
    from reachable.accounts.models import Membership
    from reachable.core.models import Agency, Team

    # A partnership that gives one person both roles: they see the link on the record.
    Membership.objects.create(
        user=worker,
        role="intelligence_officer",
        agency=Agency.objects.get(slug="norfolk-childrens"),
        team=Team.objects.get(slug="norfolk-mace"),
    )
    worker.__dict__.pop("active_memberships", None)
    shown = page(signed_in_client(worker).get(url))
    assert "County lines intelligence" in shown
    assert "Linkmarkseven" in shown
