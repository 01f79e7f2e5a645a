"""The README's first command: `make demo` sets up the demo on SQLite with synthetic data.

Run small, in a folder of its own, as a fresh machine would (no database yet)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_the_demo_sets_itself_up_from_nothing(tmp_path: Path) -> None:
    # The demo is SQLite by definition: even in the PostgreSQL run, no DATABASE_URL reaches it.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REACHABLE_", "DJANGO_")) and k != "DATABASE_URL"
    }
    result = subprocess.run(
        [sys.executable, "-m", "reachable.cli", "demo", "--no-serve", "--children", "150"],
        env={**clean, "REACHABLE_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Demo sign-ins" in result.stdout
    with sqlite3.connect(tmp_path / "reachable.sqlite3") as db:
        waiting = db.execute(
            "SELECT count(*) FROM casework_referral WHERE decision = 'pending'"
        ).fetchone()[0]
        returns = db.execute("SELECT count(*) FROM returns_submission").fetchone()[0]
    assert waiting >= 3  # referrals for the MACE team to triage
    assert returns > 0  # minimum dataset returns sent and checked
