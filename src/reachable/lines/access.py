"""Who may read and record county lines intelligence, and what the rest of the partnership sees.

- Intelligence roles (``lines.view`` / ``lines.edit``) read and record lines, deal numbers in
  clear, places of concern with their addresses, sightings, disruption and children's links.
  A child appears there only as a pseudonym: the intelligence picture never names a child, and
  linking one needs the police identifier the officer already holds.
- The partnership (``lines.picture``) sees the network in aggregate: flows between towns and
  counties, hubs, figures per county. No line names, numbers, addresses or children; counts of
  children are suppressed below the partnership's threshold for everyone but intelligence roles.
- On a child's own record the links show only to someone who both works with the child and holds
  an intelligence role; to nobody else.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from reachable.accounts.permissions import can
from reachable.children.access import Basis, basis_of


def may_read_intelligence(user: Any) -> bool:
    return can(user, "lines.view")


def may_see_picture(user: Any) -> bool:
    return can(user, "lines.picture")


def exact_child_counts(user: Any) -> bool:
    """Whether counts of children are shown exactly (else small numbers are suppressed)."""
    return may_read_intelligence(user)


def read_check(user: Any) -> None:
    if not may_read_intelligence(user):
        raise PermissionDenied("County lines intelligence is for intelligence roles only.")


def write_check(user: Any, doing: str) -> None:
    """The one check before any change to the lines picture."""
    if not can(user, "lines.edit"):
        raise ValidationError(f"Your role cannot {doing}: that is for intelligence officers.")


def may_see_links_on_record(user: Any, child_id: int) -> bool:
    """A child's links to lines show on their record only to an intelligence role working with
    the child."""
    return may_read_intelligence(user) and basis_of(user, child_id) is Basis.WORKING


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 under the partnership's pseudonymisation key: equal values match across
    records without the value being shown."""
    key = str(settings.REACHABLE_LINKAGE_KEY).encode()
    return hmac.new(key, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()


def child_pseudonym(child_id: int) -> str:
    """How the intelligence picture refers to a child: stable, and meaningless without the key."""
    return "C-" + keyed_hash("lines-child", str(child_id))[:8].upper()
