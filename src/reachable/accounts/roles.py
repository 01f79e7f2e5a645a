"""The roles in DESIGN.md. What each may do is in ``permissions.py``."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CUSTODY_PRACTITIONER = "custody_practitioner", "Custody practitioner"
    EXPLOITATION_PRACTITIONER = "exploitation_practitioner", "Exploitation (MACE/SAFE) practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    PARTNER_USER = "partner_user", "Partner agency user"
    DATA_SUBMITTER = "data_submitter", "Data submitter"
    ANALYST = "analyst", "Analyst"
    INTELLIGENCE_OFFICER = "intelligence_officer", "Intelligence officer"
    PROGRAMME_LEAD = "programme_lead", "Programme lead or board member"
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership admin"
    DATA_PROTECTION_LEAD = "data_protection_lead", "Data protection lead"
