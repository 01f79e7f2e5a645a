"""The rules of recording county lines intelligence: what is refused, with what message, and that a
refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from reachable.audit.models import AuditEvent
from reachable.lines import services
from reachable.lines.models import DealNumber, Disruption, Line, LineStatus, Location, Sighting
from reachable.lines.selectors import location_matches, number_matches
from reachable.lines.tests.helpers import (
    a_line,
    a_location,
    county,
    days_ago,
    grading,
    officer,
    town,
)
from reachable.testing import person

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Line, LineStatus, Sighting, DealNumber, Location, Disruption)
    )


def _status(line: Line) -> str:
    now = services.status_now(line)
    assert now is not None
    return now.status


def _refused(call, field: str, words: str) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        call()
    assert words in " ".join(caught.value.message_dict[field])
    assert _counts() == before, "a refused change must write nothing"


def test_a_new_line_is_active_from_its_first_sighting_and_audited() -> None:
    line = a_line(first_seen=40)
    assert _status(line) == LineStatus.Status.ACTIVE
    assert services.seen_between(line) == (days_ago(40), days_ago(40))
    assert AuditEvent.objects.filter(action="lines.line.create", object_id=str(line.pk)).exists()


def test_the_same_line_from_the_same_origin_is_refused_whatever_the_case_or_spacing() -> None:
    a_line("Blue Line", "Lambeth")
    _refused(lambda: a_line("  blue   LINE ", "Lambeth"), "name", "already recorded")
    a_line("Blue Line", "Liverpool", to=("Norwich",))  # another origin is another line


def test_a_line_must_run_somewhere_other_than_its_origin() -> None:
    _refused(lambda: a_line(origin="Ipswich", to=("Ipswich",)), "destinations", "cannot run to")


def test_a_role_without_intelligence_cannot_record_anything() -> None:
    analyst = person("analyst", "partnership-team", username="an")
    before = _counts()
    with pytest.raises(ValidationError, match="intelligence officers"):
        a_line(by=analyst)
    assert _counts() == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("0044-7700-900-123", "07700900123"),
        ("(07700) 900123", "07700900123"),
    ],
)
def test_deal_numbers_are_stored_in_one_form(typed: str, stored: str) -> None:
    assert services.deal_number_normal(typed) == stored


@pytest.mark.parametrize("bad", ["0770090012", "01473 900123", "07700 9001234", "call me", ""])
def test_a_deal_number_in_an_impossible_format_is_refused(bad: str) -> None:
    line = a_line()
    _refused(
        lambda: services.number_add(
            user=officer(), line=line, number=bad, first_used=days_ago(5), grading=grading()
        ),
        "number",
        "starting 07",
    )


@given(st.text(max_size=20))
def test_any_text_is_either_a_uk_mobile_number_or_refused_with_the_field(text: str) -> None:
    try:
        normal = services.deal_number_normal(text)
    except ValidationError as exc:
        refused = exc.message_dict
        assert "number" in refused
    else:
        assert normal.startswith("07")
        assert len(normal) == 11
        assert normal.isdigit()


def test_a_number_on_two_lines_is_shown_as_a_match_counted_on_hashes() -> None:
    first, second, third = a_line("A"), a_line("B"), a_line("C")
    for line in (first, second, third):
        services.number_add(
            user=officer(),
            line=line,
            number="07700 900555",
            first_used=days_ago(5),
            grading=grading(),
        )
    services.number_add(
        user=officer(), line=first, number="07700900556", first_used=days_ago(5), grading=grading()
    )
    matches = {n.number: others for n, others in number_matches(first)}
    assert matches == {"07700900555": 2, "07700900556": 0}
    stored = DealNumber.objects.filter(number="07700900555").values_list("number_hash", flat=True)
    assert len(set(stored)) == 1
    assert "07700900555" not in stored[0]


def test_an_address_recorded_twice_is_a_match() -> None:
    one = a_location("Flat 2, Mill Court")
    a_location("flat 2 mill court")
    a_location("Flat 3, Mill Court")
    assert location_matches(one) == 1


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [("1.15", "52.05", "latitude"), ("52.05", "12.5", "longitude"), ("48.0", "0.1", "latitude")],
)
def test_coordinates_outside_the_uk_are_refused(latitude: str, longitude: str, field: str) -> None:
    _refused(
        lambda: services.location_create(
            user=officer(),
            kind="hotel",
            description="Hotel by the station",
            town=town("Ipswich"),
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
            grading=grading(),
        ),
        field,
        "outside the UK",
    )


def test_a_postcode_district_must_be_the_first_half_of_a_postcode() -> None:
    _refused(
        lambda: services.location_create(
            user=officer(),
            kind="hotel",
            description="Hotel",
            town=town("Ipswich"),
            postcode_district="IP1 3",
            grading=grading(),
        ),
        "postcode_district",
        "first half",
    )


def test_a_disruption_before_the_line_was_first_seen_is_refused() -> None:
    line = a_line(first_seen=30)
    _refused(
        lambda: services.disruption_record(
            user=officer(),
            kind=Disruption.Kind.ARREST,
            occurred_on=days_ago(31),
            area=county("Suffolk"),
            lines=[line],
            grading=grading(),
        ),
        "occurred_on",
        "first seen",
    )


def test_a_closure_closes_the_line_and_a_second_closure_is_refused() -> None:
    line = a_line(first_seen=60)
    services.disruption_record(
        user=officer(),
        kind=Disruption.Kind.CLOSURE_TYPE_2,
        occurred_on=days_ago(20),
        area=county("Suffolk"),
        lines=[line],
        grading=grading(),
    )
    assert _status(line) == LineStatus.Status.CLOSED
    _refused(
        lambda: services.disruption_record(
            user=officer(),
            kind=Disruption.Kind.CLOSURE_TYPE_1,
            occurred_on=days_ago(10),
            area=county("Suffolk"),
            lines=[line],
            grading=grading(),
        ),
        "kind",
        "re-emerged",
    )


def test_a_closed_line_seen_again_has_re_emerged() -> None:
    line = a_line(first_seen=60)
    services.disruption_record(
        user=officer(),
        kind=Disruption.Kind.CLOSURE_TYPE_1,
        occurred_on=days_ago(20),
        area=county("Suffolk"),
        lines=[line],
        grading=grading(),
    )
    services.sighting_record(
        user=officer(), line=line, seen_on=days_ago(3), town=town("Ipswich"), grading=grading()
    )
    assert _status(line) == LineStatus.Status.RE_EMERGED
    assert services.seen_between(line) == (days_ago(60), days_ago(3))


def test_a_grading_not_in_the_partnerships_lists_is_refused_naming_the_list() -> None:
    with pytest.raises(ValidationError) as caught:
        services.grading_from_codes("IR-1", "4", "B", "P")
    assert "use one of 1, 2, 3" in caught.value.message_dict["source_grade"][0]


def test_an_empty_source_is_refused() -> None:
    def record() -> None:
        services.line_create(
            user=officer(),
            name="X",
            origin=town("Lambeth"),
            destinations=[town("Ipswich")],
            model="traditional",
            crosses_force_boundary=True,
            first_seen_on=days_ago(2),
            first_seen_in=town("Ipswich"),
            grading=grading(source="  "),
        )

    _refused(record, "source", "where this came from")


def test_a_future_date_is_refused() -> None:
    _refused(lambda: a_line(first_seen=-3), "first_seen_on", "in the future")


def test_linking_a_child_needs_a_police_identifier_on_their_record() -> None:
    line = a_line()
    with pytest.raises(ValidationError) as caught:
        services.child_link_create(
            user=officer(),
            police_identifier="00/999999Z",
            role="dealing",
            line=line,
            grading=grading(),
        )
    assert "No child's record holds" in caught.value.message_dict["police_identifier"][0]
