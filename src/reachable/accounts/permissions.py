"""Who may do what, in one module. Views, the API and selectors all ask here.

Two kinds of rule:
- capabilities: which roles may use a feature at all (``can(user, "child.view")``);
- child scope: which children a user may see (``child_scope(user)``), from their relationship
  to the child: their own case, their team's case, or a record shared with their agency.
  Another team, agency or area sees nothing unless a share says so.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from reachable.accounts.roles import Role

R = Role
CASE_ROLES = frozenset({R.CUSTODY_PRACTITIONER, R.EXPLOITATION_PRACTITIONER, R.TEAM_MANAGER})

CAPABILITIES: dict[str, frozenset[str]] = {
    # Children's records: only roles that work with children, and only within scope.
    "child.view": CASE_ROLES | {R.PARTNER_USER},
    "child.create": CASE_ROLES,
    "child.edit": CASE_ROLES,
    "child.merge": frozenset({R.TEAM_MANAGER}),
    # Custody early intervention.
    "custody.board": frozenset({R.CUSTODY_PRACTITIONER, R.TEAM_MANAGER}),
    "custody.record": frozenset({R.CUSTODY_PRACTITIONER}),
    "custody.import": frozenset({R.CUSTODY_PRACTITIONER, R.TEAM_MANAGER}),
    "custody.inbox": CASE_ROLES | {R.PARTNER_USER},
    "custody.dashboard": frozenset({R.PROGRAMME_LEAD, R.TEAM_MANAGER}),
    # Exploitation casework: any children's or partner role may refer; the exploitation team works
    # the case; managers allocate, transfer, approve closures and run the MACE panel.
    "casework.refer": CASE_ROLES | {R.PARTNER_USER},
    "casework.view": frozenset({R.EXPLOITATION_PRACTITIONER, R.TEAM_MANAGER}),
    "casework.work": frozenset({R.EXPLOITATION_PRACTITIONER, R.TEAM_MANAGER}),
    "casework.manage": frozenset({R.TEAM_MANAGER}),
    "casework.figures": frozenset({R.TEAM_MANAGER, R.PROGRAMME_LEAD}),
    "chronology.view": CASE_ROLES | {R.PARTNER_USER},
    "chronology.add": CASE_ROLES | {R.PARTNER_USER},
    # Minimum dataset returns: submitters send their agency's returns.
    "returns.submit": frozenset({R.DATA_SUBMITTER}),
    "returns.completeness": frozenset({R.DATA_SUBMITTER, R.ANALYST, R.PROGRAMME_LEAD}),
    # Linkage works on pseudonymised records only, and only the partnership's analysts run it.
    "returns.link": frozenset({R.ANALYST}),
    # The regional baseline: analysts see exact figures; others see small numbers suppressed.
    "returns.baseline": frozenset({R.ANALYST, R.PROGRAMME_LEAD, R.PARTNERSHIP_ADMIN}),
    # Information governance. Sharing a record and breaking the glass are for people who work
    # with children; the data protection lead runs retention, subject access and restrictions.
    "sharing.share": CASE_ROLES,
    "sharing.break_glass": CASE_ROLES,
    "governance.dispute": CASE_ROLES,
    "governance.manage": frozenset({R.DATA_PROTECTION_LEAD}),
    # Configuration and oversight.
    "audit.search": frozenset({R.PARTNERSHIP_ADMIN}),
    "reference.edit": frozenset({R.PARTNERSHIP_ADMIN}),
    "users.manage": frozenset({R.PARTNERSHIP_ADMIN}),
}

# Roles that must prove a second factor before doing anything.
TWO_FACTOR_ROLES = frozenset({R.PARTNERSHIP_ADMIN})


def _roles(user: Any) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    roles: frozenset[str] = user.roles
    return roles


def can(user: Any, capability: str) -> bool:
    try:
        allowed = CAPABILITIES[capability]
    except KeyError:
        raise ValueError(f"Unknown capability {capability!r}; add it to CAPABILITIES.") from None
    return bool(_roles(user) & allowed)


def needs_two_factor(user: Any) -> bool:
    return bool(_roles(user) & TWO_FACTOR_ROLES)


def _memberships_with(user: Any, roles: frozenset[str]) -> list[Any]:
    return [m for m in user.active_memberships if m.role in roles]


def child_scope(user: Any) -> Q:
    """A filter on Child for the children this user may see. Empty for everyone else.

    A share counts only while the agreement it was made under is in force and still covers it
    (``sharing.selectors.shares_in_force``); break-glass access counts until it expires.
    """
    from reachable.children.models import Involvement
    from reachable.sharing.models import BreakGlass
    from reachable.sharing.selectors import shares_in_force

    if not can(user, "child.view"):
        return Q(pk__in=[])
    case_memberships = _memberships_with(user, CASE_ROLES)
    team_ids = [m.team_id for m in case_memberships if m.team_id]
    agency_ids = [m.agency_id for m in _memberships_with(user, CAPABILITIES["child.view"])]
    now = timezone.now()

    active = Q(ended_on__isnull=True) | Q(ended_on__gte=now.date())
    own_or_team = Involvement.objects.filter(active, child=OuterRef("pk")).filter(
        Q(worker=user) | Q(team_id__in=team_ids) if case_memberships else Q(pk__in=[])
    )
    shared = shares_in_force(agency_ids, now=now).filter(child=OuterRef("pk"))
    glass = BreakGlass.objects.filter(child=OuterRef("pk"), user=user, expires_at__gt=now)
    return Q(Exists(own_or_team)) | Q(Exists(shared)) | Q(Exists(glass))


def team_ids_for(user: Any, capability: str) -> list[int]:
    """Teams in which the user holds a role with this capability (e.g. where new children go)."""
    return team_ids_for_roles(user, CAPABILITIES[capability])


def agency_for(user: Any, capability: str) -> Any:
    """The agency in which the user holds a role with this capability (None if there is none)."""
    found = _memberships_with(user, CAPABILITIES[capability])
    return found[0].agency if found else None


def agency_ids_for(user: Any) -> list[int]:
    return [m.agency_id for m in user.active_memberships]


def involved_with(user: Any, child_id: int) -> bool:
    """Whether the user (or one of their teams) works with the child, as opposed to seeing a share."""
    from reachable.children.models import Involvement

    team_ids = team_ids_for_roles(user, CASE_ROLES)
    now = timezone.localdate()
    return (
        Involvement.objects.filter(child_id=child_id)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=now))
        .filter(Q(worker=user) | Q(team_id__in=team_ids))
        .exists()
    )


def team_ids_for_roles(user: Any, roles: frozenset[str]) -> list[int]:
    return [m.team_id for m in _memberships_with(user, roles) if m.team_id]


def chronology_scope(user: Any, child_id: int) -> Q:
    """Which chronology entries of a child (one the user may see) the user may read.

    Teams working with the child read entries for the teams involved; a partner agency the record is
    shared with reads only entries marked for sharing, and of those only the kinds of information
    its shares cover (custody contact, casework, education, health). Everyone reads their own
    agency's entries.
    """
    from reachable.sharing.selectors import chronology_kinds_shared

    own_agency = Q(agency_id__in=agency_ids_for(user))
    if involved_with(user, child_id):
        return Q(visibility__in=["involved", "shared"]) | own_agency
    return Q(visibility="shared", kind__in=chronology_kinds_shared(user, child_id)) | own_agency
