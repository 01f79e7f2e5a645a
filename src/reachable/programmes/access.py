"""Who may read and change a programme.

- Reading: board members and analysts (``programmes.view``), and the lead of any of the
  programme's projects, who sees the programme their project belongs to.
- Changing the programme (projects, money, governance, targets, packs): its named editors, who
  must also hold the programme lead role; a role alone edits nothing.
- A project's lead changes that project's deliverables, RAG, targets and actuals; nothing else.
- The partnership picture (``programmes.picture``) is aggregate; counts of children are exact
  for analysts and suppressed below the partnership's threshold for everyone else.

Nothing in a programme is about a child, so there is no per-child rule here; the figures about
children come through ``programmes.measures`` as counts.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from reachable.accounts.permissions import can, holds
from reachable.accounts.roles import Role
from reachable.programmes.models import Programme, Project


def programmes_visible(user: Any) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    if can(user, "programmes.view"):
        return Programme.objects.all()
    return Programme.objects.filter(projects__lead=user).distinct()


def may_see_any(user: Any) -> bool:
    return can(user, "programmes.view") or Project.objects.filter(lead=user.pk).exists()


def read_check(user: Any, programme: Programme) -> None:
    if not programmes_visible(user).filter(pk=programme.pk).exists():
        raise PermissionDenied("You are not on this programme's board or one of its projects.")


def may_edit(user: Any, programme: Programme) -> bool:
    return can(user, "programmes.edit") and programme.editors.filter(pk=user.pk).exists()


def may_edit_project(user: Any, programme: Programme, project: Project | None) -> bool:
    """Deliverables, RAG, targets and actuals: the programme team, or the project's own lead."""
    if may_edit(user, programme):
        return True
    return project is not None and project.lead_id == user.pk


def projects_editable(user: Any, programme: Programme) -> QuerySet[Project]:
    if may_edit(user, programme):
        return programme.projects.all()
    return programme.projects.filter(lead=user.pk)


def write_check(
    user: Any, programme: Programme, doing: str, *, project: Project | None = None
) -> None:
    """The one check before any change to a programme; ``project`` for project-level work."""
    allowed = may_edit_project(user, programme, project) if project else may_edit(user, programme)
    if not allowed:
        who = "the programme team or the project's lead" if project else "the programme team"
        raise PermissionDenied(f"Only {who} can {doing}.")


def may_create_programme(user: Any) -> bool:
    return holds(user, Role.PROGRAMME_LEAD)


def may_see_picture(user: Any) -> bool:
    return can(user, "programmes.picture")


def exact_child_counts(user: Any) -> bool:
    return holds(user, Role.ANALYST)
