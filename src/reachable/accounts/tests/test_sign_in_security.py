from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP

from reachable.accounts.models import User
from reachable.accounts.services import totp_device_for
from reachable.testing import PASSWORD, page, person

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/sign-in/", {"username": username, "password": password})


def _current_code(user: User) -> str:
    device = totp_device_for(user)
    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )


def test_a_practitioner_signs_in_with_the_right_password(norfolk_worker) -> None:
    response = _sign_in(Client(), "tom.worker", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_locks_the_account_after_five_wrong_passwords(norfolk_worker) -> None:
    client = Client()
    for _ in range(4):
        response = _sign_in(client, "tom.worker", "wrong-password")
        assert response.status_code == 200
        assert "Enter a correct username and password" in page(response)
    response = _sign_in(client, "tom.worker", "wrong-password")
    assert response.status_code == 429
    # Even the right password is refused while locked.
    response = _sign_in(client, "tom.worker", PASSWORD)
    assert response.status_code == 429
    assert "This account is locked for now" in page(response)
    assert "_auth_user_id" not in client.session


def test_an_admin_must_give_a_code_before_anything_else() -> None:
    admin = person("partnership_admin", "partnership-team", username="admin.otp")
    client = Client()
    response = _sign_in(client, "admin.otp", PASSWORD)
    assert response["Location"].startswith("/accounts/two-factor/")
    blocked = client.get("/audit/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/accounts/two-factor/")
    assert client.get("/api/children/?q=x").status_code == 403

    enrol = client.get("/accounts/two-factor/")
    assert "Set up your authenticator app" in page(enrol)
    right = client.post("/accounts/two-factor/?next=/audit/", {"token": _current_code(admin)})
    assert right.status_code == 302
    assert right["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert totp_device_for(admin).confirmed


def test_practitioners_are_not_asked_for_a_code(norfolk_worker) -> None:
    client = Client()
    _sign_in(client, "tom.worker", PASSWORD)
    assert client.get("/children/").status_code == 200


def test_sessions_expire_after_idle_time_and_on_browser_close(settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_it_refuses_a_short_password() -> None:
    from django.core.exceptions import ValidationError

    from reachable.accounts.services import user_create

    with pytest.raises(ValidationError) as error:
        user_create(username="new.person", password="short1")
    assert any("too short" in m for m in error.value.messages)
    assert not User.objects.filter(username="new.person").exists()


def test_a_wrong_code_keeps_the_admin_out() -> None:
    admin = person("partnership_admin", "partnership-team", username="admin.wrong")
    client = Client()
    _sign_in(client, "admin.wrong", PASSWORD)
    wrong = "000000" if _current_code(admin) != "000000" else "111111"
    response = client.post("/accounts/two-factor/", {"token": wrong})
    assert "The code is not right" in page(response)
    assert client.get("/audit/").status_code == 302


def test_guesses_spread_over_many_addresses_still_lock_the_account(
    norfolk_worker, settings
) -> None:
    settings.REACHABLE_LOCKOUT_ACCOUNT_FAILURES = 8
    # Four wrong passwords from each of two addresses: under the per-address limit of five.
    for address in ("192.0.2.1", "192.0.2.2"):
        client = Client(REMOTE_ADDR=address)
        for _ in range(4):
            assert _sign_in(client, "tom.worker", "guess").status_code == 200
    # A third address, with the right password: the account is locked for now.
    client = Client(REMOTE_ADDR="192.0.2.3")
    response = _sign_in(client, "tom.worker", PASSWORD)
    assert "This account is locked for now" in page(response)
    assert "_auth_user_id" not in client.session
    # Another account is unaffected.
    other = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", "ann.other")
    assert _sign_in(Client(REMOTE_ADDR="192.0.2.3"), other.username, PASSWORD).status_code == 302


def test_failed_sign_ins_are_in_the_audit_log_without_the_password(norfolk_worker) -> None:
    from reachable.audit.models import AuditEvent

    _sign_in(Client(REMOTE_ADDR="192.0.2.9"), "tom.worker", "not-the-password-x")
    event = AuditEvent.objects.get(action="signin.failed")
    assert event.detail["username"] == "tom.worker"
    assert event.detail["address"] == "192.0.2.9"
    assert "not-the-password-x" not in str(event.detail)
