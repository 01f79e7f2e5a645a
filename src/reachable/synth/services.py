"""Writing the synthetic partnership to the database, in bulk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import islice

from django.db import transaction

from reachable.accounts.models import Membership, User
from reachable.accounts.services import membership_add, user_create
from reachable.audit.services import audit_record
from reachable.children.models import Carer, Child, ChildIdentifier, Involvement
from reachable.core.models import Agency, Partnership, Team
from reachable.core.services import partnership_load
from reachable.lib.bulk import bulk_insert, next_id, reset_sequences
from reachable.sharing.models import Share
from reachable.synth.demo_users import DEMO_PASSWORD, DEMO_USERS
from reachable.synth.generator import REFERENCE_DATE, Context, generate

SYSTEM_USERNAME = "synth"
CHILD_FIELDS = [
    "id",
    "given_name",
    "family_name",
    "known_as",
    "date_of_birth",
    "sex",
    "ethnicity",
    "home_la",
    "given_name_key",
    "family_name_key",
    "given_name_prefix",
    "given_name_suffix",
    "family_name_prefix",
    "family_name_suffix",
    "created_at",
    "updated_at",
    "created_by",
]


@dataclass(frozen=True)
class SynthSummary:
    children: int
    identifiers: int
    carers: int
    involvements: int
    shares: int
    users_created: int


def demo_users_ensure() -> int:
    """Create the demo sign-ins if they are missing. Skips any whose agency or team is not loaded."""
    created = 0
    agencies = {a.slug: a for a in Agency.objects.all()}
    teams = {t.slug: t for t in Team.objects.all()}
    for spec in DEMO_USERS:
        if User.objects.filter(username=spec.username).exists() or spec.agency not in agencies:
            continue
        if spec.team and spec.team not in teams:
            continue
        user = user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            first_name=spec.first_name,
            last_name=spec.last_name,
            validate=False,
        )
        user.job_title = spec.job_title
        user.save(update_fields=["job_title"])
        membership_add(
            user=user, role=spec.role, agency=agencies[spec.agency], team=teams.get(spec.team or "")
        )
        created += 1
    return created


def system_user() -> User:
    user, made = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "Synthetic data"}
    )
    if made:
        user.set_unusable_password()
        user.save()
    return user


def synth_partnership(
    *, seed: int, children: int, chunk: int = 20000, with_demo_users: bool = True
) -> SynthSummary:
    """Load the partnership if needed, add demo users, then ``children`` synthetic children."""
    if not Partnership.objects.exists():
        partnership_load()
    users_created = demo_users_ensure() if with_demo_users else 0
    system = system_user()
    ctx = Context.from_database()
    ctx.workers_by_team = {
        int(m.team_id): m.user_id
        for m in Membership.objects.filter(
            team__isnull=False, user__username__in=[u.username for u in DEMO_USERS]
        ).order_by("pk")
        if m.role != "team_manager" and m.team_id is not None
    }
    created_at = dt.datetime.combine(REFERENCE_DATE, dt.time(9), tzinfo=dt.UTC)
    totals = {"children": 0, "identifiers": 0, "carers": 0, "involvements": 0, "shares": 0}
    with transaction.atomic():
        bundles = generate(
            seed=seed,
            count=children,
            first_id=next_id(Child),
            ctx=ctx,
            created_at=created_at,
            creator_id=system.pk,
        )
        while batch := list(islice(bundles, chunk)):
            totals["children"] += bulk_insert(Child, CHILD_FIELDS, (b.child for b in batch))
            totals["identifiers"] += bulk_insert(
                ChildIdentifier,
                ["child", "kind", "value", "value_normalised"],
                (i for b in batch for i in b.identifiers),
            )
            totals["carers"] += bulk_insert(
                Carer,
                ["child", "name", "relationship", "parental_responsibility", "contact"],
                (c for b in batch for c in b.carers),
            )
            totals["involvements"] += bulk_insert(
                Involvement,
                ["child", "team", "worker", "started_on", "ended_on", "reason"],
                (i for b in batch for i in b.involvements),
            )
            totals["shares"] += bulk_insert(
                Share,
                ["child", "to_agency", "reason", "created_at", "shared_by"],
                (
                    (c, a, r, dt.datetime.combine(d, dt.time(12), tzinfo=dt.UTC), system.pk)
                    for b in batch
                    for (c, a, r, d) in b.shares
                ),
            )
        reset_sequences(Child, ChildIdentifier, Carer, Involvement, Share)
        audit_record(user=None, action="synth.generate", detail={"seed": seed, **totals})
    return SynthSummary(users_created=users_created, **totals)
