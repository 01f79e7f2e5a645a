"""Fixtures for every app's tests: the bundled partnership, minimum dataset specification and
population reference are loaded once per test database."""

from __future__ import annotations

import os

import pytest

from reachable.browser import browser_page  # noqa: F401 - a fixture for the browser tests
from reachable.core.services import partnership_load
from reachable.returns.population import population_load_bundled
from reachable.returns.spec import specs_load_all

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        partnership_load()
        specs_load_all()
        population_load_bundled()


@pytest.fixture(autouse=True)
def files_of_this_test(settings, tmp_path):
    """Each test keeps its files apart: audit heads from another test's database would (rightly)
    fail verification, and uploads waiting on disk belong to one test's jobs."""
    settings.REACHABLE_AUDIT_HEAD_FILE = tmp_path / "audit-heads.jsonl"
    settings.REACHABLE_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits count calls in the cache: a client of an earlier test (whose row id the
    database reuses after a rollback) must not spend this test's allowance."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def norfolk_worker(db):
    from reachable.testing import person

    return person(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="tom.worker"
    )


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port; Django sends to it by SMTP.
    Yields the list of messages received, each an ``email.message.EmailMessage``."""
    import email
    import email.policy
    import socket

    from aiosmtpd.controller import Controller

    received: list[email.message.EmailMessage] = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            received.append(message)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    try:
        yield received
    finally:
        controller.stop()
