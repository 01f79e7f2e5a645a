"""After a session: who attended, what they thought of it, their certificate, the figures."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.events.models import Audience, Registration, Session, SessionFeedback
from reachable.events.services.tokens import keyed


@transaction.atomic
def attendance_record(*, user: Any, session: Session, marks: dict[int, bool | None]) -> int:
    """Mark confirmed places attended (True), did not attend (False) or not yet known (None)."""
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance can be marked once the session has started.")
    confirmed = session.registrations.select_for_update().filter(state=Registration.State.CONFIRMED)
    changed = 0
    for registration in confirmed:
        if registration.pk not in marks or marks[registration.pk] == registration.attended:
            continue
        registration.attended = marks[registration.pk]
        registration.save(update_fields=["attended", "updated_at"])
        changed += 1
    audit_record(user=user, action="events.attendance", obj=session, detail={"changed": changed})
    return changed


def sessions_with_figures() -> QuerySet[Session]:
    """Every session with its places confirmed, waiting and attended, in one query."""
    confirmed = Q(registrations__state=Registration.State.CONFIRMED)
    return (
        Session.objects.select_related("series")
        .annotate(
            confirmed_n=Count("registrations", filter=confirmed),
            waiting_n=Count(
                "registrations", filter=Q(registrations__state=Registration.State.WAITING)
            ),
            attended_n=Count("registrations", filter=confirmed & Q(registrations__attended=True)),
        )
        .order_by("-starts_at")
    )


def attendance_figures(session: Session) -> dict[str, Any]:
    """Places, attendance and its share, by audience."""
    confirmed = list(
        session.registrations.filter(state=Registration.State.CONFIRMED).values_list(
            "audience", "attended"
        )
    )
    by_audience: Counter[str] = Counter(a for a, _ in confirmed)
    came: Counter[str] = Counter(a for a, attended in confirmed if attended)
    labels = dict(Audience.choices)
    rows = [(labels[a], by_audience[a], came[a]) for a in labels if by_audience[a] or came[a]]
    attended = sum(came.values())
    return {
        "confirmed": len(confirmed),
        "attended": attended,
        "did_not": sum(1 for _, a in confirmed if a is False),
        "unmarked": sum(1 for _, a in confirmed if a is None),
        "share": round(100 * attended / len(confirmed)) if confirmed else None,
        "waiting": session.registrations.filter(state=Registration.State.WAITING).count(),
        "rows": rows,
    }


def feedback_record(
    *, registration: Registration, usefulness: int, comment: str, anonymous: bool
) -> SessionFeedback:
    """One response per registration, for someone who attended, after the session."""
    session = registration.session
    if session.ends_at > timezone.now():
        raise ValidationError("Feedback opens when the session has finished.")
    if registration.attended is not True:
        raise ValidationError(
            "Feedback is for people the organisers marked as attending: if you attended, ask "
            "the organisers (their details are on the series page) to mark you."
        )
    try:
        with transaction.atomic():
            return SessionFeedback.objects.create(
                session=session,
                registration=None if anonymous else registration,
                registration_key=keyed("feedback", str(registration.pk)),
                usefulness=usefulness,
                comment=comment.strip()[:4000],
            )
    except IntegrityError as exc:
        raise ValidationError(
            "You have already given feedback on this session: thank you. It can be given once."
        ) from exc


def certificate_pdf(registration: Registration) -> bytes:
    from weasyprint import HTML

    if registration.attended is not True:
        raise ValidationError("A certificate is for people marked as attending the session.")
    html = render_to_string(
        "events/certificate.html",
        {"registration": registration, "session": registration.session},
    )
    return bytes(HTML(string=html).write_pdf())
