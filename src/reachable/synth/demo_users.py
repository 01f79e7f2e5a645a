"""Synthetic people who sign in to the demo: one for each role, placed in the bundled partnership."""

from __future__ import annotations

from dataclasses import dataclass

from reachable.accounts.roles import Role

DEMO_PASSWORD = "reachable-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    agency: str
    team: str | None
    job_title: str


DEMO_USERS = [
    DemoUser(
        "custody.norfolk",
        "Priya",
        "Ashdown",
        Role.CUSTODY_PRACTITIONER,
        "norfolk-yjs",
        "norfolk-custody-ei",
        "Early intervention custody worker",
    ),
    DemoUser(
        "mace.norfolk",
        "Tom",
        "Ellery",
        Role.EXPLOITATION_PRACTITIONER,
        "norfolk-childrens",
        "norfolk-mace",
        "MACE practitioner",
    ),
    DemoUser(
        "manager.norfolk",
        "Grace",
        "Okafor",
        Role.TEAM_MANAGER,
        "norfolk-childrens",
        "norfolk-mace",
        "MACE team manager",
    ),
    DemoUser(
        "safe.cambs",
        "Lewis",
        "Marchant",
        Role.EXPLOITATION_PRACTITIONER,
        "cambs-yss",
        "cambs-safe",
        "SAFE trusted-relationship worker",
    ),
    DemoUser(
        "school.norfolk",
        "Hannah",
        "Pryce",
        Role.PARTNER_USER,
        "norfolk-education",
        "northgate-safeguarding",
        "Designated safeguarding lead",
    ),
    DemoUser(
        "submitter.suffolk",
        "Owen",
        "Talbot",
        Role.DATA_SUBMITTER,
        "suffolk-yjs",
        None,
        "Performance officer",
    ),
    DemoUser(
        "analyst",
        "Mira",
        "Castellan",
        Role.ANALYST,
        "partnership-team",
        None,
        "Partnership analyst",
    ),
    DemoUser(
        "intel.essex",
        "Callum",
        "Reyes",
        Role.INTELLIGENCE_OFFICER,
        "essex-police",
        None,
        "Intelligence officer",
    ),
    DemoUser(
        "programme.lead",
        "Ruth",
        "Stanhope",
        Role.PROGRAMME_LEAD,
        "partnership-team",
        None,
        "Programme manager",
    ),
    DemoUser(
        "admin",
        "Sam",
        "Whitlock",
        Role.PARTNERSHIP_ADMIN,
        "partnership-team",
        None,
        "Partnership admin",
    ),
    DemoUser(
        "dpo.partnership",
        "Noor",
        "Haddad",
        Role.DATA_PROTECTION_LEAD,
        "partnership-team",
        None,
        "Data protection lead",
    ),
]
