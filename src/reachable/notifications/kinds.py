"""Every kind of email the product sends, in one place: what a person sees on their preferences
page, and whether they may turn it off.

An email never carries a child's details: it says that something is waiting and links to the
page, where the access rules decide what the reader sees.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    # Sent whatever the preference: people outside the partnership (event registrants) have no
    # preferences, and some messages must reach a manager or the data protection lead.
    must_send: bool = False


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind("events.confirmation", "Event registration confirmed", must_send=True),
        Kind("events.already_registered", "Event registration already made", must_send=True),
        Kind("events.waiting", "Event waiting list", must_send=True),
        Kind("events.offer", "A place offered from a waiting list", must_send=True),
        Kind("events.offer_lapsed", "A place offer lapsed", must_send=True),
        Kind("events.cancelled", "Event place cancelled", must_send=True),
        Kind("events.reminder", "Event reminder", must_send=True),
        Kind("events.feedback", "Event feedback request", must_send=True),
        Kind("custody.concern_shared", "A concern shared from custody with your team"),
        Kind("casework.referral_received", "A referral received by your team"),
        Kind("sharing.break_glass", "Break-glass access to a record", must_send=True),
        Kind("sharing.agreement_ending", "A sharing agreement ending soon", must_send=True),
        Kind("casework.actions_overdue", "Your overdue casework actions"),
        Kind("notifications.digest", "Daily summary", must_send=True),
    ]
}
