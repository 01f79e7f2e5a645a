"""The demo's programmes have the seeds' shape and obey the module's own rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from reachable.programmes.models import Programme, RagUpdate, Target
from reachable.programmes.pack import pack_build
from reachable.programmes.periods import Quarter
from reachable.programmes.synth import synth_programmes
from reachable.synth.services import system_user

pytestmark = pytest.mark.django_db


def test_the_demo_programmes_read_like_the_seeds() -> None:
    assert synth_programmes(seed=1, user_id=system_user().pk) == 2
    pathfinder = Programme.objects.get(name__startswith="County Lines Pathfinder")
    eiyf = Programme.objects.get(name__startswith="Early Intervention")
    assert pathfinder.budget.aggregate(n=Sum("amount"))["n"] == Decimal(1_300_000)
    assert eiyf.budget.aggregate(n=Sum("amount"))["n"] == Decimal(700_000)
    assert pathfinder.objectives.count() == 6
    assert pathfinder.themes.count() == 8
    assert eiyf.projects.count() == 6
    engaged = Target.objects.get(programme=pathfinder, measure="custody.children_engaged")
    assert engaged.target == 100
    assert Target.objects.get(programme=eiyf, name="Preventative sessions in schools").target == 120
    # Every amber or red carries a reason, as the service demands.
    assert not RagUpdate.objects.filter(rag__in=["amber", "red"], reason="").exists()
    assert RagUpdate.objects.filter(rag="red").exists()
    last = Quarter.containing(pathfinder.starts_on).next().next()
    assert pack_build(pathfinder, last).has_data
    # Set up twice, the demo keeps one copy.
    assert synth_programmes(seed=1, user_id=system_user().pk) == 0
