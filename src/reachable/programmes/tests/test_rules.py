"""The programme board's rules: bad input is refused naming the field, and nothing is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from reachable.programmes import importer, services
from reachable.programmes.models import (
    Actual,
    BoardPack,
    BudgetLine,
    Programme,
    RagUpdate,
    Spend,
    Target,
)
from reachable.programmes.periods import Quarter
from reachable.programmes.tests.helpers import (
    a_deliverable,
    a_programme,
    a_target,
    board_member,
    last_quarter,
    lead,
)
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_red_or_amber_needs_a_reason_and_every_update_is_kept() -> None:
    deliverable = a_deliverable(a_programme())
    with pytest.raises(ValidationError) as refused:
        services.rag_record(
            user=lead(),
            deliverable=deliverable,
            as_at=timezone.localdate(),
            status="in_progress",
            rag="amber",
        )
    assert "reason" in _field_errors(refused)
    assert not RagUpdate.objects.exists()

    first = services.rag_record(
        user=lead(),
        deliverable=deliverable,
        as_at=timezone.localdate() - dt.timedelta(days=100),
        status="in_progress",
        rag="green",
    )
    services.rag_record(
        user=lead(),
        deliverable=deliverable,
        as_at=timezone.localdate(),
        status="in_progress",
        rag="red",
        reason="Provider withdrew.",
    )
    # A snapshot per date, not one field overwritten: the earlier green is still there.
    assert list(deliverable.updates.values_list("rag", flat=True)) == ["red", "green"]
    assert RagUpdate.objects.get(pk=first.pk).rag == "green"


def test_a_target_whose_unit_does_not_match_its_measure_is_refused() -> None:
    programme = a_programme()
    with pytest.raises(ValidationError) as refused:
        a_target(programme, unit="percent")
    assert "counted in children" in _field_errors(refused)["unit"][0]
    assert not Target.objects.exists()


def test_actuals_outside_the_period_or_on_a_live_target_are_refused() -> None:
    programme = a_programme()
    entered = a_target(programme, name="Sessions in schools", measure="", unit="sessions")
    with pytest.raises(ValidationError) as refused:
        services.actual_record(
            user=lead(),
            target=entered,
            period_starts_on=programme.starts_on - dt.timedelta(days=90),
            period_ends_on=programme.starts_on - dt.timedelta(days=1),
            value=Decimal(12),
            source="Provider return",
        )
    assert "period_starts_on" in _field_errors(refused)
    quarter = last_quarter()
    services.actual_record(
        user=lead(),
        target=entered,
        period_starts_on=quarter.starts_on,
        period_ends_on=quarter.ends_on,
        value=Decimal(12),
        source="Provider return",
    )
    with pytest.raises(ValidationError, match="overlaps"):
        services.actual_record(
            user=lead(),
            target=entered,
            period_starts_on=quarter.starts_on,
            period_ends_on=quarter.ends_on,
            value=Decimal(3),
            source="Provider return",
        )
    live = a_target(programme)
    with pytest.raises(ValidationError, match="counted live"):
        services.actual_record(
            user=lead(),
            target=live,
            period_starts_on=quarter.starts_on,
            period_ends_on=quarter.ends_on,
            value=Decimal(5),
            source="typed",
        )
    assert Actual.objects.count() == 1


def test_spend_without_a_budget_line_is_refused_naming_it(tmp_path: Path) -> None:
    programme = a_programme()
    quarter = last_quarter()
    services.budget_line_add(
        user=lead(),
        programme=programme,
        name="Staffing",
        year_starts_on=quarter.financial_year_starts_on,
        amount=Decimal(350000),
    )
    upload = tmp_path / "spend.csv"
    upload.write_text(
        "budget_line,quarter,amount,source\n"
        f"Staffing,{quarter.key()},41250.00,Ledger Q\n"
        f"Travel,{quarter.key()},900,Ledger Q\n",
        encoding="cp1252",
    )
    result = importer.spend_import(
        user=lead(), programme=programme, path=upload, filename="spend.csv"
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "budget_line")]
    assert "no budget line 'Travel'" in result.errors[0].message
    assert "Staffing" in result.errors[0].message  # the lines that do exist
    # All or nothing: the good row was not kept either.
    assert not Spend.objects.exists()

    upload.write_text(
        f"Budget Line;Quarter;Amount;Source\nStaffing;{quarter.key()};£41,250.00;Ledger Q\n",
        encoding="utf-8-sig",
    )
    result = importer.spend_import(
        user=lead(), programme=programme, path=upload, filename="spend.csv"
    )
    assert result.errors == []
    assert result.written == 1
    assert Spend.objects.get().amount == Decimal("41250.00")


def test_a_budget_line_must_start_on_the_first_of_april() -> None:
    programme = a_programme()
    with pytest.raises(ValidationError) as refused:
        services.budget_line_add(
            user=lead(),
            programme=programme,
            name="Staffing",
            year_starts_on=dt.date(programme.starts_on.year, 1, 1),
            amount=Decimal(1),
        )
    assert "year_starts_on" in _field_errors(refused)
    assert not BudgetLine.objects.exists()


def test_a_board_pack_needs_an_ended_quarter_with_something_recorded() -> None:
    programme = a_programme()
    with pytest.raises(ValidationError, match="Nothing was recorded"):
        services.pack_issue(user=lead(), programme=programme, quarter=last_quarter())
    with pytest.raises(ValidationError, match="once the quarter has ended"):
        services.pack_issue(
            user=lead(), programme=programme, quarter=Quarter.containing(timezone.localdate())
        )
    assert not BoardPack.objects.exists()


def test_a_board_member_reads_but_cannot_change_anything() -> None:
    programme = a_programme()
    member = board_member()
    client = signed_in_client(member)
    assert client.get(reverse("programmes:programme", args=[programme.pk])).status_code == 200
    for name in ("deliverable_new", "target_new", "budget_new", "risk_new", "meeting_new"):
        response = client.get(reverse(f"programmes:{name}", args=[programme.pk]))
        assert response.status_code == 403, name
    with pytest.raises(PermissionDenied):
        a_deliverable(programme, by=member)


def test_a_project_lead_changes_only_their_own_project() -> None:
    programme = a_programme()
    charity = person("partner_user", "norfolk-education", "northgate-safeguarding", username="pl")
    own = services.project_add(
        user=lead(), programme=programme, name="SOS+", delivery_partner="A charity", lead=charity
    )
    other = services.project_add(
        user=lead(), programme=programme, name="Mentoring", delivery_partner="Another charity"
    )
    mine = a_deliverable(programme, by=charity, project=own)
    with pytest.raises(PermissionDenied):
        a_deliverable(programme, by=charity, project=other)
    with pytest.raises(PermissionDenied):
        a_deliverable(programme, by=charity)  # the whole programme is the team's
    client = signed_in_client(charity)
    # They see the programme their project is in, and may update their own deliverable.
    assert client.get(reverse("programmes:programme", args=[programme.pk])).status_code == 200
    response = client.post(
        reverse("programmes:deliverable", args=[mine.pk]),
        {
            "as_at_0": timezone.localdate().day,
            "as_at_1": timezone.localdate().month,
            "as_at_2": timezone.localdate().year,
            "status": "in_progress",
            "rag": "green",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("programmes:budget_new", args=[programme.pk])).status_code == 403
    # A programme they have no project in is not disclosed.
    elsewhere = a_programme(name="Another programme")
    assert client.get(reverse("programmes:programme", args=[elsewhere.pk])).status_code == 404


def test_a_rejected_form_says_what_to_fix_and_saves_nothing() -> None:
    programme = a_programme()
    deliverable = a_deliverable(programme)
    today = timezone.localdate()
    response = signed_in_client(lead()).post(
        reverse("programmes:deliverable", args=[deliverable.pk]),
        {
            "as_at_0": today.day,
            "as_at_1": today.month,
            "as_at_2": today.year,
            "status": "in_progress",
            "rag": "red",
            "reason": "  ",
        },
    )
    assert response.status_code == 400
    assert "Say why it is amber or red" in page(response)
    assert not RagUpdate.objects.exists()
    assert Programme.objects.count() == 1


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_every_day_lies_in_exactly_one_quarter(day: dt.date) -> None:
    quarter = Quarter.containing(day)
    assert quarter.starts_on <= day <= quarter.ends_on
    assert quarter.next().starts_on == quarter.ends_on + dt.timedelta(days=1)
    assert quarter.next().previous() == quarter
    assert Quarter.parse(quarter.key()) == quarter
    assert 1 <= quarter.number <= 4


def test_small_live_counts_of_children_on_targets_are_suppressed_except_for_analysts() -> None:
    from reachable.programmes.tests.test_measures import _engaged

    programme = a_programme()
    target = a_target(programme)
    for day in (3, 9, 15):
        _engaged(programme.starts_on + dt.timedelta(days=day))
    url = reverse("programmes:target", args=[target.pk])
    member = page(signed_in_client(board_member()).get(url))
    assert '<dd class="govuk-summary-list__value">[c]</dd>' in member
    analyst = signed_in_client(person("analyst", "partnership-team", username="an1")).get(url)
    assert analyst.context["row"].to_date == 3
    exported = signed_in_client(board_member()).get(
        reverse("programmes:export", args=[programme.pk, "targets", "csv"])
    )
    assert ",[c]," in exported.content.decode()
    # A live count of children runs over whole quarters, so no window can be compared with the
    # published quarters to work out a hidden count.
    with pytest.raises(ValidationError) as refused:
        a_target(programme, starts_on=programme.starts_on + dt.timedelta(days=1))
    assert "whole quarters" in refused.value.message_dict["starts_on"][0]


def test_spend_for_a_quarter_to_come_or_twice_in_one_file_is_refused(tmp_path: Path) -> None:
    programme = a_programme()
    quarter = last_quarter()
    line = services.budget_line_add(
        user=lead(),
        programme=programme,
        name="Staffing",
        year_starts_on=quarter.financial_year_starts_on,
        amount=Decimal(1000),
    )
    with pytest.raises(ValidationError, match="has not started yet"):
        services.spend_record(
            user=lead(),
            budget_line=line,
            quarter=quarter.next().next(),
            amount=Decimal(1),
            source="Ledger",
        )
    upload = tmp_path / "spend.csv"
    upload.write_text(
        "budget_line,quarter,amount,source\n"
        f"Staffing,{quarter.key()},10,Ledger\nStaffing,{quarter.key()},12,Ledger\n"
    )
    result = importer.spend_import(user=lead(), programme=programme, path=upload, filename="s.csv")
    assert [(e.row, e.column) for e in result.errors] == [(3, "quarter")]
    assert not Spend.objects.exists()


def test_a_project_of_another_programme_is_refused() -> None:
    mine, theirs = a_programme(), a_programme(name="Another programme")
    elsewhere = services.project_add(
        user=lead(), programme=theirs, name="Elsewhere", delivery_partner="A charity"
    )
    with pytest.raises(ValidationError) as refused:
        a_target(mine, name="Sessions", measure="", unit="sessions", project=elsewhere)
    assert "project" in refused.value.message_dict
    assert not Target.objects.exists()
