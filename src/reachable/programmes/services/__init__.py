"""Every change to a programme, for the pages, the API and imports alike.

Each service asks ``access.write_check`` first, validates what it is given (a refusal names the
field and the fix, and saves nothing) and is audited. A deliverable's RAG is never overwritten:
each update is a new dated row. By stage: ``setup`` (programme, projects, money, governance),
``progress`` (deliverables, RAG, targets, actuals), ``packs`` and ``insight`` (stakeholder
responses, policy review).
"""

from reachable.programmes.services.insight import (
    policy_record,
    response_record,
)
from reachable.programmes.services.packs import (
    pack_issue,
)
from reachable.programmes.services.progress import (
    actual_record,
    deliverable_add,
    rag_record,
    target_add,
)
from reachable.programmes.services.setup import (
    body_add,
    budget_line_add,
    budget_line_find,
    meeting_record,
    objective_add,
    programme_create,
    project_add,
    risk_add,
    spend_record,
)

__all__ = [
    "actual_record",
    "body_add",
    "budget_line_add",
    "budget_line_find",
    "deliverable_add",
    "meeting_record",
    "objective_add",
    "pack_issue",
    "policy_record",
    "programme_create",
    "project_add",
    "rag_record",
    "response_record",
    "risk_add",
    "spend_record",
    "target_add",
]
