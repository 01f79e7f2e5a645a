"""Writes and rules for information governance, used by every app that discloses a child's data.

``disclosure_agreement`` is the one check that a disclosure from one agency to another is covered
by an agreement in force; shares of a record, custody concerns and referrals all go through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.models import Membership, User
from reachable.accounts.permissions import CASE_ROLES, agency_for, team_ids_for_roles
from reachable.accounts.roles import Role
from reachable.audit.services import audit_record
from reachable.children.access import Basis, basis_of, child_write_check
from reachable.children.models import Child
from reachable.children.selectors import merged_target
from reachable.core.models import Agency, Code
from reachable.notifications.services import people_notify
from reachable.sharing.access import IDENTITY, shared_categories
from reachable.sharing.models import (
    Agreement,
    Alert,
    BreakGlass,
    Dispute,
    LawfulBasis,
    LegalHold,
    Restriction,
    RetentionRule,
    Share,
)

MIN_REASON_LENGTH = 20


def _codes(list_key: str, codes: Iterable[str], where: str) -> list[Code]:
    from reachable.core.services import PartnershipFileError

    wanted = list(codes)
    found = {c.code: c for c in Code.objects.filter(code_list__key=list_key, code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise PartnershipFileError(f"{where}: unknown {list_key} code(s) {', '.join(unknown)}.")
    return [found[c] for c in wanted]


def agreements_load(data: dict[str, Any], *, where: str = "agreements") -> int:
    """Partnership-file section: information-sharing agreements."""
    from reachable.core.services import PartnershipFileError

    count = 0
    for i, a in enumerate(data.get("agreements", []), start=1):
        here = f"{where} #{i} ({a.get('reference', '?')})"
        missing = [
            k
            for k in ("reference", "title", "parties", "purposes", "data_categories", "starts_on")
            if not a.get(k)
        ]
        missing += [k for k in ("ends_on", "lawful_basis", "plain_summary") if not a.get(k)]
        if missing:
            raise PartnershipFileError(f"{here}: {', '.join(missing)} must be given.")
        if a["lawful_basis"] not in LawfulBasis.values:
            raise PartnershipFileError(
                f"{here}: lawful_basis must be one of {', '.join(LawfulBasis.values)}."
            )
        if not isinstance(a["starts_on"], dt.date) or not isinstance(a["ends_on"], dt.date):
            raise PartnershipFileError(f"{here}: starts_on and ends_on must be dates (2026-04-01).")
        if a["ends_on"] < a["starts_on"]:
            raise PartnershipFileError(f"{here}: ends_on is before starts_on.")
        parties = list(Agency.objects.filter(slug__in=a["parties"]))
        unknown = set(a["parties"]) - {p.slug for p in parties}
        if unknown:
            raise PartnershipFileError(f"{here}: unknown agencies {', '.join(sorted(unknown))}.")
        purposes = _codes("share-purpose", a["purposes"], here)
        categories = _codes("data-category", a["data_categories"], here)
        agreement, _ = Agreement.objects.update_or_create(
            reference=a["reference"],
            defaults={
                "title": a["title"],
                "lawful_basis": a["lawful_basis"],
                "special_category_condition": a.get("special_category_condition", ""),
                "criminal_offence_condition": a.get("criminal_offence_condition", ""),
                "law_enforcement": bool(a.get("law_enforcement", False)),
                "starts_on": a["starts_on"],
                "ends_on": a["ends_on"],
                "signatories": a.get("signatories", []),
                "plain_summary": a["plain_summary"].strip(),
            },
        )
        agreement.parties.set(parties)
        agreement.purposes.set(purposes)
        agreement.data_categories.set(categories)
        count += 1
    return count


def retention_rules_load(data: dict[str, Any], *, where: str = "retention_rules") -> int:
    """Partnership-file section: how long each kind of record is kept."""
    from reachable.core.services import PartnershipFileError
    from reachable.sharing.retention import RECORD_TYPES

    count = 0
    for i, r in enumerate(data.get("retention_rules", []), start=1):
        here = f"{where} #{i} ({r.get('key', '?')})"
        if r.get("record_type") not in RECORD_TYPES:
            raise PartnershipFileError(
                f"{here}: record_type must be one of {', '.join(RECORD_TYPES)}."
            )
        if r.get("anchor") not in RetentionRule.Anchor.values:
            raise PartnershipFileError(
                f"{here}: anchor must be one of {', '.join(RetentionRule.Anchor.values)}."
            )
        if r.get("action") not in RetentionRule.Action.values:
            raise PartnershipFileError(
                f"{here}: action must be one of {', '.join(RetentionRule.Action.values)}."
            )
        years = r.get("years")
        if not isinstance(years, int) or years < 0:
            raise PartnershipFileError(f"{here}: years must be a whole number, 0 or more.")
        RetentionRule.objects.update_or_create(
            key=r.get("key"),
            defaults={
                "record_type": r["record_type"],
                "description": r.get("description", r["key"]),
                "years": years,
                "anchor": r["anchor"],
                "action": r["action"],
            },
        )
        count += 1
    return count


# ---------------------------------------------------------------- the agreement check


def agreement_covering(
    *,
    from_agency: Agency,
    to_agency: Agency,
    purpose: str,
    categories: Iterable[str],
    on: dt.date | None = None,
) -> Agreement | None:
    """The agreement in force that covers this disclosure (the longest-running one), or None."""
    on = on or timezone.localdate()
    found = (
        Agreement.objects.filter(starts_on__lte=on, ends_on__gte=on)
        .filter(parties=from_agency)
        .filter(parties=to_agency)
        .filter(purposes__code=purpose)
    )
    for category in set(categories):
        found = found.filter(data_categories__code=category)
    return found.order_by("-ends_on", "pk").first()


def _who_sets_up_agreements() -> str:
    admins = (
        User.objects.filter(
            memberships__role=Role.PARTNERSHIP_ADMIN, memberships__active=True, is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name")[:3]
    )
    names = ", ".join(a.display_name for a in admins)
    return (
        f"A partnership admin ({names}) can set one up."
        if names
        else ("A partnership admin can set one up.")
    )


def refusal_reason(
    *, from_agency: Agency, to_agency: Agency, purpose: str, categories: Iterable[str]
) -> str:
    """Why no agreement covers a disclosure, as precisely as the agreements allow."""
    today = timezone.localdate()
    categories = sorted(set(categories))
    pair = Agreement.objects.filter(parties=from_agency).filter(parties=to_agency)
    label = {c.code: c.label.lower() for c in Code.objects.filter(code_list__key="data-category")}
    purpose_label = (
        Code.objects.filter(code_list__key="share-purpose", code=purpose)
        .values_list("label", flat=True)
        .first()
        or purpose
    )
    if not pair.exists():
        why = f"No information-sharing agreement names both {from_agency} and {to_agency}."
    elif not pair.filter(starts_on__lte=today, ends_on__gte=today).exists():
        last = pair.order_by("-ends_on").first()
        assert last is not None
        when = "ended on" if last.ends_on < today else "starts on"
        day = last.ends_on if last.ends_on < today else last.starts_on
        why = f"The agreement between them ({last.title}) {when} {day:%-d %B %Y}."
    elif not pair.filter(starts_on__lte=today, ends_on__gte=today, purposes__code=purpose).exists():
        why = f"No agreement in force between them covers the purpose: {purpose_label.lower()}."
    else:
        in_force = pair.filter(starts_on__lte=today, ends_on__gte=today, purposes__code=purpose)
        covered = set(
            in_force.values_list("data_categories__code", flat=True).exclude(
                data_categories__code=None
            )
        )
        missing = [label.get(c, c) for c in categories if c not in covered]
        why = (
            "No single agreement in force between them covers all of: "
            + "; ".join(label.get(c, c) for c in categories)
            + "."
            if not missing
            else "No agreement in force between them covers: " + "; ".join(missing) + "."
        )
    return f"{why} {_who_sets_up_agreements()}"


def disclosure_agreement(
    *, from_agency: Agency, to_agency: Agency, purpose: str, categories: Iterable[str], field: str
) -> Agreement:
    """The agreement that covers this disclosure; a ValidationError on ``field`` saying why not."""
    categories = list(categories)
    found = agreement_covering(
        from_agency=from_agency, to_agency=to_agency, purpose=purpose, categories=categories
    )
    if found is None:
        raise ValidationError(
            {
                field: [
                    refusal_reason(
                        from_agency=from_agency,
                        to_agency=to_agency,
                        purpose=purpose,
                        categories=categories,
                    )
                ]
            }
        )
    return found


def disclosure_to_team(
    *, from_agency: Agency, to_team: Any, categories: list[str]
) -> Agreement | None:
    """The agreement covering a safeguarding disclosure to a team; None within one agency, where
    nothing is disclosed to anyone new."""
    if from_agency == to_team.agency:
        return None
    return disclosure_agreement(
        from_agency=from_agency,
        to_agency=to_team.agency,
        purpose="safeguarding",
        categories=categories,
        field="to_team",
    )


# ---------------------------------------------------------------- shares of a record


def share_record(
    *,
    user: Any,
    child: Child,
    to_agency: Agency,
    purpose: Code,
    categories: list[Code],
    reason: str,
    consent: str,
    consent_override_reason: str = "",
    child_views: str = "",
    expires_on: dt.date | None = None,
) -> Share:
    """Share a child's record with another agency, under the agreement that covers it.

    A team working with the child may share what the agreement covers; an agency that itself
    received the record may pass on only the categories it holds.
    """
    child_write_check(user, child.pk, "sharing.share", "share this record", shared_may=True)
    held = None if basis_of(user, child.pk) is Basis.WORKING else shared_categories(user, child.pk)
    from_agency = agency_for(user, "sharing.share")
    errors: dict[str, list[str]] = {}
    if from_agency is None:
        raise ValidationError("You do not hold a role that can share records.")
    if to_agency == from_agency:
        errors["to_agency"] = ["That is your own agency: nothing needs sharing."]
    codes = {c.code for c in categories}
    if IDENTITY not in codes:
        errors["categories"] = ["A share always includes who the child is: tick identity."]
    elif held is not None and codes - held:
        errors["categories"] = [
            "Your agency received only "
            + ", ".join(sorted(held))
            + " of this record, so it can pass on only those. Untick "
            + ", ".join(sorted(codes - held))
            + "."
        ]
    if len(reason.strip()) < MIN_REASON_LENGTH:
        errors["reason"] = [f"Say why in at least {MIN_REASON_LENGTH} characters."]
    if consent not in Share.Consent.values:
        errors["consent"] = ["Say whether the child agreed."]
    elif consent != Share.Consent.GIVEN and len(consent_override_reason.strip()) < 10:
        errors["consent_override_reason"] = [
            "Without the child's agreement, say why the share goes ahead "
            "(for example, a risk of significant harm)."
        ]
    if expires_on is not None and expires_on <= timezone.localdate():
        errors["expires_on"] = ["The end date must be in the future."]
    if errors:
        raise ValidationError(errors)
    agreement = disclosure_agreement(
        from_agency=from_agency,
        to_agency=to_agency,
        purpose=purpose.code,
        categories=codes,
        field="to_agency",
    )
    expires_at = None
    if expires_on is not None:
        expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    # A share never outlives the agreement it was made under (the scope checks this too).
    with transaction.atomic():
        share = Share.objects.create(
            child=child,
            from_agency=from_agency,
            to_agency=to_agency,
            agreement=agreement,
            purpose=purpose,
            lawful_basis=agreement.lawful_basis,
            shared_by=user,
            reason=reason.strip(),
            consent=consent,
            consent_override_reason=consent_override_reason.strip(),
            decided_by=user if consent != Share.Consent.GIVEN else None,
            child_views=child_views.strip(),
            expires_at=expires_at,
        )
        share.data_categories.set(categories)
        audit_record(
            user=user,
            action="share.create",
            obj=share,
            child_id=child.pk,
            reason=share.reason,
            detail={
                "to_agency": to_agency.slug,
                "agreement": agreement.reference,
                "purpose": purpose.code,
                "categories": sorted(codes),
                "consent": consent,
            },
        )
    return share


def share_withdraw(*, user: Any, share: Share, reason: str) -> Share:
    if share.revoked_at is not None:
        raise ValidationError("This share was already withdrawn.")
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": ["Say why the share is withdrawn."]})
    share.revoked_at = timezone.now()
    share.revoked_by = user
    share.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        user=user, action="share.withdraw", obj=share, child_id=share.child_id, reason=reason
    )
    return share


# ---------------------------------------------------------------- alerts and break-glass


def alert_send(
    recipients: Iterable[Any], *, kind: str, message: str, url: str = "", about: str = ""
) -> int:
    """Tell each recipient once (per ``about``, when given). Returns how many were told."""
    sent = 0
    for recipient in {r.pk: r for r in recipients}.values():
        if about and Alert.objects.filter(recipient=recipient, kind=kind, about=about).exists():
            continue
        Alert.objects.create(recipient=recipient, kind=kind, message=message, url=url, about=about)
        sent += 1
    return sent


def alert_read(*, user: Any, alert_id: int) -> None:
    Alert.objects.filter(recipient=user, pk=alert_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _holders_of(role: str, *, team_ids: list[int] | None = None) -> list[User]:
    memberships = Membership.objects.filter(role=role, active=True, user__is_active=True)
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=team_ids)
    return list(User.objects.filter(pk__in=memberships.values("user_id")))


def alert_data_protection_leads(message: str, *, kind: str, url: str = "") -> int:
    return alert_send(_holders_of(Role.DATA_PROTECTION_LEAD), kind=kind, message=message, url=url)


def alert_team_members(team_ids: list[int], message: str, *, kind: str, url: str = "") -> int:
    """Everyone in these teams who works with children (practitioners and managers)."""
    memberships = Membership.objects.filter(
        team_id__in=team_ids, active=True, user__is_active=True, role__in=CASE_ROLES
    )
    users = User.objects.filter(pk__in=memberships.values("user_id"))
    return alert_send(users, kind=kind, message=message, url=url)


def break_glass_open(*, user: Any, child_pk: int, reason: str) -> BreakGlass:
    """Open a record outside the user's scope for a limited time, telling their manager and the DPO."""
    errors: dict[str, list[str]] = {}
    child = Child.objects.filter(pk=merged_target(child_pk)).first()
    if child is None:
        errors["record"] = ["No child's record has that number. Check it and try again."]
    if len(reason.strip()) < MIN_REASON_LENGTH:
        errors["reason"] = [
            f"Say why you need this record now, in at least {MIN_REASON_LENGTH} characters."
        ]
    if errors:
        raise ValidationError(errors)
    assert child is not None
    now = timezone.now()
    minutes = settings.REACHABLE_BREAK_GLASS_MINUTES
    with transaction.atomic():
        glass = BreakGlass.objects.create(
            child=child,
            user=user,
            reason=reason.strip(),
            opened_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        audit_record(
            user=user,
            action="breakglass.open",
            obj=glass,
            child_id=child.pk,
            reason=glass.reason,
            detail={"minutes": minutes},
        )
        managers = _holders_of(
            Role.TEAM_MANAGER, team_ids=team_ids_for_roles(user, frozenset(Role.values))
        )
        leads = _holders_of(Role.DATA_PROTECTION_LEAD)
        told = [m for m in managers + leads if m.pk != user.pk]
        people_notify(
            "sharing.break_glass",
            told,
            context={"actor": user.display_name},
            link=reverse("sharing:child_governance", args=[child.pk]),
        )
        alert_send(
            told,
            kind="break-glass",
            message=(
                f"{user.display_name} opened child's record {child.pk} outside their access "
                f"for {minutes} minutes. Their reason: {glass.reason}"
            ),
            url=reverse("sharing:child_governance", args=[child.pk]),
        )
    return glass


# ---------------------------------------------------------------- controls on a record


def _placed(model: type[Any], *, user: Any, child: Child, reason: str, action: str) -> Any:
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": ["Give the reason (at least 10 characters)."]})
    if model.objects.filter(child=child, lifted_at__isnull=True).exists():
        raise ValidationError(f"There is already one in place on record {child.pk}.")
    placed = model.objects.create(
        child=child, reason=reason.strip(), placed_by=user, placed_at=timezone.now()
    )
    audit_record(user=user, action=action, obj=placed, child_id=child.pk, reason=reason)
    return placed


def _lifted(placed: Any, *, user: Any, action: str) -> Any:
    if placed.lifted_at is not None:
        raise ValidationError("It was already lifted.")
    placed.lifted_at, placed.lifted_by = timezone.now(), user
    placed.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(user=user, action=action, obj=placed, child_id=placed.child_id)
    return placed


def legal_hold_place(*, user: Any, child: Child, reason: str) -> LegalHold:
    hold: LegalHold = _placed(LegalHold, user=user, child=child, reason=reason, action="hold.place")
    return hold


def legal_hold_lift(*, user: Any, hold: LegalHold) -> LegalHold:
    lifted: LegalHold = _lifted(hold, user=user, action="hold.lift")
    return lifted


def restriction_place(*, user: Any, child: Child, reason: str) -> Restriction:
    placed: Restriction = _placed(
        Restriction, user=user, child=child, reason=reason, action="restriction.place"
    )
    return placed


def restriction_lift(*, user: Any, restriction: Restriction) -> Restriction:
    lifted: Restriction = _lifted(restriction, user=user, action="restriction.lift")
    return lifted


def dispute_raise(
    *, user: Any, child: Child, what: str, on_behalf_of: str, details: str
) -> Dispute:
    errors: dict[str, list[str]] = {}
    if not what.strip():
        errors["what"] = ["Say which part of the record is disputed."]
    if not on_behalf_of.strip():
        errors["on_behalf_of"] = ["Say who disputes it (the child, a parent or carer...)."]
    if len(details.strip()) < 10:
        errors["details"] = ["Say what they say is wrong and what it should say."]
    if errors:
        raise ValidationError(errors)
    dispute = Dispute.objects.create(
        child=child,
        what=what.strip(),
        raised_on_behalf_of=on_behalf_of.strip(),
        details=details.strip(),
        raised_by=user,
        raised_at=timezone.now(),
    )
    audit_record(user=user, action="dispute.raise", obj=dispute, child_id=child.pk)
    return dispute


def dispute_resolve(*, user: Any, dispute: Dispute, status: str, outcome: str) -> Dispute:
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError("This dispute is already resolved.")
    errors: dict[str, list[str]] = {}
    if status not in {Dispute.Status.CORRECTED, Dispute.Status.NOT_CHANGED}:
        errors["status"] = ["Say whether the record was corrected."]
    if len(outcome.strip()) < 10:
        errors["outcome"] = ["Say what was done and why (at least 10 characters)."]
    if errors:
        raise ValidationError(errors)
    dispute.status, dispute.outcome = status, outcome.strip()
    dispute.resolved_by, dispute.resolved_at = user, timezone.now()
    dispute.save(update_fields=["status", "outcome", "resolved_by", "resolved_at"])
    audit_record(user=user, action="dispute.resolve", obj=dispute, child_id=dispute.child_id)
    return dispute


# ---------------------------------------------------------------- daily


def agreement_expiry_alerts(today: dt.date | None = None) -> int:
    """Warn admins and data protection leads of agreements ending within 30 days (once each)."""
    from reachable.sharing.selectors import EXPIRY_WARNING_DAYS, agreements_expiring

    today = today or timezone.localdate()
    recipients = _holders_of(Role.PARTNERSHIP_ADMIN) + _holders_of(Role.DATA_PROTECTION_LEAD)
    sent = 0
    for agreement in agreements_expiring(today, EXPIRY_WARNING_DAYS):
        sent += alert_send(
            recipients,
            kind="agreement-expiry",
            message=(
                f"The agreement '{agreement.title}' ends on {agreement.ends_on:%-d %B %Y}. "
                "After that no new shares can be made under it and partners lose sight of what "
                "was shared. Renew it or agree a replacement."
            ),
            url=reverse("sharing:agreement", args=[agreement.pk]),
            about=f"{agreement.reference}:{agreement.ends_on.isoformat()}",
        )
        people_notify(
            "sharing.agreement_ending",
            recipients,
            context={"agreement": agreement},
            link=reverse("sharing:agreement", args=[agreement.pk]),
            once_per=f"{agreement.reference}:{agreement.ends_on.isoformat()}",
        )
    return sent
