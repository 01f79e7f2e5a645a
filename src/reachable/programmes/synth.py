"""The demo's two programmes, in the shape the seeds give them, with synthetic figures.

- The County Lines Pathfinder (seed 003): a Youth Justice Board grant of £1.3m over two years
  (£500k in the first), held by one county for four; its six objectives and eight thematic
  areas; a project and deliverables per county; a governance board every six weeks and a
  quarterly funder review; the custody pilot's targets (seed 002: 100 children engaged, 50
  offered community support, time from arrest to first intervention) counted live.
- The Early Intervention Youth Fund (seed 004): £700,000 across six projects, with SOS+'s
  sessions and reach, mentoring for 40 young people, a MACE team for a 15-month pilot.

Dates are placed around today so that live measures meet the synthetic records. Organisations
are described by kind; every person is synthetic. Spend, RAG history, meetings and entered
actuals are drawn from a seeded random generator, so the same seed gives the same programmes.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from reachable.accounts.models import User
from reachable.core.models import Area, Code
from reachable.programmes.models import (
    Actual,
    BudgetLine,
    Deliverable,
    GovernanceBody,
    Meeting,
    MeetingItem,
    Objective,
    PolicyReview,
    Programme,
    Project,
    RagUpdate,
    Risk,
    Spend,
    StakeholderResponse,
    Target,
)
from reachable.programmes.periods import Quarter, quarters_between

PATHFINDER_OBJECTIVES = [
    (
        "Establish an up-to-date picture of the operating model of county lines in the region",
        "enforcement",
    ),
    ("Establish indicative baseline information, with a recommended minimum dataset", "governance"),
    ("Scope existing responses and identify existing and developing practice", "multi-agency"),
    ("Evaluate existing and developing practice", "practice"),
    ("Develop innovative practice", "specialist-teams"),
    ("Disseminate initial findings", "workforce"),
]
COUNTY_DELIVERABLES = {
    "norfolk": [
        ("Custody early intervention pilot at the busiest youth custody suite", 3),
        ("Multi-agency tier 1 exploitation e-learning module", 5),
        ("Trauma-informed practice workshops for custody staff", 6),
    ],
    "suffolk": [
        ("Review of the county's exploitation panel and referral pathway", 2),
        ("Contextual safeguarding pilot in two hub towns", 4),
        ("Parent and carer awareness resources", 6),
    ],
    "essex": [
        ("Specialist exploitation team model evaluated", 3),
        ("Detached youth work at rail stations on line routes", 4),
        ("Practitioner guidance on National Referral Mechanism referrals", 5),
    ],
    "cambridgeshire": [
        ("Countywide criminal exploitation delivery plan", 1),
        ("District community safety partnership exploitation leads", 2),
        ("Local area response in one district, evaluated", 4),
    ],
}
REASONS = {
    "amber": [
        "Recruitment to the second post is taking longer than planned; interim cover agreed.",
        "Partner sign-off of the data-sharing agreement is outstanding.",
        "Venue restrictions moved two workshops online; attendance is lower than planned.",
    ],
    "red": [
        "The provider withdrew; a new provider is being procured and delivery moves a quarter.",
        "No analyst time this quarter; the board is asked to approve agency cover.",
    ],
}


def _fy_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _rag_history(
    rng: random.Random,
    deliverable: Deliverable,
    user: User,
    quarters: list[Quarter],
    today: dt.date,
) -> None:
    rag = "green"
    for index, quarter in enumerate(quarters):
        as_at = min(quarter.ends_on, today)
        if as_at > deliverable.due_on + dt.timedelta(days=90):
            break
        roll = rng.random()
        rag = "red" if roll < 0.08 else "amber" if roll < 0.3 else "green"
        done = deliverable.due_on <= as_at and rag == "green"
        RagUpdate.objects.create(
            deliverable=deliverable,
            as_at=as_at,
            status="done" if done else "in_progress" if index else "not_started",
            rag=rag,
            reason=rng.choice(REASONS[rag]) if rag != "green" else "",
            recorded_by=user,
        )
        if done:
            break


def _spend(rng: random.Random, line: BudgetLine, user: User, today: dt.date) -> None:
    quarters = [
        q
        for q in quarters_between(
            line.year_starts_on,
            line.year_starts_on.replace(year=line.year_starts_on.year + 1) - dt.timedelta(days=1),
        )
        if q.ends_on < today and q.starts_on >= line.programme.starts_on
    ]
    for quarter in quarters:
        share = Decimal(str(round(rng.uniform(0.18, 0.3), 3)))
        Spend.objects.create(
            budget_line=line,
            quarter_starts_on=quarter.starts_on,
            amount=(line.amount * share).quantize(Decimal("1")),
            source="Grant holder's finance system, quarterly ledger report",
            entered_by=user,
        )


def _meetings(rng: random.Random, body: GovernanceBody, start: dt.date, today: dt.date) -> None:
    day = start + dt.timedelta(weeks=body.cadence_weeks)
    number = 0
    while day < today:
        number += 1
        meeting = Meeting.objects.create(
            body=body, held_on=day, notes=f"Meeting {number}: progress reports from each county."
        )
        MeetingItem.objects.create(
            meeting=meeting,
            kind=MeetingItem.Kind.DECISION,
            text=rng.choice(
                [
                    "Progress reports accepted.",
                    "Underspend in dissemination moved to evaluation.",
                    "The custody pilot's hours extended to evenings for a trial quarter.",
                    "Minimum dataset return dates agreed with every agency.",
                ]
            ),
        )
        MeetingItem.objects.create(
            meeting=meeting,
            kind=MeetingItem.Kind.ACTION,
            text=rng.choice(
                [
                    "Circulate the updated deliverables tracker",
                    "Bring the evaluation plan to the next meeting",
                    "Agree the dissemination proforma with county leads",
                ]
            ),
            owner="Programme manager",
            due_on=day + dt.timedelta(weeks=body.cadence_weeks),
            done_on=day + dt.timedelta(weeks=body.cadence_weeks - 1)
            if day + dt.timedelta(weeks=body.cadence_weeks) < today
            else None,
        )
        day += dt.timedelta(weeks=body.cadence_weeks)


RESPONSES = [
    (
        "Children are contacted through social media and offered money or status.",
        ["grooming", "targeting"],
    ),
    (
        "Children travel by train to coastal towns; staff at stations do not know whom to call.",
        ["transport", "enablers"],
    ),
    ("Children excluded from school are picked out first.", ["vulnerability", "targeting"]),
    ("Cannabis debts are used to control children.", ["substances", "risks"]),
    ("Several separate boards cover county lines, so information does not flow.", ["barriers"]),
    ("Different service boundaries make joint working across the county hard.", ["barriers"]),
    ("The exploitation panel gives a shared picture of each child.", ["enablers"]),
]
POLICIES = [
    (
        "Missing children",
        "Return home interview protocol",
        "Children's services",
        "Interviews are not offered out of hours.",
        "Offer interviews within 72 hours, evenings included.",
        "accepted",
    ),
    (
        "Education",
        "Exclusions guidance",
        "Education",
        "Exclusion is not flagged to the exploitation team.",
        "Notify the team of every permanent exclusion.",
        "recommended",
    ),
    ("Policing", "Custody detention of children", "Police", "", "", "open"),
]


def _insight(
    rng: random.Random, programme: Programme, user: User, counties: dict[str, Area], today: dt.date
) -> None:
    """Stakeholder responses coded to themes, and a policy review tracker (seed 003)."""
    themes = {c.code: c for c in Code.objects.filter(code_list__key="stakeholder-theme")}
    roles = [
        "Police officer",
        "School safeguarding lead",
        "Youth worker",
        "Social worker",
        "Health practitioner",
    ]
    for number in range(40):
        summary, codes = RESPONSES[number % len(RESPONSES)]
        response = StakeholderResponse.objects.create(
            programme=programme,
            kind="survey" if number % 3 else "workshop",
            area=counties[rng.choice(sorted(COUNTY_DELIVERABLES))],
            received_on=programme.starts_on + dt.timedelta(days=rng.randrange(20, 150)),
            respondent_role=rng.choice(roles),
            summary=summary,
            recorded_by=user,
        )
        response.themes.set([themes[c] for c in codes if c in themes])
    for area, document, owner, finding, recommendation, status in POLICIES:
        PolicyReview.objects.create(
            programme=programme,
            policy_area=area,
            document=document,
            owner=owner,
            finding=finding,
            recommendation=recommendation,
            status=status,
            updated_on=min(today, programme.starts_on + dt.timedelta(days=200)),
        )


@transaction.atomic
def synth_programmes(*, seed: int, user_id: int, today: dt.date | None = None) -> int:
    """Create the two demo programmes (if they are not there); returns how many were made."""
    if Programme.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    system = User.objects.get(pk=user_id)
    lead = User.objects.filter(username="programme.lead").first()
    themes = {c.code: c for c in Code.objects.filter(code_list__key="thematic-area")}
    counties = {a.slug: a for a in Area.objects.filter(kind=Area.Kind.COUNTY)}
    start = _fy_start(today).replace(year=_fy_start(today).year - 1)
    pathfinder = Programme.objects.create(
        name="County Lines Pathfinder (East of England)",
        funder="Youth Justice Board",
        grant_holder="The lead county council, for the four counties",
        starts_on=start,
        ends_on=start.replace(year=start.year + 2) - dt.timedelta(days=1),
        summary="Develop and evaluate practice to reduce the number of children exploited "
        "through county lines, and disseminate the learning across England and Wales.",
    )
    pathfinder.themes.set(themes.values())
    eiyf = Programme.objects.create(
        name="Early Intervention Youth Fund (Norfolk)",
        funder="Home Office Early Intervention Youth Fund",
        grant_holder="Office of the Police and Crime Commissioner",
        starts_on=start.replace(month=10),
        ends_on=start.replace(year=start.year + 2) - dt.timedelta(days=1),
        summary="Six partnership projects to prevent the exploitation of young people by "
        "criminal groups.",
    )
    eiyf.themes.set([themes[k] for k in ("community", "practice", "workforce") if k in themes])
    for programme in (pathfinder, eiyf):
        if lead:
            programme.editors.add(lead)
    quarters = [q for q in quarters_between(start, today) if q.starts_on <= today]
    # The Pathfinder.
    objectives = [
        Objective.objects.create(programme=pathfinder, number=i, text=text, theme=themes.get(theme))
        for i, (text, theme) in enumerate(PATHFINDER_OBJECTIVES, start=1)
    ]
    for slug, items in COUNTY_DELIVERABLES.items():
        county = counties.get(slug)
        project = Project.objects.create(
            programme=pathfinder,
            name=f"{county.name if county else slug.title()} Pathfinder work",
            delivery_partner="County council with the youth justice service",
            area=county,
        )
        for title, objective_number in items:
            deliverable = Deliverable.objects.create(
                programme=pathfinder,
                project=project,
                objective=objectives[objective_number - 1],
                area=county,
                title=title,
                owner=f"{project.name.split(' ')[0]} project lead",
                due_on=start + dt.timedelta(days=rng.randrange(240, 700)),
            )
            _rag_history(rng, deliverable, system, quarters, today)
    live = [
        ("Children engaged in custody", "custody.children_engaged", "children", 100, None, False),
        (
            "Children offered community support",
            "custody.children_offered",
            "children",
            50,
            None,
            False,
        ),
        (
            "Median hours from arrest to first intervention",
            "custody.median_hours",
            "hours",
            24,
            Decimal(48),
            True,
        ),
        (
            "Referrals to exploitation (MACE) teams",
            "casework.referrals",
            "referrals",
            400,
            None,
            False,
        ),
        (
            "National Referral Mechanism referrals",
            "casework.nrm_referrals",
            "referrals",
            60,
            None,
            False,
        ),
        (
            "Minimum dataset returns received of those due",
            "returns.received_share",
            "percent",
            100,
            None,
            False,
        ),
        ("County lines closed", "lines.closed", "lines", 20, None, False),
    ]
    for name, measure, unit, target, baseline, lower in live:
        Target.objects.create(
            programme=pathfinder,
            name=name,
            measure=measure,
            unit=unit,
            target=Decimal(target),
            baseline=baseline,
            starts_on=pathfinder.starts_on,
            ends_on=pathfinder.ends_on,
            lower_is_better=lower,
        )
    for year, amount in ((start, 500_000), (start.replace(year=start.year + 1), 800_000)):
        for name, share in (("Staffing", "0.7"), ("Evaluation", "0.15"), ("Dissemination", "0.15")):
            line = BudgetLine.objects.create(
                programme=pathfinder,
                name=name,
                year_starts_on=year,
                amount=Decimal(amount) * Decimal(share),
            )
            _spend(rng, line, system, today)
    board = GovernanceBody.objects.create(
        programme=pathfinder, name="Pathfinder Governance Board", cadence_weeks=6
    )
    review = GovernanceBody.objects.create(
        programme=pathfinder, name="Quarterly review with the Youth Justice Board", cadence_weeks=13
    )
    _meetings(rng, board, pathfinder.starts_on, today)
    _meetings(rng, review, pathfinder.starts_on, today)
    for kind, text, rag in (
        ("risk", "Practitioners dispersed across four counties cannot meet in person.", "amber"),
        ("risk", "Limited published research to compare the county approaches against.", "amber"),
        ("issue", "One county's children's services return is late every period.", "red"),
    ):
        Risk.objects.create(
            programme=pathfinder,
            kind=kind,
            description=text,
            owner="Programme manager",
            rag=rag,
            mitigation="Reviewed at each board.",
            raised_on=start + dt.timedelta(days=rng.randrange(10, 200)),
        )
    # The Early Intervention Youth Fund.
    norfolk = counties.get("norfolk")
    projects = {
        name: Project.objects.create(
            programme=eiyf, name=name, delivery_partner=partner, area=norfolk
        )
        for name, partner in (
            ("MACE Team", "Multi-agency: police, children's services, health"),
            ("Detached Youth Workers", "County council youth service"),
            ("Family Support Practitioners", "County council early help"),
            ("SOS+", "National charity working with people affected by crime"),
            ("Pathways Out mentoring", "Local youth advice charity with the youth offending team"),
            ("Third-sector capacity building", "Voluntary sector infrastructure organisation"),
        )
    }
    entered = [
        ("SOS+", "Preventative sessions in schools", "sessions", 120),
        ("SOS+", "School children reached", "people", 8600),
        ("SOS+", "Awareness sessions for teachers", "sessions", 40),
        ("SOS+", "Teachers reached", "people", 2100),
        ("SOS+", "Sessions for parents", "sessions", 80),
        ("SOS+", "Parents reached", "people", 7700),
        ("Pathways Out mentoring", "Young people mentored", "children", 40),
    ]
    eiyf_quarters = [q for q in quarters_between(eiyf.starts_on, eiyf.ends_on) if q.ends_on < today]
    for project_name, name, unit, target in entered:
        made = Target.objects.create(
            programme=eiyf,
            project=projects[project_name],
            name=name,
            unit=unit,
            target=Decimal(target),
            starts_on=eiyf.starts_on,
            ends_on=eiyf.ends_on,
        )
        per_quarter = target / 6
        for quarter in eiyf_quarters:
            Actual.objects.create(
                target=made,
                period_starts_on=quarter.starts_on,
                period_ends_on=quarter.ends_on,
                value=Decimal(round(per_quarter * rng.uniform(0.6, 1.2))),
                source=f"{project_name} quarterly monitoring return",
                entered_by=system,
            )
    Target.objects.create(
        programme=eiyf,
        project=projects["MACE Team"],
        name="Children whose exploitation casework opened",
        measure="casework.opened",
        unit="children",
        target=Decimal(150),
        starts_on=eiyf.starts_on,
        ends_on=eiyf.ends_on,
    )
    for project in projects.values():
        Deliverable.objects.create(
            programme=eiyf,
            project=project,
            area=norfolk,
            title=f"{project.name}: service running and reporting quarterly",
            owner=f"{project.name} lead",
            due_on=eiyf.starts_on + dt.timedelta(days=120),
        )
    for deliverable in eiyf.deliverables.all():
        _rag_history(
            rng, deliverable, system, [q for q in quarters if q.starts_on >= eiyf.starts_on], today
        )
    for year, amount in (
        (eiyf.starts_on.replace(month=4), 300_000),
        (eiyf.starts_on.replace(year=eiyf.starts_on.year + 1, month=4), 400_000),
    ):
        line = BudgetLine.objects.create(
            programme=eiyf, name="Project grants", year_starts_on=year, amount=Decimal(amount)
        )
        _spend(rng, line, system, today)
    board = GovernanceBody.objects.create(
        programme=eiyf, name="Serious violence partnership board", cadence_weeks=13
    )
    _meetings(rng, board, eiyf.starts_on, today)
    return 2
