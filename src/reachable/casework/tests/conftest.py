"""Named people and a child for casework tests, in the bundled partnership."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reachable.casework import services
from reachable.core.models import Area, Code, Team
from reachable.testing import make_child, person, share


@pytest.fixture
def mo(db):
    """An exploitation practitioner in the Norfolk MACE team."""
    return person(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mo.mace"
    )


@pytest.fixture
def grace(db):
    """The Norfolk MACE team manager."""
    return person("team_manager", "norfolk-childrens", "norfolk-mace", username="grace.manager")


@pytest.fixture
def sam(db):
    """The designated safeguarding lead at a Norfolk academy (a partner agency user)."""
    return person(
        "partner_user", "norfolk-education", "northgate-safeguarding", username="sam.school"
    )


@pytest.fixture
def ade(db):
    """A practitioner in Cambridgeshire's SAFE team (another area)."""
    return person("exploitation_practitioner", "cambs-yss", "cambs-safe", username="ade.safe")


@pytest.fixture
def jay(db, mo):
    """A 15-year-old living in Norwich; the MACE team has shared his record with his school."""
    child = make_child(
        given_name="Jay",
        family_name="Okafor",
        date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365 + 40),
        home_la=Area.objects.get(slug="norfolk-cc"),
    )
    share(child, "norfolk-education", by=mo, categories=("identity", "casework", "education"))
    return child


@pytest.fixture
def mace() -> Team:
    return Team.objects.get(slug="norfolk-mace")


def code(key: str, value: str) -> Code:
    return Code.objects.get(code_list__key=key, code=value)


@pytest.fixture
def referral(sam, jay, mace):
    return services.referral_make(
        user=sam,
        child=jay,
        to_team=mace,
        concerns="Missing from school twice this week; new phone and trainers; seen with older boys.",
        urgency="urgent",
        consent="given",
    )


@pytest.fixture
def case(mo, referral):
    """Jay's case with the Norfolk MACE team, accepted from the school's referral."""
    services.referral_triage(
        user=mo,
        referral=referral,
        decision="accepted",
        reason="Several indicators; child willing to meet.",
        worker=mo,
    )
    referral.refresh_from_db()
    return referral.case
