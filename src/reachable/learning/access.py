"""Who may read and change practice examples.

- Published examples are public: anyone, signed in or not, reads them.
- Drafts and examples in review: their author, and reviewers (``learning.review``).
- The author changes a draft; a reviewer other than the author decides it (publish or ask for
  changes); the author or a reviewer withdraws a published example, with a reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from reachable.accounts.permissions import can
from reachable.learning.models import PracticeExample, State


def may_write(user: Any) -> bool:
    return bool(user.is_authenticated) and can(user, "learning.write")


def may_review(user: Any) -> bool:
    return bool(user.is_authenticated) and can(user, "learning.review")


def examples_managed(user: Any) -> QuerySet[PracticeExample]:
    """The examples a signed-in person sees behind the public pages."""
    if not user.is_authenticated:
        return PracticeExample.objects.none()
    if may_review(user):
        return PracticeExample.objects.all()
    return PracticeExample.objects.filter(Q(author=user) | Q(state=State.PUBLISHED))


def edit_check(user: Any, example: PracticeExample) -> None:
    if example.author_id != user.pk:
        raise PermissionDenied("Only the author changes an example.")
    if example.state not in {State.DRAFT}:
        raise PermissionDenied(
            "Only a draft can be changed: ask the reviewer to send it back for changes."
        )


def review_check(user: Any, example: PracticeExample) -> None:
    if not may_review(user):
        raise PermissionDenied("Only a reviewer can decide on an example.")
    if example.author_id == user.pk:
        raise PermissionDenied("A reviewer cannot review their own example: ask another reviewer.")


def withdraw_check(user: Any, example: PracticeExample) -> None:
    if example.author_id != user.pk and not may_review(user):
        raise PermissionDenied("Only the author or a reviewer can withdraw an example.")
