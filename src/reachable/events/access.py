"""Who may see and do what with events.

- Sessions and series are public: anyone reads them and registers (no account).
- A registrant reaches their own registration only through the signed link in their emails.
- Registrations (names, emails, access needs), attendance, feedback and evaluation results are
  for organisers (``events.manage``); every read of a registration list is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from reachable.accounts.permissions import can


def may_organise(user: Any) -> bool:
    return bool(user.is_authenticated) and can(user, "events.manage")


def organise_check(user: Any) -> None:
    if not may_organise(user):
        raise PermissionDenied("Only the events' organisers see registrations.")
