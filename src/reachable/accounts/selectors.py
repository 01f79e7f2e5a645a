"""Reads for managing people and their roles (partnership admins)."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q, QuerySet
from django.http import Http404

from reachable.accounts.models import Membership, User


def people_to_pick(people: QuerySet[User]) -> QuerySet[User]:
    """The people a form may offer (an action owner, a worker to allocate): active accounts a
    person signs in to, by surname. System accounts (the synthetic data loader, the demo's
    returns senders) have no usable password and never appear, let alone first."""
    return (
        people.filter(is_active=True)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def people_search(text: str) -> QuerySet[User]:
    people = User.objects.prefetch_related("memberships__agency", "memberships__team")
    if text.strip():
        t = text.strip()
        people = people.filter(
            Q(username__icontains=t) | Q(first_name__icontains=t) | Q(last_name__icontains=t)
        )
    return people.order_by("last_name", "first_name", "username")


def person_get(pk: int) -> User:
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such person")
    return found


def memberships_of(user: User) -> QuerySet[Membership]:
    return user.memberships.select_related("agency", "team").order_by("-active", "role")


def membership_get(pk: int) -> Membership:
    found = Membership.objects.filter(pk=pk, active=True).select_related("user").first()
    if found is None:
        raise Http404("No such role, or it has already ended")
    return found
