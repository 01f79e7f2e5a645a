"""Who may do what, in one module. Views, the API and selectors all ask here.

This module is the table of capabilities: which roles may use a feature at all
(``can(user, "child.view")``). It imports no feature app. Which *records* a user may read or write
is decided by one access module per kind of record, each built on this table:
``children.access`` (a child), ``casework.access`` (cases, referrals, panels, actions, the
chronology), ``custody.access`` (detentions, concerns, imports), ``sharing.access`` (shares and
restrictions), ``lines.access`` (county lines), ``programmes.access`` (programmes). Another team,
agency or area sees nothing unless a share says so.
"""

from __future__ import annotations

from typing import Any

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
    # Actions agreed at a panel or on a case can be owned by anyone working with the child,
    # partners included: each owner follows and closes their own.
    "casework.own_actions": CASE_ROLES | {R.PARTNER_USER},
    "chronology.add": CASE_ROLES | {R.PARTNER_USER},
    # Minimum dataset returns: submitters send their agency's returns.
    "returns.submit": frozenset({R.DATA_SUBMITTER}),
    "returns.completeness": frozenset({R.DATA_SUBMITTER, R.ANALYST, R.PROGRAMME_LEAD}),
    # Linkage works on pseudonymised records only, and only the partnership's analysts run it.
    "returns.link": frozenset({R.ANALYST}),
    # The regional baseline: analysts see exact figures; others see small numbers suppressed.
    "returns.baseline": frozenset({R.ANALYST, R.PROGRAMME_LEAD, R.PARTNERSHIP_ADMIN}),
    # The county lines network picture: intelligence roles read and record lines, deal numbers,
    # places and children's links (as pseudonyms); the partnership sees the picture in aggregate.
    "lines.view": frozenset({R.INTELLIGENCE_OFFICER}),
    "lines.edit": frozenset({R.INTELLIGENCE_OFFICER}),
    "lines.picture": frozenset(
        {R.INTELLIGENCE_OFFICER, R.ANALYST, R.PROGRAMME_LEAD, R.TEAM_MANAGER}
    ),
    # The programme board: the programme team (named editors of a programme) edit it; board
    # members (the same role, not named editors) read; a project's lead edits that project's
    # deliverables and targets (``programmes.access``). The partnership picture is aggregate.
    "programmes.view": frozenset({R.PROGRAMME_LEAD, R.ANALYST}),
    "programmes.edit": frozenset({R.PROGRAMME_LEAD}),
    "programmes.picture": frozenset(
        {R.PROGRAMME_LEAD, R.ANALYST, R.TEAM_MANAGER, R.PARTNERSHIP_ADMIN}
    ),
    # The learning hub: anyone in the partnership may write up a practice example; reviewers
    # (the programme team and team managers) publish them. Published items are public.
    "learning.write": frozenset(Role.values),
    "learning.review": frozenset({R.PROGRAMME_LEAD, R.TEAM_MANAGER}),
    # Events: the programme team and admins organise sessions and see who registered (members
    # of the public, with their access needs); registering needs no account.
    "events.manage": frozenset({R.PROGRAMME_LEAD, R.PARTNERSHIP_ADMIN}),
    # The outbox (what was sent, what failed): admins only, it holds addresses.
    "notifications.outbox": frozenset({R.PARTNERSHIP_ADMIN}),
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


def holds(user: Any, role: str) -> bool:
    """Whether the user holds this role in an active membership."""
    return role in _roles(user)


def needs_two_factor(user: Any) -> bool:
    return bool(_roles(user) & TWO_FACTOR_ROLES)


def _memberships_with(user: Any, roles: frozenset[str]) -> list[Any]:
    return [m for m in user.active_memberships if m.role in roles]


def team_ids_for(user: Any, capability: str) -> list[int]:
    """Teams in which the user holds a role with this capability (e.g. where new children go)."""
    return team_ids_for_roles(user, CAPABILITIES[capability])


def agency_for(user: Any, capability: str) -> Any:
    """The agency in which the user holds a role with this capability (None if there is none)."""
    found = _memberships_with(user, CAPABILITIES[capability])
    return found[0].agency if found else None


def agency_ids_for(user: Any) -> list[int]:
    return [m.agency_id for m in user.active_memberships]


def team_ids_for_roles(user: Any, roles: frozenset[str]) -> list[int]:
    return [m.team_id for m in _memberships_with(user, roles) if m.team_id]
