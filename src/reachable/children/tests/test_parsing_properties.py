"""Property-based tests for what practitioners type: queries, dates and identifiers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from reachable.children.identifiers import normalise_identifier, validate_identifier
from reachable.children.matching import fold, name_affixes, name_key, parse_date, parse_query


@given(st.text(max_size=200))
def test_parsing_any_text_never_fails(text: str) -> None:
    parsed = parse_query(text)
    assert all(fold(n) for n in parsed.names)
    assert all(i == normalise_identifier(i) for i in parsed.identifiers)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_uk_and_iso_dates_read_back_as_the_same_day(day: dt.date) -> None:
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_date(f"{day.day:02d}.{day.month:02d}.{day.year}") == day
    assert parse_date(day.isoformat()) == day
    assert parse_query(f"Sam {day:%d/%m/%Y}").date_of_birth == day


def test_impossible_dates_are_not_dates() -> None:
    assert parse_date("31/02/2010") is None
    assert parse_date("2010-13-01") is None


@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'-", min_size=1, max_size=30
    )
)
def test_name_keys_ignore_case(name: str) -> None:
    assert name_key(name) == name_key(name.upper()) == name_key(name.lower())
    assert name_affixes(name) == name_affixes(name.swapcase())


@given(st.text(max_size=40))
def test_normalising_an_identifier_is_idempotent(value: str) -> None:
    once = normalise_identifier(value)
    assert normalise_identifier(once) == once
    assert once.isalnum() or once == ""


@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=9_999_999),
    st.sampled_from("ABCDEFGHJKLMNPQRTUVWXYZ"),
)
def test_police_identifiers_in_the_usual_format_are_accepted(
    year: int, number: int, letter: str
) -> None:
    assert (
        validate_identifier("police", f"{year:02d}/{number}{letter}")
        == f"{year:02d}/{number}{letter}"
    )


@given(st.text(max_size=12).filter(lambda s: not any(c.isdigit() for c in s)))
def test_police_identifiers_without_digits_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_identifier("police", value)


def test_nhs_numbers_are_checked_with_modulus_11() -> None:
    assert validate_identifier("nhs", "943 476 5919") == "9434765919"
    with pytest.raises(ValidationError, match="check digit"):
        validate_identifier("nhs", "9434765918")
