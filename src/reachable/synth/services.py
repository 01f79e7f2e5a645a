"""Writing the synthetic partnership to the database, in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count, islice

from django.db import transaction
from django.utils import timezone

from reachable.accounts.models import Membership, User
from reachable.accounts.services import membership_add, user_create
from reachable.audit.services import audit_record
from reachable.children.models import CHILD_FIELDS, Carer, Child, ChildIdentifier, Involvement
from reachable.core.models import Agency, Code, Partnership, Team
from reachable.core.services import partnership_load
from reachable.lib.bulk import bulk_insert, next_id, reset_sequences
from reachable.sharing.models import Agreement, Share
from reachable.synth.demo_users import DEMO_PASSWORD, DEMO_USERS
from reachable.synth.generator import REFERENCE_DATE, Context, generate

SYSTEM_USERNAME = "synth"
SHARE_FIELDS = [
    "id",
    "child",
    "from_agency",
    "to_agency",
    "agreement",
    "purpose",
    "lawful_basis",
    "consent",
    "consent_override_reason",
    "child_views",
    "reason",
    "created_at",
    "shared_by",
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
        user.email = f"{spec.username}@example.org"  # a reserved domain: nothing is delivered
        user.save(update_fields=["job_title", "email"])
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
    covers = share_agreements()
    identity = Code.objects.get(code_list__key="data-category", code="identity")
    share_ids = count(next_id(Share))
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
            shares = [
                row
                for b in batch
                for row in synthetic_shares(b.shares, covers, share_ids, system.pk)
            ]
            totals["shares"] += bulk_insert(Share, SHARE_FIELDS, shares)
            bulk_insert(
                Share.data_categories.through,
                ["share", "code"],
                ((row[0], identity.pk) for row in shares),
            )
        reset_sequences(Child, ChildIdentifier, Carer, Involvement, Share)
        audit_record(user=None, action="synth.generate", detail={"seed": seed, **totals})
    return SynthSummary(users_created=users_created, **totals)


def share_agreements() -> dict[int, tuple[Agreement, int, int]]:
    """For each agency the generator shares with: (agreement, from agency id, purpose id) covering
    a safeguarding share of identity from a children's services party (or any other party)."""
    purpose = Code.objects.get(code_list__key="share-purpose", code="safeguarding")
    found: dict[int, tuple[Agreement, int, int]] = {}
    today = timezone.localdate()
    for agreement in Agreement.objects.filter(
        starts_on__lte=today, ends_on__gte=today, purposes=purpose
    ).prefetch_related("parties__agency_type"):
        parties = sorted(agreement.parties.all(), key=lambda a: a.pk)
        for to in parties:
            senders = [a for a in parties if a.pk != to.pk]
            senders.sort(key=lambda a: (a.agency_type.code != "childrens-services", a.pk))
            if senders and to.pk not in found:
                found[to.pk] = (agreement, senders[0].pk, purpose.pk)
    return found


def synthetic_shares(
    wanted: list[tuple],
    covers: dict[int, tuple[Agreement, int, int]],
    ids: Iterator[int],
    shared_by: int,
) -> Iterator[tuple]:
    """Rows for the shares the generator asked for, each under an agreement that covers it.
    Shares to an agency no agreement covers are not made, as the service would refuse them."""
    for child_id, to_agency, reason, day in wanted:
        if to_agency not in covers:
            continue
        agreement, from_agency, purpose = covers[to_agency]
        yield (
            next(ids),
            child_id,
            from_agency,
            to_agency,
            agreement.pk,
            purpose,
            agreement.lawful_basis,
            Share.Consent.GIVEN,
            "",
            "",
            reason,
            dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
            shared_by,
        )
