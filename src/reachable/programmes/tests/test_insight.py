"""Stakeholder mapping and policy review: responses counted by theme and county; a review moves
on only with what it found and recommends."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reachable.core.models import Code
from reachable.lines.tests.helpers import county
from reachable.programmes import services
from reachable.programmes.models import PolicyReview, StakeholderResponse
from reachable.programmes.tests.helpers import a_programme, board_member, lead
from reachable.testing import page, signed_in_client

pytestmark = pytest.mark.django_db


def _theme(code: str) -> Code:
    return Code.objects.get(code_list__key="stakeholder-theme", code=code)


def _respond(programme, where: str, *themes: str) -> StakeholderResponse:
    return services.response_record(
        user=lead(),
        programme=programme,
        kind="survey",
        area=county(where),
        received_on=timezone.localdate(),
        respondent_role="School safeguarding lead",
        summary="Children are groomed through social media and paid in cash.",
        themes=[_theme(t) for t in themes],
    )


def test_responses_are_counted_per_theme_and_county() -> None:
    programme = a_programme()
    _respond(programme, "Norfolk", "grooming", "transport")
    _respond(programme, "Norfolk", "grooming")
    _respond(programme, "Essex", "barriers")
    response = signed_in_client(board_member()).get(
        reverse("programmes:stakeholders", args=[programme.pk])
    )
    tally = {theme.code: row for theme, row in response.context["tally"]}
    assert [c.name for c in response.context["counties"]] == ["Essex", "Norfolk"]
    assert tally["grooming"] == [0, 2]
    assert tally["transport"] == [0, 1]
    assert tally["barriers"] == [1, 0]
    assert "Record a response" not in page(response)  # a board member reads only


def test_a_response_needs_a_theme_and_a_review_needs_its_finding() -> None:
    programme = a_programme()
    with pytest.raises(ValidationError) as refused:
        _respond(programme, "Norfolk")
    assert "themes" in refused.value.message_dict
    assert not StakeholderResponse.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.policy_record(
            user=lead(),
            programme=programme,
            policy_area="Missing children",
            document="Missing from home protocol",
            owner="Children's services",
            status="recommended",
            finding="Return interviews are not offered out of hours.",
        )
    assert "recommendation" in refused.value.message_dict
    assert not PolicyReview.objects.exists()
