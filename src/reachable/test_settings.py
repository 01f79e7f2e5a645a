"""Settings for the test suite: the one settings module, in test mode."""

import os

os.environ.setdefault("REACHABLE_MODE", "test")

from reachable.settings import *  # noqa: F403
