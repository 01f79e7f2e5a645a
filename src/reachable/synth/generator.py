"""A deterministic synthetic partnership: the same seed always gives the same children.

Calibrated to the seed documents (DESIGN.md, "Figures from the seeds"): most children 15-17, range
10-19; about 10% female; Black and mixed-heritage boys over-represented against the East of England
population; a large share living out of county, mostly London boroughs. Names come from Faker's
en_GB lists, never from the source documents (see ``denylist``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

from faker.providers.person.en_GB import Provider as NameLists

from reachable.children.matching import name_affixes, name_key
from reachable.core.models import Area, Code, Team
from reachable.synth.denylist import is_denied

REFERENCE_DATE = dt.date(2026, 10, 1)  # ages are calibrated on this day, so output never drifts

AGE_WEIGHTS = {10: 1, 11: 2, 12: 3, 13: 6, 14: 11, 15: 20, 16: 24, 17: 20, 18: 8, 19: 5}
SEX_WEIGHTS = {"M": 89, "F": 10, "U": 1}
# Share of the cohort per ethnicity code. Against a 10-17 population that is ~85% White British in
# the four counties, Black and Mixed White/Black Caribbean boys are over-represented several-fold.
ETHNICITY_WEIGHTS = {
    "WBRI": 57,
    "WOTH": 6,
    "WIRT": 1,
    "WROM": 1,
    "MWBC": 8,
    "MWBA": 2,
    "MWAS": 1,
    "MOTH": 2,
    "BCRB": 7,
    "BAFR": 6,
    "BOTH": 2,
    "APKN": 1,
    "ABAN": 1,
    "AOTH": 1,
    "OOTH": 1,
    "NOBT": 3,
}
HOME_SHARES = {"partnership": 76, "london": 19, "elsewhere": 5}
CARER_RELATIONSHIP_WEIGHTS = {
    "mother": 55,
    "father": 12,
    "grandparent": 8,
    "other-relative": 5,
    "foster-carer": 12,
    "residential": 8,
}


@dataclass
class Context:
    """The reference data the generator draws from, resolved to ids once."""

    sex: dict[str, int]
    ethnicity: dict[str, int]
    identifier_kind: dict[str, int]
    carer_relationship: dict[str, int]
    partnership_las: list[tuple[int, int]]  # (la id, county id)
    london_las: list[int]
    other_las: list[int]
    teams_by_county: dict[int, list[int]] = field(default_factory=dict)
    out_of_county_team: int | None = None
    repatriation_agency: int | None = None
    school_agency_by_county: dict[int, int] = field(default_factory=dict)
    workers_by_team: dict[int, int] = field(default_factory=dict)

    @classmethod
    def from_database(cls) -> Context:
        def codes(key: str) -> dict[str, int]:
            return dict(Code.objects.filter(code_list__key=key).values_list("code", "id"))

        las = list(
            Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY)
            .select_related("parent")
            .order_by("slug")
        )
        partnership = [(a.pk, a.parent_id or a.pk) for a in las if a.partnership_id]
        london = [a.pk for a in las if a.parent is not None and a.parent.slug == "london"]
        other = [a.pk for a in las if not a.partnership_id and a.pk not in london]
        teams_by_county: dict[int, list[int]] = {}
        casework_types = {"childrens-services", "youth-justice"}
        custody_team = None
        for team in (
            Team.objects.select_related("agency__agency_type", "area")
            .prefetch_related("places")
            .order_by("slug")
        ):
            county = team.area.parent_id or team.area_id
            if team.places.filter(kind="custody_suite").exists():
                custody_team = custody_team or team.pk
            if team.agency.agency_type.code in casework_types:
                teams_by_county.setdefault(county, []).append(team.pk)
        from reachable.core.models import Agency

        charity = (
            Agency.objects.filter(agency_type__code="charity", areas__slug="london")
            .order_by("slug")
            .first()
        )
        schools: dict[int, int] = {}
        for agency in (
            Agency.objects.filter(agency_type__code="education")
            .prefetch_related("areas")
            .order_by("slug")
        ):
            for area in agency.areas.all():
                schools.setdefault(area.parent_id or area.pk, agency.pk)
        return cls(
            sex=codes("sex"),
            ethnicity=codes("ethnicity"),
            identifier_kind=codes("identifier-kind"),
            carer_relationship=codes("carer-relationship"),
            partnership_las=partnership,
            london_las=london,
            other_las=other,
            teams_by_county=teams_by_county,
            out_of_county_team=custody_team,
            repatriation_agency=charity.pk if charity else None,
            school_agency_by_county=schools,
        )


@dataclass
class ChildBundle:
    """One synthetic child and everything that hangs off their record."""

    child: tuple
    identifiers: list[tuple] = field(default_factory=list)
    carers: list[tuple] = field(default_factory=list)
    involvements: list[tuple] = field(default_factory=list)
    shares: list[tuple] = field(default_factory=list)


class Weighted:
    """A weighted choice with the cumulative weights worked out once (choices() redoes them per call)."""

    def __init__(self, weights: Mapping[Any, float]) -> None:
        self.values = list(weights)
        self.cum = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cum)[0]


SEX = Weighted(SEX_WEIGHTS)
AGE = Weighted(AGE_WEIGHTS)
HOME = Weighted(HOME_SHARES)
CARER_RELATIONSHIP = Weighted(CARER_RELATIONSHIP_WEIGHTS)


@lru_cache(maxsize=4096)
def _keys(name: str) -> tuple[str, str, str]:
    """Search keys for a name; the synthetic name pool is small, so each is worked out once."""
    return (name_key(name), *name_affixes(name))


class NamePool:
    def __init__(self) -> None:
        self.male = list(NameLists.first_names_male)
        self.female = list(NameLists.first_names_female)
        self.family = Weighted(dict(NameLists.last_names))

    def person(self, rng: random.Random, sex: str) -> tuple[str, str]:
        while True:
            given_pool = (
                self.female
                if sex == "F"
                else self.male
                if sex == "M"
                else rng.choice((self.male, self.female))
            )
            given = rng.choice(given_pool)
            family = self.family.pick(rng)
            if not is_denied(given, family):
                return given, family


def generate(
    *,
    seed: int,
    count: int,
    first_id: int,
    ctx: Context,
    created_at: dt.datetime,
    creator_id: int | None,
) -> Iterator[ChildBundle]:
    """Yield ``count`` children with ids from ``first_id``. Pure: depends only on its arguments."""
    rng = random.Random(seed)
    names = NamePool()
    ethnicities = Weighted({c: w for c, w in ETHNICITY_WEIGHTS.items() if c in ctx.ethnicity})
    for child_id in range(first_id, first_id + count):
        sex = SEX.pick(rng)
        age = AGE.pick(rng)
        dob = REFERENCE_DATE - dt.timedelta(days=int(age * 365.25) + rng.randrange(365))
        given, family = names.person(rng, sex)
        ethnicity = ctx.ethnicity[ethnicities.pick(rng)] if ethnicities.values else None
        home = HOME.pick(rng)
        county = None
        if home == "partnership" and ctx.partnership_las:
            la, county = rng.choice(ctx.partnership_las)
        elif home == "london" and ctx.london_las:
            la = rng.choice(ctx.london_las)
        else:
            la = rng.choice(
                ctx.other_las or ctx.london_las or [la for la, _ in ctx.partnership_las]
            )
        g_key, g_prefix, g_suffix = _keys(given)
        f_key, f_prefix, f_suffix = _keys(family)
        bundle = ChildBundle(
            child=(
                child_id,
                given,
                family,
                "",
                dob,
                ctx.sex[sex],
                ethnicity,
                la,
                g_key,
                f_key,
                g_prefix,
                g_suffix,
                f_prefix,
                f_suffix,
                created_at,
                created_at,
                creator_id,
            )
        )
        started = REFERENCE_DATE - dt.timedelta(days=rng.randrange(1, 400))
        if rng.random() < 0.6 and "police" in ctx.identifier_kind:
            year = (REFERENCE_DATE.year - rng.randrange(0, 4)) % 100
            value = f"{year:02d}/{child_id:07d}{chr(65 + child_id % 26)}"
            bundle.identifiers.append(
                (child_id, ctx.identifier_kind["police"], value, value.replace("/", ""))
            )
        if county is not None and rng.random() < 0.7 and "la-child" in ctx.identifier_kind:
            value = f"LA{la:03d}{child_id:08d}"
            bundle.identifiers.append((child_id, ctx.identifier_kind["la-child"], value, value))
        if rng.random() < 0.7 and ctx.carer_relationship:
            relationship = CARER_RELATIONSHIP.pick(rng)
            carer_given, carer_family = names.person(
                rng, "F" if relationship == "mother" else "M" if relationship == "father" else "U"
            )
            if relationship in {"mother", "father", "grandparent"}:
                carer_family = family
            bundle.carers.append(
                (
                    child_id,
                    f"{carer_given} {carer_family}",
                    ctx.carer_relationship.get(relationship),
                    relationship in {"mother", "father"},
                    "",
                )
            )
        if county is not None and ctx.teams_by_county.get(county) and rng.random() < 0.6:
            team = rng.choice(ctx.teams_by_county[county])
            worker = ctx.workers_by_team.get(team) if rng.random() < 0.5 else None
            bundle.involvements.append(
                (child_id, team, worker, started, None, "Synthetic allocation")
            )
        elif county is None and ctx.out_of_county_team and rng.random() < 0.5:
            worker = ctx.workers_by_team.get(ctx.out_of_county_team) if rng.random() < 0.5 else None
            bundle.involvements.append(
                (child_id, ctx.out_of_county_team, worker, started, None, "Detained out of county")
            )
        if (
            county is None
            and la in ctx.london_las
            and ctx.repatriation_agency
            and rng.random() < 0.4
        ):
            bundle.shares.append(
                (child_id, ctx.repatriation_agency, "Repatriation to home borough", started)
            )
        elif county is not None and county in ctx.school_agency_by_county and rng.random() < 0.05:
            bundle.shares.append(
                (
                    child_id,
                    ctx.school_agency_by_county[county],
                    "School safeguarding lead informed",
                    started,
                )
            )
        yield bundle
