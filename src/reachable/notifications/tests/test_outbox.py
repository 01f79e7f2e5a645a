"""The outbox: nothing lost when the mail server refuses, nothing sent for a change rolled
back, nothing sent twice when two senders run, and each person's preferences kept."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reachable.notifications.models import Email
from reachable.notifications.services import digest_send, notify, outbox_send, outbox_tidy
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _referral_email(user: Any = None, to: str = "team@example.org") -> Email | None:
    return notify(
        "casework.referral_received",
        to=to,
        user=user,
        context={"team": "Norfolk MACE", "link": "/casework/referrals/"},
    )


def test_an_email_reaches_the_smtp_server_and_never_names_the_child(smtp_server: Any) -> None:
    _referral_email()
    assert outbox_send() == (1, 0)
    (message,) = smtp_server
    assert message["Subject"] == "A referral has been received by Norfolk MACE"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "http://127.0.0.1:8000/casework/referrals/" in body
    assert Email.objects.get().state == "sent"
    assert outbox_send() == (0, 0)  # sent once


def test_a_refusing_mail_server_means_retries_with_backoff_then_failed(settings: Any) -> None:
    with socket.socket() as probe:  # a port with nothing listening: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    email = _referral_email()
    assert email is not None
    assert outbox_send() == (0, 1)
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in email.last_error
    wait = email.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(minutes=1)
    assert outbox_send() == (0, 0)  # not due yet
    for _ in range(5):
        Email.objects.update(next_attempt_at=timezone.now())
        outbox_send()
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", 6)
    admin = person("partnership_admin", "partnership-team", username="the.admin")
    shown = page(signed_in_client(admin).get(reverse("notifications:outbox")))
    assert "Given up after retries after 6 attempts" in shown


def test_a_change_rolled_back_sends_nothing() -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            _referral_email()
            raise RuntimeError("the referral failed to save")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not Email.objects.exists()


def test_a_second_sender_does_not_send_what_the_first_has_claimed(smtp_server: Any) -> None:
    _referral_email()
    Email.objects.update(next_attempt_at=timezone.now() + dt.timedelta(minutes=10))  # a lease
    assert outbox_send() == (0, 0)
    assert smtp_server == []


def test_a_dedupe_key_writes_an_email_once() -> None:
    from reachable.events.tests.helpers import a_session, sign_up

    ann = sign_up(a_session(), "ann")
    context = {"session": ann.session, "registration": ann, "token": "t", "when": "7d"}
    kept = notify("events.reminder", to=ann.email, context=context, dedupe_key="k:1")
    again = notify("events.reminder", to=ann.email, context=context, dedupe_key="k:1")
    assert kept is not None
    assert again is None
    assert Email.objects.filter(dedupe_key="k:1").count() == 1


def test_preferences_turn_off_or_gather_emails_but_not_those_that_must_be_sent(
    smtp_server: Any,
) -> None:
    worker = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    client = signed_in_client(worker)
    assert "Break-glass access to a record" in page(
        client.get(reverse("notifications:preferences"))
    )
    client.post(
        reverse("notifications:preferences"),
        {"casework.referral_received": "daily", "custody.concern_shared": "off"},
    )
    _referral_email(user=worker, to="worker@example.org")
    _referral_email(user=worker, to="worker@example.org")
    notify(
        "custody.concern_shared",
        to="worker@example.org",
        user=worker,
        context={"team": "Norfolk MACE", "link": "/"},
    )
    states = sorted(Email.objects.values_list("state", flat=True))
    assert states == ["digest", "digest", "off"]
    assert outbox_send() == (0, 0)
    assert digest_send() == 1
    assert outbox_send() == (1, 0)
    (summary,) = smtp_server
    assert summary["Subject"] == "Your daily summary from Reachable (2)"
    assert sorted(Email.objects.values_list("state", flat=True)) == [
        "digested",
        "digested",
        "off",
        "sent",
    ]


def test_old_sent_emails_lose_their_address_and_content_but_keep_their_key() -> None:
    for state in ["sent", "failed"]:
        email = _referral_email()
        assert email is not None
        Email.objects.filter(pk=email.pk).update(
            state=state, created_at=timezone.now() - dt.timedelta(days=40)
        )
    assert outbox_tidy() == 1
    assert outbox_tidy() == 0
    rows = dict(Email.objects.values_list("state", "to"))
    assert rows == {"sent": "", "failed": "team@example.org"}
