"""A disclosure is allowed only when an agreement in force covers the agency pair, the purpose and
every category of data: the matrix, the refusals and what an agreement ending does to a partner."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.children.selectors import children_visible
from reachable.core.models import Agency, Code
from reachable.sharing.models import Alert, Share
from reachable.sharing.services import agreement_covering, agreement_expiry_alerts, share_record
from reachable.testing import agreement, make_child, person, working_with

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)
STATES = {
    "in force": (TODAY - dt.timedelta(days=100), TODAY + dt.timedelta(days=100)),
    "ended": (TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=1)),
    "not yet started": (TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=400)),
    "ends today": (TODAY - dt.timedelta(days=100), TODAY),
}


def _agency(slug: str) -> Agency:
    return Agency.objects.get(slug=slug)


@pytest.fixture
def pathways_only(db):
    """Only one agreement exists: Norfolk children's services <-> a mentoring charity, for
    early help, covering identity and casework (the bundled ones are removed to isolate it)."""
    from reachable.sharing.models import Agreement

    Agreement.objects.all().delete()
    return None


@pytest.mark.parametrize(
    ("pair", "purpose", "categories", "state"),
    list(
        itertools.product(
            ["covered pair", "reversed pair", "one agency not a party"],
            ["early-help", "safeguarding"],
            [("identity",), ("identity", "casework"), ("identity", "health")],
            list(STATES),
        )
    ),
)
def test_agreement_matrix(pathways_only, pair, purpose, categories, state) -> None:
    starts, ends = STATES[state]
    childrens, charity = _agency("norfolk-childrens"), _agency("pathways-mentoring")
    agreement(
        childrens,
        charity,
        purposes=("early-help",),
        categories=("identity", "casework"),
        starts_on=starts,
        ends_on=ends,
    )
    sender, receiver = {
        "covered pair": (childrens, charity),
        "reversed pair": (charity, childrens),
        "one agency not a party": (childrens, _agency("norfolk-housing")),
    }[pair]
    expected = (
        pair != "one agency not a party"
        and purpose == "early-help"
        and "health" not in categories
        and state in {"in force", "ends today"}
    )
    found = agreement_covering(
        from_agency=sender, to_agency=receiver, purpose=purpose, categories=categories, on=TODAY
    )
    assert (found is not None) == expected


def _share(user, child, to: str, *, purpose="safeguarding", categories=("identity",), **kw):
    working_with(child, user)
    return share_record(
        user=user,
        child=child,
        to_agency=_agency(to),
        purpose=Code.objects.get(code_list__key="share-purpose", code=purpose),
        categories=list(Code.objects.filter(code_list__key="data-category", code__in=categories)),
        reason=kw.pop("reason", "Worried about older males collecting him from school"),
        consent=kw.pop("consent", Share.Consent.GIVEN),
        **kw,
    )


@pytest.fixture
def mo(db):
    return person(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mo.mace"
    )


@pytest.fixture
def sam(db):
    return person(
        "partner_user", "norfolk-education", "northgate-safeguarding", username="sam.school"
    )


def test_a_share_is_recorded_with_its_agreement_basis_and_consent(mo, sam) -> None:
    child = make_child()
    share = _share(mo, child, "norfolk-education", categories=("identity", "education"))
    assert share.agreement.reference == "eastern-cce-safeguarding"
    assert share.lawful_basis == "6(1)(e)"
    assert share.from_agency.slug == "norfolk-childrens"
    assert {c.code for c in share.data_categories.all()} == {"identity", "education"}
    assert children_visible(sam).filter(pk=child.pk).exists()


def test_a_share_outside_any_agreement_is_refused_naming_who_can_set_one_up(mo) -> None:
    person("partnership_admin", "partnership-team", username="ada.admin")
    admin = person("partnership_admin", "partnership-team", username="pat.admin")
    child = make_child()
    # Pathways Mentoring is a party only to the early-help agreement.
    with pytest.raises(ValidationError) as refused:
        _share(mo, child, "pathways-mentoring", purpose="safeguarding")
    message = refused.value.message_dict["to_agency"][0]
    assert "No agreement in force between them covers the purpose" in message
    assert admin.display_name in message
    assert not Share.objects.exists()


def test_a_category_the_agreement_does_not_cover_is_named(mo) -> None:
    with pytest.raises(ValidationError) as refused:
        _share(
            mo,
            make_child(),
            "pathways-mentoring",
            purpose="early-help",
            categories=("identity", "health"),
        )
    assert "covers: health" in refused.value.message_dict["to_agency"][0].lower()


def test_an_agency_named_in_no_agreement_is_refused(mo) -> None:
    with pytest.raises(ValidationError) as refused:
        _share(mo, make_child(), "partnership-team")
    assert "No information-sharing agreement names both" in str(refused.value)


def test_an_ended_agreement_blocks_new_shares_and_says_when_it_ended(mo) -> None:
    from reachable.sharing.models import Agreement

    Agreement.objects.filter(reference="pathways-mentoring-referrals").update(
        ends_on=timezone.localdate() - dt.timedelta(days=3)
    )
    with pytest.raises(ValidationError) as refused:
        _share(mo, make_child(), "pathways-mentoring", purpose="early-help")
    assert "ended on" in str(refused.value)


def test_the_partner_loses_sight_when_the_agreement_ends_or_is_narrowed(mo, sam) -> None:
    from reachable.sharing.models import Agreement

    child = make_child()
    share = _share(mo, child, "norfolk-education")
    assert children_visible(sam).filter(pk=child.pk).exists()

    isa = share.agreement
    isa.data_categories.remove(Code.objects.get(code_list__key="data-category", code="identity"))
    assert not children_visible(sam).filter(pk=child.pk).exists(), "narrowed: no identity"
    isa.data_categories.add(Code.objects.get(code_list__key="data-category", code="identity"))
    assert children_visible(sam).filter(pk=child.pk).exists()

    isa.parties.remove(_agency("norfolk-education"))
    assert not children_visible(sam).filter(pk=child.pk).exists(), "school no longer a party"
    isa.parties.add(_agency("norfolk-education"))

    Agreement.objects.filter(pk=isa.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert not children_visible(sam).filter(pk=child.pk).exists(), "agreement ended"


def test_a_withdrawn_or_expired_share_no_longer_grants_sight(mo, sam) -> None:
    from reachable.sharing.services import share_withdraw

    child = make_child()
    share = _share(
        mo, child, "norfolk-education", expires_on=timezone.localdate() + dt.timedelta(1)
    )
    assert children_visible(sam).filter(pk=child.pk).exists()
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert not children_visible(sam).filter(pk=child.pk).exists()

    other = make_child()
    share = _share(mo, other, "norfolk-education")
    share_withdraw(user=mo, share=share, reason="Shared with the wrong school")
    assert not children_visible(sam).filter(pk=other.pk).exists()


def test_without_consent_the_reason_is_required_and_the_decider_recorded(mo) -> None:
    child = make_child()
    with pytest.raises(ValidationError) as refused:
        _share(mo, child, "norfolk-education", consent=Share.Consent.REFUSED)
    assert "consent_override_reason" in refused.value.message_dict
    share = _share(
        mo,
        child,
        "norfolk-education",
        consent=Share.Consent.REFUSED,
        consent_override_reason="Risk of significant harm: he was found with a knife",
        child_views="He does not want his school told",
    )
    assert share.decided_by == mo
    assert share.child_views == "He does not want his school told"


def test_identity_is_always_part_of_a_share_and_own_agency_is_refused(mo) -> None:
    with pytest.raises(ValidationError) as refused:
        _share(mo, make_child(), "norfolk-education", categories=("education",))
    assert "categories" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _share(mo, make_child(), "norfolk-childrens")
    assert "own agency" in str(refused.value)


def test_a_partner_reads_only_the_chronology_categories_it_received(mo, sam) -> None:
    from reachable.casework.chronology import chronicle
    from reachable.casework.selectors import chronology

    child = make_child()
    for kind in ("note", "detention", "education"):
        chronicle(
            user=mo, child_id=child.pk, kind=kind, summary=f"A {kind} entry", visibility="shared"
        )
    _share(mo, child, "norfolk-education", categories=("identity", "education"))
    seen = {e.kind for e in chronology(sam, child)}
    assert seen == {"education"}
    _share(mo, child, "norfolk-education", categories=("identity", "casework"))
    assert {e.kind for e in chronology(sam, child)} == {"education", "note"}


def test_expiry_alerts_go_once_to_admins_and_data_protection_leads() -> None:
    from reachable.sharing.models import Agreement

    admin = person("partnership_admin", "partnership-team", username="ada.admin")
    lead = person("data_protection_lead", "partnership-team", username="dee.dpo")
    practitioner = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    Agreement.objects.filter(reference="pathways-mentoring-referrals").update(
        ends_on=timezone.localdate() + dt.timedelta(days=10)
    )
    assert agreement_expiry_alerts() == 2
    assert agreement_expiry_alerts() == 0, "not again the next day"
    assert Alert.objects.filter(recipient=admin, kind="agreement-expiry").count() == 1
    assert Alert.objects.filter(recipient=lead, kind="agreement-expiry").count() == 1
    assert not Alert.objects.filter(recipient=practitioner).exists()


def test_the_sharing_agency_withdraws_a_share_from_the_record_page(mo, sam) -> None:
    from reachable.testing import involve, page, signed_in_client

    child = make_child()
    involve(child, "norfolk-mace")
    share = _share(mo, child, "norfolk-education")
    colleague = person("team_manager", "norfolk-childrens", "norfolk-mace", username="grace.mgr")
    outsider = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="kit")
    url = f"/sharing/shares/{share.pk}/withdraw/"
    assert signed_in_client(outsider).post(url, {"reason": "Not mine"}).status_code == 404
    assert signed_in_client(sam).post(url, {"reason": "Not mine"}).status_code == 403
    client = signed_in_client(colleague)
    client.post(url, {"reason": ""})
    share.refresh_from_db()
    assert share.revoked_at is None, "a reason is needed"
    response = client.post(url, {"reason": "Sent to the wrong school"})
    assert response["Location"] == f"/sharing/children/{child.pk}/disclosures/"
    share.refresh_from_db()
    assert share.revoked_by == colleague
    assert not children_visible(sam).filter(pk=child.pk).exists()
    assert "Withdrawn" in page(client.get(response["Location"]))
