from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.audit.models import AuditEvent
from reachable.children.selectors import children_visible
from reachable.custody.models import Detention
from reachable.custody.services import detention_record
from reachable.testing import make_child, person

pytestmark = pytest.mark.django_db


def _record(priya, child, suite, offence, arrested, **overrides):
    values = {"arrived_at": arrested + dt.timedelta(minutes=30)}
    values.update(overrides)
    return detention_record(
        user=priya, child=child, suite=suite, arrested_at=arrested, offence=offence, **values
    )


def test_recording_a_detention_lets_the_suite_team_see_the_child(
    priya, kai, wymondham, pwits_a, an_hour_ago
) -> None:
    assert kai not in children_visible(priya)
    detention = _record(priya, kai, wymondham, pwits_a, an_hour_ago)
    assert kai in children_visible(priya)
    assert detention.out_of_county is True  # Lambeth child detained in Norfolk
    assert AuditEvent.objects.filter(action="detention.record", child_id=kai.pk).exists()


def test_a_child_from_the_same_county_is_not_out_of_county(
    priya, wymondham, pwits_a, an_hour_ago
) -> None:
    from reachable.core.models import Area

    local = make_child(home_la=Area.objects.get(slug="norfolk-cc"))
    assert _record(priya, local, wymondham, pwits_a, an_hour_ago).out_of_county is False


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"arrived_at_offset": -10},
            "arrived_at",
            "Arrival at the suite must be the same as or after the arrest.",
        ),
        (
            {"released_at_offset": 5},
            "released_at",
            "Release must be the same as or after arrival at the suite.",
        ),
    ],
)
def test_it_rejects_times_in_the_wrong_order(
    priya, kai, wymondham, pwits_a, an_hour_ago, overrides, field, message
) -> None:
    values = {}
    if "arrived_at_offset" in overrides:
        values["arrived_at"] = an_hour_ago + dt.timedelta(minutes=overrides["arrived_at_offset"])
    if "released_at_offset" in overrides:
        values["released_at"] = an_hour_ago + dt.timedelta(minutes=overrides["released_at_offset"])
    with pytest.raises(ValidationError) as error:
        _record(priya, kai, wymondham, pwits_a, an_hour_ago, **values)
    assert error.value.message_dict[field] == [message]
    assert not Detention.objects.exists()


def test_it_rejects_an_arrest_in_the_future(priya, kai, wymondham, pwits_a) -> None:
    later = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as error:
        _record(priya, kai, wymondham, pwits_a, later)
    assert "Arrest time cannot be in the future." in error.value.message_dict["arrested_at"]


def test_a_child_outside_10_to_17_needs_a_reason(priya, wymondham, pwits_a, an_hour_ago) -> None:
    eighteen = make_child(date_of_birth=timezone.localdate() - dt.timedelta(days=18 * 365 + 30))
    with pytest.raises(ValidationError) as error:
        _record(priya, eighteen, wymondham, pwits_a, an_hour_ago)
    assert "was 18 at arrest" in error.value.message_dict["age_override_reason"][0]
    detention = _record(
        priya,
        eighteen,
        wymondham,
        pwits_a,
        an_hour_ago,
        age_override_reason="Care leaver known to the team",
    )
    assert detention.age_override_reason == "Care leaver known to the team"


def test_the_same_arrest_cannot_be_recorded_twice(
    priya, kai, wymondham, pwits_a, an_hour_ago
) -> None:
    _record(priya, kai, wymondham, pwits_a, an_hour_ago)
    with pytest.raises(ValidationError) as error:
        _record(priya, kai, wymondham, pwits_a, an_hour_ago)
    assert "already has a detention recorded" in error.value.message_dict["arrested_at"][0]
    assert Detention.objects.count() == 1


def test_a_practitioner_cannot_record_at_a_suite_they_do_not_work_in(
    priya, kai, pwits_a, an_hour_ago
) -> None:
    from reachable.core.models import Place

    with pytest.raises(ValidationError) as error:
        _record(priya, kai, Place.objects.get(slug="chelmsford-custody"), pwits_a, an_hour_ago)
    assert "only at the suites your team works in" in error.value.message_dict["suite"][0]


def test_a_mace_worker_cannot_record_detentions(kai, wymondham, pwits_a, an_hour_ago) -> None:
    worker = person(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="not.custody"
    )
    with pytest.raises(ValidationError):
        _record(worker, kai, wymondham, pwits_a, an_hour_ago)


def test_the_form_finds_the_child_by_police_identifier_and_creates_nothing_new(
    priya, kai, wymondham, pwits_a
) -> None:
    from reachable.children.models import Child, ChildIdentifier
    from reachable.core.models import Code
    from reachable.testing import signed_in_client

    ChildIdentifier.objects.create(
        child=kai,
        kind=Code.objects.get(code_list__key="identifier-kind", code="police"),
        value="10/4444K",
        value_normalised="104444K",
    )
    arrested = timezone.localtime(timezone.now() - dt.timedelta(hours=2))
    arrived = arrested + dt.timedelta(minutes=20)
    before = Child.objects.count()
    response = signed_in_client(priya).post(
        "/custody/detentions/new/",
        {
            "given_name": "Kai",
            "family_name": "Adeyemi",
            "date_of_birth_0": kai.date_of_birth.day,
            "date_of_birth_1": kai.date_of_birth.month,
            "date_of_birth_2": kai.date_of_birth.year,
            "sex": Code.objects.get(code_list__key="sex", code="M").pk,
            "police_id": "10/4444K",
            "suite": wymondham.pk,
            "offence": pwits_a.pk,
            "arrested_at_0": arrested.day,
            "arrested_at_1": arrested.month,
            "arrested_at_2": arrested.year,
            "arrested_at_3": arrested.strftime("%H:%M"),
            "arrived_at_0": arrived.day,
            "arrived_at_1": arrived.month,
            "arrived_at_2": arrived.year,
            "arrived_at_3": arrived.strftime("%H:%M"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Child.objects.count() == before
    assert Detention.objects.get().child == kai
