from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.children.selectors import children_visible
from reachable.core.models import Code, Team
from reachable.custody import services
from reachable.custody.models import ConcernShare
from reachable.testing import person, signed_in_client

pytestmark = pytest.mark.django_db


def _code(key: str, code: str) -> Code:
    return Code.objects.get(code_list__key=key, code=code)


def _share(priya, detention, team_slug: str, summary: str = "x"):
    """A concern shared by phone with one team of the bundled partnership."""
    return services.concern_share(
        user=priya,
        detention=detention,
        to_team=Team.objects.get(slug=team_slug),
        method=_code("share-method", "phone"),
        summary=summary,
    )


def test_a_refusal_needs_a_reason_and_is_recorded_with_respect(priya, detention) -> None:
    with pytest.raises(ValidationError) as error:
        services.engagement_record(
            user=priya, detention=detention, attempted_at=timezone.now(), engaged=False
        )
    assert error.value.message_dict == {
        "reason_not_engaged": ["Say why the child was not engaged this time."]
    }
    engagement = services.engagement_record(
        user=priya,
        detention=detention,
        attempted_at=timezone.now(),
        engaged=False,
        reason_not_engaged=_code("engagement-not-reason", "declined"),
    )
    assert engagement.reason_not_engaged is not None
    assert engagement.reason_not_engaged.label == "Chose not to talk this time"


def test_a_visit_cannot_be_before_the_child_arrived(priya, detention) -> None:
    with pytest.raises(ValidationError) as error:
        services.engagement_record(
            user=priya,
            detention=detention,
            attempted_at=detention.arrived_at - dt.timedelta(minutes=1),
            engaged=True,
        )
    assert "after the child arrived" in error.value.message_dict["attempted_at"][0]


def test_the_childs_words_and_topics_are_kept(priya, detention) -> None:
    engagement = services.engagement_record(
        user=priya,
        detention=detention,
        attempted_at=timezone.now(),
        engaged=True,
        topics=[_code("engagement-topic", "getting-home")],
        childs_words="I just want to get home to my mum",
    )
    assert list(engagement.topics.values_list("code", flat=True)) == ["getting-home"]
    assert engagement.childs_words == "I just want to get home to my mum"


def test_a_london_child_is_routed_to_the_repatriation_service(detention) -> None:
    assert services.suggested_team(detention) == Team.objects.get(slug="homeward-caseworkers")


def test_the_recipient_sees_the_concern_at_once_and_acknowledges_it(priya, detention) -> None:
    share = _share(
        priya, detention, "homeward-caseworkers", "Owes money to older boys; scared to go home"
    )
    caseworker = person(
        "exploitation_practitioner",
        "homeward-repatriation",
        "homeward-caseworkers",
        username="homeward.worker",
    )
    client = signed_in_client(caseworker)
    inbox = client.get("/custody/inbox/")
    assert "Kai Adeyemi" in inbox.content.decode()
    assert client.post(f"/custody/inbox/{share.pk}/").status_code == 302
    share.refresh_from_db()
    assert share.acknowledged_by == caseworker


def test_a_share_shows_what_was_shared_but_not_the_childs_record(priya, detention, kai) -> None:
    share = _share(priya, detention, "homeward-caseworkers", "Needs a safe way home")
    caseworker = person(
        "exploitation_practitioner",
        "homeward-repatriation",
        "homeward-caseworkers",
        username="homeward.two",
    )
    client = signed_in_client(caseworker)
    assert client.get(f"/custody/inbox/{share.pk}/").status_code == 200
    assert kai not in children_visible(caseworker)
    assert client.get(f"/children/{kai.pk}/").status_code == 404
    assert client.get(f"/custody/detentions/{detention.pk}/").status_code == 403


def test_only_the_recipient_team_can_acknowledge(priya, detention) -> None:
    share = _share(priya, detention, "norfolk-mash")
    with pytest.raises(ValidationError):
        services.concern_acknowledge(user=priya, share=share)


def test_unacknowledged_shares_escalate_once(priya, detention) -> None:
    share = _share(priya, detention, "norfolk-mash")
    assert services.concerns_escalate(older_than=dt.timedelta(hours=1)) == 0
    later = timezone.now() + dt.timedelta(hours=2)
    assert services.concerns_escalate(older_than=dt.timedelta(hours=1), now=later) == 1
    assert services.concerns_escalate(older_than=dt.timedelta(hours=1), now=later) == 0
    share.refresh_from_db()
    assert share.escalated_at == later


def test_an_empty_summary_is_refused(priya, detention) -> None:
    with pytest.raises(ValidationError):
        services.concern_share(
            user=priya,
            detention=detention,
            to_team=Team.objects.get(slug="norfolk-mash"),
            method=_code("share-method", "phone"),
            summary="  ",
        )
    assert not ConcernShare.objects.exists()


def test_the_live_board_shows_children_detained_now_newest_first(
    priya, detention, wymondham, pwits_a
) -> None:
    from reachable.custody.selectors import live_board
    from reachable.testing import make_child

    newer_child = make_child()
    arrested = timezone.now() - dt.timedelta(minutes=50)
    newer = services.detention_record(
        user=priya,
        child=newer_child,
        suite=wymondham,
        arrested_at=arrested,
        arrived_at=arrested + dt.timedelta(minutes=20),
        offence=pwits_a,
    )
    board = list(live_board(priya))
    assert board == [newer, detention]
    services.detention_release(user=priya, detention=newer, released_at=timezone.now())
    assert list(live_board(priya)) == [detention]


def test_community_support_is_followed_to_closure(priya, detention) -> None:
    offer = services.community_offer_record(user=priya, detention=detention, accepted=True)
    services.community_offer_update(user=priya, offer=offer, sessions=3, outcome="open")
    assert offer.closed_at is None
    services.community_offer_update(user=priya, offer=offer, sessions=6, outcome="completed")
    offer.refresh_from_db()
    assert (offer.sessions, offer.outcome) == (6, "completed")
    assert offer.closed_at is not None


def test_no_sessions_for_support_the_child_declined(priya, detention) -> None:
    offer = services.community_offer_record(user=priya, detention=detention, accepted=False)
    with pytest.raises(ValidationError) as error:
        services.community_offer_update(user=priya, offer=offer, sessions=2, outcome="open")
    assert "did not accept" in error.value.message_dict["sessions"][0]
