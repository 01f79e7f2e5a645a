"""Recording through the pages: the forms hand their data to the services, and say what is wrong."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reachable.core.models import Area, Code
from reachable.lines.models import Disruption, Line
from reachable.lines.tests.helpers import a_line, a_location, days_ago, officer, town
from reachable.testing import page, signed_in_client

pytestmark = pytest.mark.django_db


def _date(name: str, day) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _grading() -> dict[str, str]:
    return {
        "source": "IR-20001",
        "source_grade": str(Code.objects.get(code_list__key="intel-source", code="2").pk),
        "information_grade": str(Code.objects.get(code_list__key="intel-information", code="B").pk),
        "handling": str(Code.objects.get(code_list__key="intel-handling", code="P").pk),
    }


def test_recording_a_line_on_the_page() -> None:
    client = signed_in_client(officer())
    form = {
        "name": "Night Drop",
        "origin": str(town("Croydon").pk),
        "destinations": [str(town("Colchester").pk), str(town("Chelmsford").pk)],
        "model": "traditional",
        "crosses_force_boundary": "yes",
        **_date("first_seen_on", days_ago(9)),
        "first_seen_in": str(town("Colchester").pk),
        **_grading(),
    }
    response = client.post(reverse("lines:line_new"), form)
    assert response.status_code == 302
    line = Line.objects.get(name="Night Drop")
    assert line.grading == "2BP"
    again = client.post(reverse("lines:line_new"), form)
    assert again.status_code == 400
    assert "already recorded" in page(again)


def test_a_disruption_at_places_of_concern_on_the_page() -> None:
    line = a_line(first_seen=30)
    place = a_location()
    client = signed_in_client(officer())
    response = client.post(
        reverse("lines:disruption_new"),
        {
            "kind": "warrant",
            **_date("occurred_on", days_ago(2)),
            "area": str(Area.objects.get(slug="suffolk").pk),
            "lines": [str(line.pk)],
            "locations": [str(place.pk)],
            "outcome": "Warrant executed",
            "children_safeguarded": "1",
            **_grading(),
        },
    )
    assert response.status_code == 302
    disruption = Disruption.objects.get()
    assert list(disruption.locations.all()) == [place]
    shown = page(client.get(reverse("lines:location", kwargs={"pk": place.pk})))
    assert "Warrant executed" in shown


def test_an_empty_grading_is_named_field_by_field() -> None:
    line = a_line()
    client = signed_in_client(officer())
    response = client.post(reverse("lines:sighting_new", kwargs={"pk": line.pk}), {})
    assert response.status_code == 400
    text = page(response)
    for message in [
        "Enter where this came from.",
        "Choose the source grading.",
        "Choose the information grading.",
        "Choose the handling code.",
    ]:
        assert message in text
