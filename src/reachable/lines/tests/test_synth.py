"""The synthetic lines look like seed 003's picture, so the demo's map and graph show it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reachable.lines import network, services
from reachable.lines.models import DealNumber, Line, LineStatus
from reachable.lines.synth import synth_lines
from reachable.lines.tests.helpers import officer

pytestmark = pytest.mark.django_db


def test_synthetic_lines_follow_the_seeds_picture() -> None:
    made = synth_lines(seed=3, user_id=officer().pk, lines=120)
    assert made["lines"] == 120
    london = Line.objects.filter(origin__area__parent__slug="london").count()
    assert london / 120 > 0.5  # most lines run from London
    assert Line.objects.filter(model=Line.Model.SATELLITE).exists()
    net = network.network(network.Filters(network.period_of("", today=timezone.localdate())))
    assert "Ipswich" in [t.name for t in net.hubs]  # receives from London, sends its own
    statuses = {services.status_now(line).status for line in Line.objects.all()}  # type: ignore[union-attr]
    assert {"active", "closed", "re_emerged"} <= statuses
    # Ofcom's drama range only: no real phone number.
    assert all(
        n.startswith("07700900") for n in DealNumber.objects.values_list("number", flat=True)
    )
    # Every line's first status is "active" from its first sighting.
    for line in Line.objects.all()[:20]:
        first_status = LineStatus.objects.filter(line=line).order_by("since", "pk").first()
        assert first_status is not None
        assert first_status.since == services.seen_between(line)[0]
