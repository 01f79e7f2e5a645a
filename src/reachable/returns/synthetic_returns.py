"""Synthetic minimum dataset returns sent through the real submission path (upload, check,
pseudonymise), for the demo and tests: every agency that returns a domain sends one per county.

Children live in one county; the agencies of that county know some of them (the same child in
several returns, with the slips of ``linkage_synth``); police also arrest children from London."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from typing import Any

from reachable.accounts.roles import Role
from reachable.core.models import Agency, Area
from reachable.returns.linkage_synth import Child, as_recorded, children
from reachable.returns.models import Domain, Measure, ReturnPeriod, Submission
from reachable.returns.services import counties_of, domains_for, submission_queue

LONDON_CODES = ["E09000012", "E09000022", "E09000028", "E09000030"]
ETHNICITY = {
    "WBRI": 70,
    "WOTH": 5,
    "MWBC": 5,
    "MOTH": 2,
    "APKN": 2,
    "AOTH": 2,
    "BCRB": 4,
    "BAFR": 5,
    "OOTH": 2,
    "NOBT": 3,
}
CARE = {"none": 55, "cin": 20, "cp": 10, "cla": 12, "care-leaver": 3}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _value(
    rng: random.Random, m: Measure, period: ReturnPeriod, la_codes: list[str], fixed: dict[str, str]
) -> str:
    if m.name in fixed:
        return fixed[m.name]
    if m.pattern.startswith("^[EWSN]"):
        return rng.choice(la_codes) if rng.random() < 0.75 else rng.choice(LONDON_CODES)
    if m.pattern == "^[0-9]{6}$":
        return f"{rng.randint(100000, 149999)}"
    if m.codes:
        codes = [str(c) for c in m.codes]
        if codes == ["Y", "N"]:
            return "Y" if rng.random() < 0.7 else "N"
        if m.name == "nrm_decision":
            return _pick(rng, {"positive": 80, "negative": 12, "pending": 8})
        return rng.choice(codes)
    if m.type == "date":
        return str(
            period.starts_on
            + dt.timedelta(days=rng.randrange((period.ends_on - period.starts_on).days))
        )
    if m.type == "integer":
        return str(rng.randint(0, min(int(m.maximum or 6), 6)))
    if m.type == "number":
        return f"{rng.uniform(40, 100):.1f}"
    return ""


def _person_rows(
    rng: random.Random,
    domain: Domain,
    period: ReturnPeriod,
    known: list[tuple[int, Child]],
    la_codes: list[str],
    traits: dict[int, dict[str, str]],
) -> list[list[str]]:
    measures = list(domain.measures.order_by("position"))
    rows = [[m.name for m in measures]]
    for n, (index, child) in enumerate(known, start=1):
        given, family, born, sex, postcode = as_recorded(rng, child)
        fixed = {
            "local_id": f"{domain.key[:2].upper()}{index:06d}",
            "given_name": given.title(),
            "family_name": family.title(),
            "date_of_birth": (born or child.born).isoformat(),
            "sex": sex,
            "postcode": postcode,
            **traits[index],
        }
        if n % 50 == 0:  # a second reference for the same child, as happens
            fixed["local_id"] += "B"
        rows.append([_value(rng, m, period, la_codes, fixed) for m in measures])
    return rows


def _aggregate_rows(
    rng: random.Random, domain: Domain, period: ReturnPeriod, la_codes: list[str]
) -> list[list[str]]:
    measures = list(domain.measures.order_by("position"))
    breakdowns = [m for m in measures if m.role == Measure.Role.BREAKDOWN]
    combos: list[dict[str, str]] = [{}]
    for b in breakdowns:
        values = [str(c) for c in b.codes] if b.codes else la_codes
        combos = [{**c, b.name: v} for c in combos for v in values]
    rows = [[m.name for m in measures]]
    for combo in combos:
        rows.append([_value(rng, m, period, la_codes, combo) for m in measures])
    return rows


def returns_send(
    *, period: ReturnPeriod, children_per_county: int, seed: int, users: dict[str, Any]
) -> list[Submission]:
    """Send every domain's return for every agency and county; ``users`` maps an agency slug to
    its data submitter (created by the caller: tests and the demo have their own)."""
    rng = random.Random(seed)
    sent = []
    counties = list(
        Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False).order_by("slug")
    )
    people: dict[int, list[tuple[int, Child]]] = {}
    traits: dict[int, dict[str, str]] = {}
    pool = children(children_per_county * len(counties), seed=seed, period_end=period.ends_on)
    for i, child in enumerate(pool):
        people.setdefault(counties[i % len(counties)].pk, []).append((i + 1, child))
        traits[i + 1] = {"ethnicity": _pick(rng, ETHNICITY), "care_status": _pick(rng, CARE)}
    for agency in Agency.objects.filter(slug__in=users).order_by("slug"):
        for county in counties_of(agency):
            la_codes = list(
                county.children.exclude(gss_code="").values_list("gss_code", flat=True)
            ) or ["E10000000"]
            for domain in domains_for(agency, period):
                if domain.level == Domain.Level.PERSON:
                    known = [p for p in people.get(county.pk, []) if rng.random() < 0.55]
                    rows = _person_rows(rng, domain, period, known, la_codes, traits)
                else:
                    rows = _aggregate_rows(rng, domain, period, la_codes)
                out = io.StringIO()
                csv.writer(out).writerows(rows)
                sent.append(
                    submission_queue(
                        user=users[agency.slug],
                        period=period,
                        domain=domain,
                        county=county,
                        filename=f"{domain.key}-{county.slug}.csv",
                        chunks=[out.getvalue().encode()],
                    )
                )
    for submission in sent:
        submission.refresh_from_db()  # checked in the background, or at once in tests
    return sent


def demo_returns(*, seed: int, children_per_county: int = 150) -> int:
    """For the demo: every agency that returns person-level or aggregate data sends its return for
    the first period (through the real upload path), and the analyst runs linkage. Returns sent
    by agencies' own data submitters; those without one in the demo get a sign-in-less one."""
    from django.contrib.auth import get_user_model

    from reachable.accounts.models import Membership
    from reachable.returns.linkage_services import linkage_queue

    period = ReturnPeriod.objects.filter(closed=False).order_by("starts_on").first()
    analyst = Membership.objects.filter(role=Role.ANALYST).select_related("user").first()
    if period is None or analyst is None:
        return 0
    users: dict[str, Any] = {}
    for agency in Agency.objects.filter(partnership__isnull=False).select_related("agency_type"):
        if not domains_for(agency, period):
            continue
        found = Membership.objects.filter(agency=agency, role=Role.DATA_SUBMITTER).first()
        if found is None:
            user = get_user_model().objects.create_user(
                username=f"returns.{agency.slug}", password=None
            )
            found = Membership.objects.create(user=user, agency=agency, role=Role.DATA_SUBMITTER)
        users[agency.slug] = found.user
    sent = returns_send(
        period=period, children_per_county=children_per_county, seed=seed, users=users
    )
    linkage_queue(user=analyst.user, period=period)
    return len(sent)
