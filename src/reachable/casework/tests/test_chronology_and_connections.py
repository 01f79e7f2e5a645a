"""One chronology per child with visibility per entry; peers and places without leaking names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reachable.casework import selectors, services
from reachable.testing import involve, make_child, page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _entry(user, child, visibility: str, summary: str):
    return services.chronology_add(
        user=user,
        child=child,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        kind="information",
        summary=summary,
        visibility=visibility,
    )


@pytest.fixture
def entries(mo, case, jay):
    """One entry by the MACE team at each visibility."""
    return {v: _entry(mo, jay, v, f"MACE entry for {v}") for v in ("agency", "involved", "shared")}


def _readable(user, child) -> set[str]:
    return set(selectors.chronology(user, child).values_list("summary", flat=True))


def test_the_team_working_with_the_child_reads_its_own_and_involved_entries(
    mo, entries, jay
) -> None:
    assert {
        "MACE entry for agency",
        "MACE entry for involved",
        "MACE entry for shared",
    } <= _readable(mo, jay)


def test_a_partner_with_a_share_reads_only_shared_entries_and_its_own(sam, entries, jay) -> None:
    _entry(sam, jay, "agency", "School entry for the school only")
    readable = _readable(sam, jay)
    assert "MACE entry for shared" in readable
    assert "School entry for the school only" in readable
    assert "MACE entry for involved" not in readable
    assert "MACE entry for agency" not in readable


def test_another_team_working_with_the_child_does_not_read_agency_only_entries(
    entries, jay
) -> None:
    yjs = person(
        "exploitation_practitioner", "norfolk-yjs", "norfolk-yjs-casework", username="yjs.worker"
    )
    involve(jay, "norfolk-yjs-casework")
    readable = _readable(yjs, jay)
    assert "MACE entry for involved" in readable
    assert "MACE entry for agency" not in readable


def test_the_page_shows_only_readable_entries_and_who_may_read_them(sam, entries, jay) -> None:
    body = page(signed_in_client(sam).get(reverse("casework:chronology", args=[jay.pk])))
    assert "MACE entry for shared" in body
    assert "MACE entry for involved" not in body
    assert "Also partner agencies the record is shared with" in body


def test_a_child_the_user_cannot_see_has_no_chronology_for_them(ade, entries, jay) -> None:
    response = signed_in_client(ade).get(reverse("casework:chronology", args=[jay.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (timezone.now() + dt.timedelta(days=2), "future"),
        (timezone.now() - dt.timedelta(days=365 * 30), "before the child was born"),
    ],
)
def test_entries_in_the_future_or_before_birth_are_refused(mo, case, jay, when, message) -> None:
    with pytest.raises(ValidationError, match=message):
        services.chronology_add(
            user=mo, child=jay, occurred_at=when, kind="note", summary="x", visibility="involved"
        )


def test_a_contact_entry_updates_last_contact_on_the_case(mo, case, jay) -> None:
    when = timezone.now() - dt.timedelta(hours=3)
    services.chronology_add(
        user=mo,
        child=jay,
        occurred_at=when,
        kind="contact",
        summary="Met at the boxing club",
        visibility="involved",
        is_contact=True,
    )
    case.refresh_from_db()
    assert case.last_contact_at == when


def test_the_chronology_page_reads_a_fixed_number_of_queries(mo, case, jay) -> None:
    client = signed_in_client(mo)
    url = reverse("casework:chronology", args=[jay.pk])
    client.get(url)
    for i in range(30):
        _entry(mo, jay, "involved", f"entry {i}")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(30):
        _entry(mo, jay, "involved", f"more {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_filter_narrows_by_kind_and_text(mo, case, jay) -> None:
    _entry(mo, jay, "involved", "Seen near Norwich station")
    body = page(
        signed_in_client(mo).get(
            reverse("casework:chronology", args=[jay.pk]),
            {"kind": "information", "text": "station"},
        )
    )
    assert "Seen near Norwich station" in body
    assert "Referred to" not in body


# ---------------------------------------------------------------- peers and places


def test_linked_children_the_user_cannot_see_are_counted_not_named(mo, case, jay) -> None:
    seen = make_child(given_name="Leo", family_name="Barnes")
    involve(seen, "norfolk-mace")
    unseen = make_child(given_name="Hidden", family_name="Person")
    involve(unseen, "cambs-safe")
    services.peer_link_add(user=mo, child=jay, peer=seen, nature="Same friendship group")
    services.peer_link_add(user=mo, child=jay, peer=unseen, nature="Seen together in Wisbech")
    group = selectors.peer_group(mo, jay)
    assert [c.given_name for c, _ in group.visible] == ["Leo"]
    assert group.hidden == 1
    body = page(signed_in_client(mo).get(reverse("casework:peers", args=[jay.pk])))
    assert "Leo Barnes" in body
    assert "1 more child you cannot see" in body
    assert "Hidden" not in body


def test_children_linked_to_the_same_place_are_shown_within_scope(mo, ade, case, jay) -> None:
    other = make_child(given_name="Noor", family_name="Ali")
    involve(other, "cambs-safe")
    services.place_link_add(
        user=mo, child=jay, location="Flat above the takeaway, Dereham Road", nature="Cuckooed"
    )
    services.place_link_add(
        user=ade, child=other, location="flat above the takeaway, dereham road", nature="Seen there"
    )
    group = selectors.peer_group(mo, jay)
    _link, seen, unseen = group.places[0]
    assert seen == []
    assert unseen == 1


def test_a_child_cannot_be_linked_twice_or_to_themselves(mo, case, jay) -> None:
    peer = make_child()
    services.peer_link_add(user=mo, child=jay, peer=peer, nature="Cousins")
    with pytest.raises(ValidationError, match="already linked"):
        services.peer_link_add(user=mo, child=jay, peer=peer, nature="Cousins again")
    with pytest.raises(ValidationError, match="another child"):
        services.peer_link_add(user=mo, child=jay, peer=jay, nature="x")


# ---------------------------------------------------------------- custody in the same chronology


def test_custody_detention_visit_and_share_appear_in_the_childs_chronology(mo, case, jay) -> None:
    from reachable.core.models import Code, Place, Team
    from reachable.custody import services as custody

    priya = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya")
    arrested = timezone.now() - dt.timedelta(hours=3)
    detention = custody.detention_record(
        user=priya,
        child=jay,
        suite=Place.objects.get(slug="wymondham-pic"),
        arrested_at=arrested,
        arrived_at=arrested + dt.timedelta(minutes=20),
        offence=Code.objects.get(code_list__key="offence-category", code="pwits-a"),
    )
    custody.engagement_record(
        user=priya,
        detention=detention,
        attempted_at=timezone.now() - dt.timedelta(hours=1),
        engaged=True,
        childs_words="I want out",
    )
    custody.concern_share(
        user=priya,
        detention=detention,
        to_team=Team.objects.get(slug="norfolk-mash"),
        method=Code.objects.get(code_list__key="share-method", code="phone"),
        summary="Owes money to older boys",
    )
    custody_kinds = ["concern_shared", "custody_visit", "detention"]
    kinds = list(selectors.chronology(mo, jay, kinds=custody_kinds).values_list("kind", flat=True))
    assert kinds == custody_kinds  # newest first
    visit = selectors.chronology(mo, jay).get(kind="custody_visit")
    assert visit.is_contact
    assert "I want out" in visit.summary
    assert visit.agency.slug == "norfolk-yjs"


def test_imported_detentions_appear_in_the_chronology(mo, case, jay) -> None:
    from reachable.custody.importer import KNOWN, detentions_import

    priya = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya")
    arrested = timezone.localtime() - dt.timedelta(days=2)
    values = {
        "custody_reference": "NC/1",
        "suite": "wymondham-pic",
        "arrested_at": arrested.strftime("%Y-%m-%d %H:%M"),
        "arrived_at": (arrested + dt.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M"),
        "offence": "weapon",
        "given_name": jay.given_name,
        "family_name": jay.family_name,
        "date_of_birth": jay.date_of_birth.isoformat(),
        "sex": "M",
    }
    text = ",".join(KNOWN) + "\n" + ",".join(values.get(c, "") for c in KNOWN) + "\n"
    result = detentions_import(user=priya, text=text)
    assert result.ok, result.errors
    entry = selectors.chronology(mo, jay).get(kind="detention")
    assert "Imported from the custody system" in entry.summary


def test_the_peers_page_reads_a_fixed_number_of_queries(mo, case, jay) -> None:
    client = signed_in_client(mo)
    url = reverse("casework:peers", args=[jay.pk])

    def add_places(n: int, tag: str) -> None:
        for i in range(n):
            other = make_child()
            involve(other, "norfolk-mace")
            services.place_link_add(user=mo, child=jay, location=f"{tag} {i}", nature="x")
            services.place_link_add(user=mo, child=other, location=f"{tag} {i}", nature="y")

    add_places(2, "park")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_places(10, "station")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
