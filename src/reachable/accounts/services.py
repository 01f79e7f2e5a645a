"""Users, memberships and second factors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from reachable.accounts.models import Membership, User
from reachable.accounts.roles import Role
from reachable.audit.services import audit_record
from reachable.core.models import Agency, Area, Team


def user_create(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    by: Any = None,
    validate: bool = True,
) -> User:
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit_record(user=by, action="user.create", obj=user, detail={"username": username})
    return user


def membership_add(
    *,
    user: User,
    role: str,
    agency: Agency,
    team: Team | None = None,
    areas: list[Area] | None = None,
    by: Any = None,
) -> Membership:
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = ["Choose a role from the list."]
    if team is not None and team.agency_id != agency.pk:
        errors["team"] = [
            f"{team} belongs to {team.agency}, not {agency}: choose one of its teams."
        ]
    if Membership.objects.filter(
        user=user, role=role, agency=agency, team=team, active=True
    ).exists():
        errors["role"] = ["This person already holds this role there."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        membership = Membership.objects.create(user=user, role=role, agency=agency, team=team)
        if areas:
            membership.areas.set(areas)
        if role == Role.PARTNERSHIP_ADMIN and not user.is_staff:
            user.is_staff = True  # lets them into the reference-data admin, behind two-factor
            user.save(update_fields=["is_staff"])
        audit_record(
            user=by,
            action="membership.add",
            obj=membership,
            detail={
                "user": user.username,
                "role": role,
                "agency": agency.slug,
                "team": team.slug if team else None,
            },
        )
    user.__dict__.pop("roles", None)
    user.__dict__.pop("active_memberships", None)
    return user.memberships.get(pk=membership.pk)


def membership_end(*, membership: Membership, by: Any, reason: str) -> Membership:
    """The person stops holding this role: from now on they see nothing through it (their former
    team's children included)."""
    if not reason.strip():
        raise ValidationError(
            {"reason": ["Say why the role ends (for example: moved to another team)."]}
        )
    with transaction.atomic():
        membership.active = False
        membership.save(update_fields=["active"])
        audit_record(
            user=by,
            action="membership.end",
            obj=membership,
            reason=reason.strip(),
            detail={"user": membership.user.username, "role": membership.role},
        )
    return membership


def totp_device_for(user: User) -> TOTPDevice:
    """The user's authenticator device; created unconfirmed on first use, so they can enrol."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def two_factor_verify(*, request: Any, token: str) -> bool:
    """Check a code; on success the session is marked verified and an unconfirmed device confirmed."""
    user = request.user
    device = totp_device_for(user)
    ok = device.verify_token(token)
    audit_record(
        user=user, action="signin.two_factor" if ok else "signin.two_factor.failed", obj=device
    )
    if ok:
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
    return bool(ok)
