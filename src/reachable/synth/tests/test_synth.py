from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction

from reachable.children.models import Child
from reachable.synth import generator
from reachable.synth.denylist import is_denied
from reachable.synth.services import synth_partnership

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _fingerprint() -> list[tuple]:
    return list(
        Child.objects.order_by("pk").values_list(
            "given_name",
            "family_name",
            "date_of_birth",
            "sex__code",
            "ethnicity__code",
            "home_la__slug",
        )
    )


def _synth_then_roll_back(seed: int, children: int) -> list[tuple]:
    try:
        with transaction.atomic():
            synth_partnership(seed=seed, children=children)
            result = _fingerprint()
            raise _Rollback
    except _Rollback:
        return result


def test_the_same_seed_gives_the_same_children() -> None:
    first = _synth_then_roll_back(seed=7, children=300)
    second = _synth_then_roll_back(seed=7, children=300)
    assert len(first) == 300
    assert first == second


def test_a_different_seed_gives_different_children() -> None:
    assert _synth_then_roll_back(seed=1, children=100) != _synth_then_roll_back(
        seed=2, children=100
    )


def test_the_cohort_matches_the_seed_figures() -> None:
    summary = synth_partnership(seed=3, children=5000, with_demo_users=False)
    assert summary.children == 5000
    children = list(
        Child.objects.values_list(
            "date_of_birth",
            "sex__code",
            "ethnicity__code",
            "home_la__partnership",
            "home_la__parent__slug",
        )
    )
    ages = Counter(
        generator.REFERENCE_DATE.year
        - dob.year
        - ((generator.REFERENCE_DATE.month, generator.REFERENCE_DATE.day) < (dob.month, dob.day))
        for dob, *_ in children
    )
    assert min(ages) >= 10
    assert max(ages) <= 19
    assert 0.55 < sum(ages[a] for a in (15, 16, 17)) / 5000 < 0.75  # most are 15-17
    female = sum(1 for _, sex, *_ in children if sex == "F") / 5000
    assert 0.07 < female < 0.13  # about 10%
    black_or_mixed_black = (
        sum(
            1
            for *_, eth, _, _ in [(c[0], c[1], c[2], c[3], c[4]) for c in children]
            if eth in {"BCRB", "BAFR", "BOTH", "MWBC", "MWBA"}
        )
        / 5000
    )
    assert black_or_mixed_black > 0.15  # several times the ~3% of the local 10-17 population
    out_of_partnership = (
        sum(1 for *_, in_partnership, _ in children if in_partnership is None) / 5000
    )
    london = sum(1 for *_, region in children if region == "london") / 5000
    assert 0.18 < out_of_partnership < 0.30
    assert london > 0.15


def test_it_never_produces_a_name_from_the_source_documents() -> None:
    synth_partnership(seed=5, children=2000, with_demo_users=False)
    assert not any(
        is_denied(g, f) for g, f in Child.objects.values_list("given_name", "family_name")
    )


def test_demo_users_are_created_once() -> None:
    from reachable.accounts.models import User

    synth_partnership(seed=1, children=10)
    synth_partnership(seed=2, children=10)
    assert User.objects.filter(username="custody.norfolk").count() == 1
    assert User.objects.get(username="admin").roles == {"partnership_admin"}


def test_ages_are_calibrated_on_a_fixed_day() -> None:
    assert dt.date(2026, 10, 1) == generator.REFERENCE_DATE
