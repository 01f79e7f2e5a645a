"""Need to know, point by point: each test is one way the access rules leaked, tried as the person
who could have used it (a school, a moved practitioner, a custody practitioner, a partner)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.models import Membership
from reachable.audit.models import AuditEvent
from reachable.casework import selectors as casework_selectors
from reachable.casework import services as casework
from reachable.casework.models import Case, Referral
from reachable.children.access import may_write
from reachable.children.selectors import children_visible
from reachable.children.services import child_update
from reachable.core.models import Agency, Area, Code, Place, Team
from reachable.custody import services as custody
from reachable.custody.importer import detentions_import
from reachable.sharing.models import Alert, Share
from reachable.sharing.services import (
    break_glass_open,
    dispute_raise,
    restriction_place,
    share_record,
)
from reachable.testing import (
    involve,
    make_child,
    make_detention,
    page,
    person,
    share,
    signed_in_client,
)

pytestmark = pytest.mark.django_db

RISK_MARKER = "risk-marker-older-males-at-the-flat"
RESTRICTION_MARKER = "restriction-marker-mother-contests-record"
DISPUTE_MARKER = "dispute-marker-not-at-the-address"
SHARE_MARKER = "share-marker-child-said-keep-it-quiet"


def code(list_key: str, value: str) -> Code:
    return Code.objects.get(code_list__key=list_key, code=value)


@pytest.fixture
def mo(db):
    return person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mo")


@pytest.fixture
def grace(db):
    return person("team_manager", "norfolk-childrens", "norfolk-mace", username="grace")


@pytest.fixture
def sam(db):
    return person("partner_user", "norfolk-education", "northgate-safeguarding", username="sam")


@pytest.fixture
def dee(db):
    return person("data_protection_lead", "partnership-team", username="dee")


@pytest.fixture
def priya(db):
    return person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya")


def open_case(child: Any, mo: Any, sam: Any) -> Case:
    """The school refers the child to the MACE team, which accepts: an open case held by Mo."""
    referral = casework.referral_make(
        user=sam,
        child=child,
        to_team=Team.objects.get(slug="norfolk-mace"),
        concerns="New phone, missing school",
        urgency="urgent",
        consent="given",
    )
    casework.referral_triage(
        user=mo, referral=referral, decision="accepted", reason="Indicators seen", worker=mo
    )
    referral.refresh_from_db()
    assert referral.case is not None
    return referral.case


@pytest.fixture
def jay(mo):
    """A child the MACE team works with, whose record it shared with the school (identity only)."""
    child = make_child(given_name="Jay", family_name="Okafor")
    share(child, "norfolk-education", by=mo)
    return child


# ---------------------------------------------------------------- 1. audit log reasons


def test_a_school_reads_no_risk_judgement_in_the_records_access_log(jay, mo, sam, dee) -> None:
    case = open_case(jay, mo, sam)
    casework.risk_judge(user=mo, case=case, level=code("risk-level", "high"), reasons=RISK_MARKER)
    school_view = page(signed_in_client(sam).get(reverse("sharing:disclosures", args=[jay.pk])))
    assert RISK_MARKER not in school_view
    # A partner's view of the log holds only what its own agency did: not who works with the child.
    assert "Recorded a risk judgement" not in school_view
    assert "Read who has received and seen the record" in school_view
    team_view = page(signed_in_client(mo).get(reverse("sharing:disclosures", args=[jay.pk])))
    assert "Recorded a risk judgement" in team_view
    assert RISK_MARKER not in team_view
    governance = page(signed_in_client(dee).get(f"/sharing/governance/{jay.pk}/"))
    assert RISK_MARKER in governance


# ---------------------------------------------------------------- 2. detentions open records, bounded


def _detain(priya: Any, child: Any, *, arrested: dt.datetime, police_id: str = "") -> Any:
    return custody.detention_of_person(
        user=priya,
        identity={
            "given_name": child.given_name,
            "family_name": child.family_name,
            "date_of_birth": child.date_of_birth,
            "sex": child.sex,
            "home_la": child.home_la,
            "police_id": police_id,
        },
        suite=Place.objects.get(slug="wymondham-pic"),
        arrested_at=arrested,
        arrived_at=arrested + dt.timedelta(minutes=20),
        offence=code("offence-category", "pwits-a"),
    )


def test_a_backdated_arrest_does_not_open_an_existing_record(priya, mo) -> None:
    child = make_child()
    involve(child, "norfolk-mace", worker=mo)
    _detain(priya, child, arrested=timezone.now() - dt.timedelta(days=10))
    assert not children_visible(priya).filter(pk=child.pk).exists()


def test_a_recent_detention_opens_the_record_says_so_and_reports_a_name_only_match(
    priya, mo, dee
) -> None:
    child = make_child()
    involve(child, "norfolk-mace", worker=mo)
    _detain(priya, child, arrested=timezone.now() - dt.timedelta(hours=1))
    assert children_visible(priya).filter(pk=child.pk).exists()
    assert Alert.objects.filter(recipient=mo, kind="custody-name-match").count() == 1
    assert Alert.objects.filter(recipient=dee, kind="custody-name-match").count() == 1
    log = page(signed_in_client(mo).get(reverse("sharing:disclosures", args=[child.pk])))
    assert "Recorded a detention: this opened the record to the suite" in log


def test_custody_sight_ends_after_release_unless_support_is_open(priya, mo, settings) -> None:
    settings.REACHABLE_CUSTODY_ACCESS_AFTER_RELEASE_DAYS = 0
    child, supported = make_child(), make_child()
    for c in (child, supported):
        involve(c, "norfolk-mace", worker=mo)
        d = _detain(priya, c, arrested=timezone.now() - dt.timedelta(days=2))
        if c is supported:
            custody.community_offer_record(user=priya, detention=d, accepted=True)
        custody.detention_release(
            user=priya, detention=d, released_at=timezone.now() - dt.timedelta(days=1)
        )
    visible = children_visible(priya)
    assert not visible.filter(pk=child.pk).exists()  # released yesterday, 0 days kept
    assert visible.filter(pk=supported.pk).exists()  # community support still open


def test_an_import_refuses_rows_for_a_suite_the_team_does_not_work_at(priya) -> None:
    from reachable.custody.tests.test_detention_import import _file, _row

    result = detentions_import(user=priya, text=_file(_row("E1", suite="aylsham-pic")))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, "suite")]
    assert "does not work at this suite" in result.errors[0].message


def test_an_import_opens_no_restricted_record_and_records_the_children_it_touched(priya, dee):
    from reachable.children.models import ChildIdentifier
    from reachable.custody.tests.test_detention_import import _file, _row

    child = make_child()
    ChildIdentifier.objects.create(
        child=child,
        kind=code("identifier-kind", "police"),
        value="10/777001A",
        value_normalised="10777001A",
    )
    restriction_place(user=dee, child=child, reason=RESTRICTION_MARKER)
    result = detentions_import(user=priya, text=_file(_row("R1", police_id="10/777001A")))
    assert result.ok, result.errors
    assert not children_visible(priya).filter(pk=child.pk).exists()
    assert Alert.objects.filter(recipient=dee, kind="restricted-import").count() == 1
    event = AuditEvent.objects.get(action="detention.import")
    assert event.detail["children"] == [child.pk]


def test_a_refused_detention_leaves_no_childs_record(priya) -> None:
    from reachable.children.models import Child

    before = Child.objects.count()
    with pytest.raises(ValidationError):
        custody.detention_of_person(
            user=priya,
            identity={
                "given_name": "Ayo",
                "family_name": "Newchild",
                "date_of_birth": timezone.localdate() - dt.timedelta(days=9 * 365),
                "sex": code("sex", "M"),
                "home_la": None,
                "police_id": "",
            },
            suite=Place.objects.get(slug="wymondham-pic"),
            arrested_at=timezone.now() - dt.timedelta(hours=2),
            arrived_at=timezone.now() - dt.timedelta(hours=3),  # before the arrest
            offence=code("offence-category", "pwits-a"),
        )
    assert Child.objects.count() == before


# ---------------------------------------------------------------- 3. closed cases


def test_a_case_closed_beyond_the_window_is_gone_from_pages_and_the_api(jay, mo, sam) -> None:
    case = open_case(jay, mo, sam)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = signed_in_client(mo)
    assert client.get(reverse("casework:case", args=[case.pk])).status_code == 404
    assert client.get(f"/api/cases/{case.pk}/").status_code == 404


def test_a_closed_case_accepts_nothing_new_until_reopened(jay, mo, sam, grace) -> None:
    case = open_case(jay, mo, sam)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=timezone.now())
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="reopen"):
        casework.risk_judge(user=mo, case=case, level=code("risk-level", "high"), reasons="x")
    casework.case_reopen(user=grace, case=case, reason="Missing again")
    case.refresh_from_db()
    casework.risk_judge(user=mo, case=case, level=code("risk-level", "high"), reasons="Again")


# ---------------------------------------------------------------- 4. moving team


def test_a_practitioner_who_moves_team_stops_seeing_the_childs_record(mo) -> None:
    child = make_child()
    involve(child, "norfolk-mace", worker=mo)
    assert children_visible(mo).filter(pk=child.pk).exists()
    Membership.objects.filter(user=mo).update(active=False)
    Membership.objects.create(
        user=mo,
        role="exploitation_practitioner",
        agency=Agency.objects.get(slug="cambs-yss"),
        team=Team.objects.get(slug="cambs-safe"),
    )
    del mo.active_memberships, mo.roles
    assert not children_visible(mo).filter(pk=child.pk).exists()


# ---------------------------------------------------------------- 5. referring a child you cannot see


def test_referring_a_child_you_cannot_see_tells_you_nothing_about_the_record(sam, dee) -> None:
    child = make_child(given_name="Rio", family_name="Hart")
    mace = Team.objects.get(slug="norfolk-mace")
    involve(child, mace)
    earlier = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei")
    Referral.objects.create(
        child=child,
        to_team=mace,
        referred_by=earlier,
        referring_agency=Agency.objects.get(slug="norfolk-yjs"),
        received_at=timezone.now(),
        concerns="Earlier",
        urgency="routine",
        consent="given",
    )
    restriction_place(user=dee, child=child, reason=RESTRICTION_MARKER)
    details: dict[str, Any] = {
        "given_name": "Rio",
        "family_name": "Hart",
        "date_of_birth": child.date_of_birth,
        "sex": child.sex,
    }
    made = casework.referral_of_new_child(
        user=sam,
        to_team=mace,
        concerns="Seen with older boys",
        urgency="urgent",
        consent="given",
        **details,
    )
    assert made.child_id == child.pk
    assert Alert.objects.filter(recipient=dee, kind="restricted-referral").count() == 1
    listed = signed_in_client(sam).get("/api/referrals/").json()
    assert [r["child"] for r in listed] == [None]
    assert RESTRICTION_MARKER not in str(listed)


# ---------------------------------------------------------------- 6. reading is not writing


def test_a_share_or_break_glass_lets_a_person_read_but_not_change_the_record(jay, mo) -> None:
    essex = person(
        "custody_practitioner", "essex-yjs", _custody_team("chelmsford").slug, username="essex"
    )
    break_glass_open(user=essex, child_pk=jay.pk, reason="Detained here tonight, need history")
    assert children_visible(essex).filter(pk=jay.pk).exists()
    assert not may_write(essex, jay.pk)
    with pytest.raises(ValidationError, match="Emergency access lets you read"):
        child_update(user=essex, child=jay, known_as="J")


def test_an_onward_share_carries_only_what_the_sharer_received(jay, mo) -> None:
    ade = person("exploitation_practitioner", "cambs-yss", "cambs-safe", username="ade")
    share(jay, "cambs-yss", by=mo)  # identity only
    with pytest.raises(ValidationError) as refused:
        share_record(
            user=ade,
            child=jay,
            to_agency=Agency.objects.get(slug="norfolk-education"),
            purpose=code("share-purpose", "safeguarding"),
            categories=[code("data-category", "identity"), code("data-category", "casework")],
            reason="Passing on to the school for safety planning",
            consent="given",
        )
    assert "can pass on only those" in refused.value.message_dict["categories"][0]


def test_custody_writes_are_tied_to_the_detentions_suite(priya) -> None:
    child = make_child()
    detention = make_detention(child, suite="aylsham-pic")
    involve(child, "norfolk-custody-ei")
    with pytest.raises(ValidationError, match="Only the custody team at"):
        custody.engagement_record(
            user=priya, detention=detention, attempted_at=timezone.now(), engaged=True
        )


def _custody_team(name: str) -> Team:
    suite = Place.objects.filter(kind=Place.Kind.CUSTODY_SUITE).exclude(slug="wymondham-pic")[0]
    team = Team.objects.create(
        slug=f"{name}-custody",
        name=f"Custody Early Intervention, {name}",
        agency=Agency.objects.get(slug="essex-yjs"),
        area=Area.objects.get(slug="essex-cc"),
    )
    team.places.add(suite)
    return team


# ---------------------------------------------------------------- 7. restriction on every write


@pytest.mark.parametrize("write", ["risk", "screening", "chronology", "peer", "detention"])
def test_a_restricted_record_refuses_every_kind_of_write(jay, mo, sam, dee, priya, write) -> None:
    case = open_case(jay, mo, sam)
    restriction_place(user=dee, child=jay, reason=RESTRICTION_MARKER)
    now = timezone.now()
    attempts = {
        "risk": lambda: casework.risk_judge(
            user=mo, case=case, level=code("risk-level", "high"), reasons="x"
        ),
        "screening": lambda: casework.screening_record(
            user=mo, case=case, indicators=[], notes="seen", screened_at=now
        ),
        "chronology": lambda: casework.chronology_add(
            user=mo, child=jay, occurred_at=now, kind="note", summary="x", visibility="involved"
        ),
        "peer": lambda: casework.peer_link_add(
            user=mo, child=jay, peer=make_child(), nature="Cousins"
        ),
        "detention": lambda: _detain(priya, jay, arrested=now - dt.timedelta(hours=1)),
    }
    with pytest.raises(ValidationError, match="restricted") as refused:
        attempts[write]()
    assert RESTRICTION_MARKER not in str(refused.value)


# ---------------------------------------------------------------- 8. lists and exports audited


def test_the_caseload_and_its_export_are_audited_with_the_children_they_name(jay, mo, sam):
    open_case(jay, mo, sam)
    client = signed_in_client(mo)
    client.get(reverse("casework:caseload"))
    client.get(reverse("casework:caseload") + "?format=csv")
    events = AuditEvent.objects.filter(user=mo, action__startswith="list.").order_by("seq")
    assert [(e.action, e.detail["list"], e.detail["children"]) for e in events] == [
        ("list.view", "caseload", [jay.pk]),
        ("list.export", "caseload", [jay.pk]),
    ]


def test_reads_under_break_glass_are_flagged_in_the_log(jay) -> None:
    ade = person("exploitation_practitioner", "cambs-yss", "cambs-safe", username="ade")
    break_glass_open(user=ade, child_pk=jay.pk, reason="Found in Wisbech tonight, need history")
    signed_in_client(ade).get(reverse("children:profile", args=[jay.pk]))
    assert AuditEvent.objects.filter(user=ade, action="breakglass.child.view").count() == 1


# ---------------------------------------------------------------- 9. the profile


def test_a_school_reads_the_identity_it_was_given_not_the_casework_around_it(
    jay, mo, sam, dee
) -> None:
    share_record(
        user=mo,
        child=jay,
        to_agency=Agency.objects.get(slug="norfolk-police"),
        purpose=code("share-purpose", "safeguarding"),
        categories=[code("data-category", "identity")],
        reason="Shared for the police to look for him",
        consent="refused",
        consent_override_reason="Risk of significant harm tonight",
        child_views=SHARE_MARKER,
    )
    dispute_raise(user=mo, child=jay, what="Address", on_behalf_of="Mother", details=DISPUTE_MARKER)
    restriction_place(user=dee, child=jay, reason=RESTRICTION_MARKER)
    school = page(signed_in_client(sam).get(reverse("children:profile", args=[jay.pk])))
    assert jay.family_name in school
    for marker in (RESTRICTION_MARKER, DISPUTE_MARKER, SHARE_MARKER, "Norfolk MACE team"):
        assert marker not in school, marker
    team = page(signed_in_client(mo).get(reverse("children:profile", args=[jay.pk])))
    for marker in (DISPUTE_MARKER, SHARE_MARKER, "Norfolk MACE team"):
        assert marker in team, marker
    assert RESTRICTION_MARKER not in team  # the reason is the data protection lead's


# ---------------------------------------------------------------- 10. break-glass and the chronology


def test_break_glass_opens_the_chronology_the_teams_read(jay, mo, sam) -> None:
    case = open_case(jay, mo, sam)
    casework.chronology_add(
        user=mo,
        child=jay,
        occurred_at=timezone.now(),
        kind="note",
        summary="Involved-marker seen at the station",
        visibility="involved",
    )
    assert case.pk
    ade = person("exploitation_practitioner", "cambs-yss", "cambs-safe", username="ade")
    break_glass_open(user=ade, child_pk=jay.pk, reason="Found in Wisbech tonight, need history")
    body = page(signed_in_client(ade).get(reverse("casework:chronology", args=[jay.pk])))
    assert "Involved-marker seen at the station" in body


# ---------------------------------------------------------------- 11. admin


def test_an_admin_manages_roles_in_the_admin_and_every_change_is_audited_with_its_values():
    admin_user = person("partnership_admin", "partnership-team", username="ada")
    mo = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mo")
    client = signed_in_client(admin_user)
    url = reverse("admin:accounts_user_change", args=[mo.pk])
    form = page(client.get(url))
    assert "memberships-0-role" in form  # the membership inline is shown, so roles can be managed
    assert "is_superuser" not in form
    assert "user_permissions" not in form
    membership = Membership.objects.get(user=mo)
    response = client.post(
        url,
        {
            "username": "mo",
            "first_name": mo.first_name,
            "last_name": mo.last_name,
            "email": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(membership.pk),
            "memberships-0-user": str(mo.pk),
            "memberships-0-role": "team_manager",
            "memberships-0-agency": str(membership.agency_id),
            "memberships-0-team": str(membership.team_id),
            "memberships-0-active": "on",
        },
    )
    assert response.status_code == 302, page(response)
    membership.refresh_from_db()
    assert membership.role == "team_manager"
    event = AuditEvent.objects.get(action="admin.update.inline", user=admin_user)
    assert event.detail["changed"]["role"] == "team_manager"


def test_a_partner_who_owns_an_action_sees_it_and_closes_it_without_reading_the_record(mo):
    from reachable.casework.models import Action

    child = make_child(given_name="Kit", family_name="Unshared")
    case = Case.objects.create(
        child=child, team=Team.objects.get(slug="norfolk-mace"), opened_at=timezone.now()
    )
    involve(child, "norfolk-mace", worker=mo)
    nurse = person("partner_user", "norfolk-health", None, username="nurse")
    far_away = person("exploitation_practitioner", "cambs-yss", "cambs-safe", username="far")
    share(child, "norfolk-health", by=mo)
    owners = set(casework_selectors.action_owner_choices(case))
    assert nurse in owners
    assert mo in owners
    assert far_away not in owners  # the picker no longer lists the whole partnership
    action = Action.objects.create(
        case=case,
        description="Health check",
        due_on=timezone.localdate(),
        owner=nurse,
        owner_agency=Agency.objects.get(slug="norfolk-health"),
        created_by=mo,
    )
    client = signed_in_client(nurse)
    body = page(client.get(reverse("casework:my_actions")))
    assert "Health check" in body
    assert "Unshared" in body  # shared with the nurse's agency, so the child is named
    Share.objects.update(revoked_at=timezone.now())
    body = page(client.get(reverse("casework:my_actions")))
    assert "Unshared" not in body
    assert "A child Norfolk MACE team works with" in body
    client.post(reverse("casework:my_action_done", args=[action.pk]))
    action.refresh_from_db()
    assert action.done_at is not None


def test_an_intelligence_officer_is_sent_to_the_county_lines_pages_and_sees_no_child():
    officer = person("intelligence_officer", "essex-police", None, username="io")
    body = page(signed_in_client(officer).get("/"))
    assert "not built yet" not in body
    assert 'href="/lines/"' in body
    assert signed_in_client(officer).get("/children/").status_code == 403


def test_an_admin_ends_a_role_on_the_people_page_and_the_person_loses_sight_at_once(mo):
    admin_user = person("partnership_admin", "partnership-team", username="ada")
    child = make_child()
    involve(child, "norfolk-mace", worker=mo)
    membership = Membership.objects.get(user=mo)
    client = signed_in_client(admin_user)
    listing = page(client.get(reverse("accounts:people") + "?q=mo"))
    assert reverse("accounts:person", args=[mo.pk]) in listing
    refused = client.post(
        reverse("accounts:person", args=[mo.pk]),
        {
            "role": "exploitation_practitioner",
            "agency": str(Agency.objects.get(slug="cambs-yss").pk),
            "team": str(Team.objects.get(slug="norfolk-mace").pk),
        },
    )
    assert "belongs to" in page(refused)
    assert Membership.objects.filter(user=mo).count() == 1
    ended = client.post(
        reverse("accounts:membership_end", args=[membership.pk]), {"reason": "Moved to Cambs"}
    )
    assert ended.status_code == 302
    moved = type(mo).objects.get(pk=mo.pk)  # as on their next request
    assert not children_visible(moved).filter(pk=child.pk).exists()
    event = AuditEvent.objects.get(action="membership.end")
    assert event.reason == "Moved to Cambs"


def test_a_referral_for_a_restricted_record_waits_for_the_data_protection_lead(sam, mo, dee):
    child = make_child(given_name="Ola", family_name="Restricted")
    restriction_place(user=dee, child=child, reason=RESTRICTION_MARKER)
    referral = casework.referral_of_new_child(
        user=sam,
        to_team=Team.objects.get(slug="norfolk-mace"),
        given_name="Ola",
        family_name="Restricted",
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        concerns="Seen at the station late",
        urgency="urgent",
        consent="given",
    )
    with pytest.raises(ValidationError, match="restricted"):
        casework.referral_triage(
            user=mo, referral=referral, decision="accepted", reason="Indicators", worker=mo
        )
    assert not children_visible(mo).filter(pk=child.pk).exists()


def test_break_glass_does_not_let_custody_record_a_visit_or_read_the_detention(priya):
    child = make_child()
    detention = make_detention(child)  # at Wymondham, priya's suite; no grant in force
    break_glass_open(user=priya, child_pk=child.pk, reason="Back in custody tonight, need it")
    assert children_visible(priya).filter(pk=child.pk).exists()
    with pytest.raises(ValidationError, match="custody team working with the child"):
        custody.engagement_record(
            user=priya, detention=detention, attempted_at=timezone.now(), engaged=True
        )
    client = signed_in_client(priya)
    assert client.get(reverse("custody:detention", args=[detention.pk])).status_code == 404
