"""Every returns test keeps its uploads, accepted returns and linkage runs in its own folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def returns_dir(settings, tmp_path):
    settings.REACHABLE_RETURNS_DIR = tmp_path
    return tmp_path
