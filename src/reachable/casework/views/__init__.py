"""Casework pages, one module per stage (as ``casework.services``); the URLs import from here."""

from reachable.casework.views.cases import (  # noqa: F401
    action_done,
    action_new,
    case,
    case_allocate,
    caseload,
    closure_decide,
    closure_request,
    intervention_new,
    intervention_update,
    missing_new,
    missing_update,
    my_action_done,
    my_actions,
    nrm_new,
    nrm_update,
    plan_new,
    reopen,
    risk_new,
    safety_plan_print,
    screening_new,
    transfer,
)
from reachable.casework.views.context import (  # noqa: F401
    chronology,
    chronology_add,
    peer_link_add,
    peers,
    place_link_add,
)
from reachable.casework.views.panels import (  # noqa: F401
    nrm_figures,
    panel,
    panel_decision,
    panel_item_new,
    panel_new,
    panels,
)
from reachable.casework.views.referrals import (  # noqa: F401
    child_url,
    my_referrals,
    referral,
    referral_from_detention,
    referral_new,
    referral_new_child,
    referral_sent,
    triage_list,
)
