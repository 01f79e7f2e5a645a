"""The agreement check guards every disclosure, not only shares of a record: custody concerns and
referrals too. And agreements in the partnership file are checked when loaded."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from reachable.casework.models import Referral
from reachable.casework.services import referral_of_new_child
from reachable.core.models import Code, Team
from reachable.core.services import PartnershipFileError
from reachable.custody.models import ConcernShare
from reachable.custody.services import concern_share
from reachable.sharing.models import Agreement
from reachable.sharing.services import agreements_load
from reachable.testing import make_child, make_detention, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(db):
    return person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="kit.ei")


def _concern(kit, team: str) -> ConcernShare:
    return concern_share(
        user=kit,
        detention=make_detention(make_child(), custody_team_works=True),
        to_team=Team.objects.get(slug=team),
        method=Code.objects.get(code_list__key="share-method", code="phone"),
        summary="Says he owes money to older boys",
    )


def test_a_custody_concern_records_the_agreement_it_went_under(kit) -> None:
    share = _concern(kit, "norfolk-mash")
    assert share.agreement is not None
    assert share.agreement.reference == "eastern-cce-safeguarding"


def test_a_custody_concern_to_an_agency_outside_every_agreement_is_refused(kit) -> None:
    with pytest.raises(ValidationError) as refused:
        _concern(kit, "partnership-programme")
    assert "No information-sharing agreement names both" in refused.value.message_dict["to_team"][0]
    assert not ConcernShare.objects.exists()


def test_a_referral_needs_an_agreement_between_referrer_and_team(db) -> None:
    sam = person("partner_user", "norfolk-education", "northgate-safeguarding")
    child = make_child()
    mace = Team.objects.get(slug="norfolk-mace")
    Agreement.objects.filter(reference="eastern-cce-safeguarding").update(
        ends_on=dt.date(2025, 12, 31)
    )
    with pytest.raises(ValidationError) as refused:
        referral_of_new_child(
            user=sam,
            given_name=child.given_name,
            family_name=child.family_name,
            date_of_birth=child.date_of_birth,
            sex=child.sex,
            to_team=mace,
            concerns="New phone and trainers",
            urgency="routine",
            consent="given",
        )
    assert "ended on 31 December 2025" in refused.value.message_dict["to_team"][0]
    assert not Referral.objects.exists()


GOOD = {
    "reference": "x",
    "title": "X",
    "parties": ["norfolk-police", "norfolk-childrens"],
    "purposes": ["safeguarding"],
    "data_categories": ["identity"],
    "lawful_basis": "6(1)(e)",
    "starts_on": dt.date(2026, 1, 1),
    "ends_on": dt.date(2027, 1, 1),
    "plain_summary": "Plain words.",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"parties": ["norfolk-police", "nowhere"]}, "unknown agencies nowhere"),
        ({"purposes": ["gossip"]}, "unknown share-purpose code(s) gossip"),
        ({"lawful_basis": "6(1)(z)"}, "lawful_basis must be one of"),
        ({"ends_on": dt.date(2025, 1, 1)}, "ends_on is before starts_on"),
        ({"starts_on": "soon"}, "must be dates"),
        ({"plain_summary": ""}, "plain_summary must be given"),
    ],
)
def test_bad_agreements_in_the_partnership_file_are_named(change, message) -> None:
    with pytest.raises(PartnershipFileError, match=re.escape(message)) as refused:
        agreements_load({"agreements": [GOOD | change]})
    assert "agreements #1 (x)" in str(refused.value)
    assert not Agreement.objects.filter(reference="x").exists()
