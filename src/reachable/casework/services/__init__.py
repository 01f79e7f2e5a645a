"""Writes for exploitation casework: check, save, write the chronology and the audit, in one transaction.

Every change that matters to the child's story also writes a line in the child's one chronology, so
the chronology page reads one table.

One module per stage of the work (referrals, cases, context, panels, closure), with the shared checks
in ``_common``; callers import from this package, which names every public service.
"""

from reachable.casework.services.cases import (  # noqa: F401
    case_allocate,
    intervention_add,
    intervention_update,
    interview_within_72_hours,
    missing_record,
    nrm_record,
    risk_judge,
    safety_plan_write,
    screening_record,
)
from reachable.casework.services.closure import (  # noqa: F401
    case_closure_decide,
    case_closure_request,
    case_reopen,
    case_transfer,
    open_actions,
)
from reachable.casework.services.context import (  # noqa: F401
    ENTRY_KINDS,
    chronology_add,
    peer_link_add,
    place_link_add,
)
from reachable.casework.services.panels import (  # noqa: F401
    action_add,
    action_done,
    panel_decision_record,
    panel_hold,
    panel_item_add,
)
from reachable.casework.services.referrals import (  # noqa: F401
    custody_handover_text,
    referral_make,
    referral_of_new_child,
    referral_routes_load,
    referral_team_for,
    referral_teams,
    referral_triage,
)
