from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from reachable.lib.env import envbool, envint


def test_a_bad_boolean_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REACHABLE_X", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="REACHABLE_X must be one of"):
        envbool("REACHABLE_X", False)


def test_a_number_below_its_minimum_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REACHABLE_Y", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        envint("REACHABLE_Y", 5, minimum=1)


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REACHABLE_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "reachable.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _check_deploy({})
    assert result.returncode != 0
    assert "REACHABLE_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_linkage_key(tmp_path) -> None:
    result = _check_deploy(
        {
            "REACHABLE_SECRET_KEY": "k" * 20 + "-synthetic-test-secret-" + "z9" * 10,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    assert result.returncode != 0
    assert "REACHABLE_LINKAGE_KEY" in result.stderr


def test_production_refuses_to_start_without_an_audit_key(tmp_path) -> None:
    result = _check_deploy(
        {
            "REACHABLE_SECRET_KEY": "k" * 20 + "-synthetic-test-secret-" + "z9" * 10,
            "REACHABLE_LINKAGE_KEY": "synthetic-test-linkage-key-" + "q7" * 8,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    assert result.returncode != 0
    assert "REACHABLE_AUDIT_KEY" in result.stderr


def test_production_settings_pass_the_deployment_checklist(tmp_path) -> None:
    result = _check_deploy(
        {
            "REACHABLE_SECRET_KEY": "k" * 20 + "-synthetic-test-secret-" + "z9" * 10,
            "REACHABLE_LINKAGE_KEY": "synthetic-test-linkage-key-" + "q7" * 8,
            "REACHABLE_AUDIT_KEY": "synthetic-test-audit-key-" + "w3" * 8,
            "REACHABLE_ALLOWED_HOSTS": "reachable.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
