"""Synthetic person-level returns with a known truth, for linkage tests, the demo and benchmarks.

Children are drawn from the synthetic name pool; each is known to one or more agencies, and each
agency's copy carries the slips real returns carry: misspelt names, a wrong day of birth, day and
month swapped, a move to another postcode district, names the wrong way round, missing values,
and now and then the same child twice in one agency under two references.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from reachable.returns.linkage import Source
from reachable.returns.pseudonymise import encoders_register, person_encode
from reachable.synth.generator import NamePool

DISTRICTS = [
    f"{area}{n}" for area in ("CB", "PE", "IP", "CO", "NR", "LU", "SG") for n in range(1, 13)
]


@dataclass(frozen=True)
class Child:
    given: str
    family: str
    born: dt.date
    sex: str
    district: str


def children(count: int, *, seed: int, period_end: dt.date = dt.date(2026, 9, 30)) -> list[Child]:
    rng = random.Random(seed)
    names = NamePool()
    found = []
    for _ in range(count):
        sex = rng.choice("MF")
        given, family = names.person(rng, sex)
        age_days = rng.randint(10 * 365 + 3, 18 * 365 - 3)
        found.append(
            Child(
                given, family, period_end - dt.timedelta(days=age_days), sex, rng.choice(DISTRICTS)
            )
        )
    return found


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 3:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(4)
    letter = rng.choice(string.ascii_lowercase)
    if kind == 0:
        return name[:i] + letter + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + letter + name[i:]
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]


def as_recorded(rng: random.Random, child: Child) -> tuple[str, str, dt.date | None, str, str]:
    """One agency's copy of a child: given and family name, date of birth, sex, postcode, with
    the slips real returns carry."""
    given, family, born, sex = child.given, child.family, child.born, child.sex
    district = child.district
    if rng.random() < 0.08:
        given = _typo(rng, given)
    if rng.random() < 0.08:
        family = _typo(rng, family)
    if rng.random() < 0.01:
        given, family = family, given
    roll = rng.random()
    recorded: dt.date | None = born
    if roll < 0.03:
        recorded = born.replace(day=min(28, born.day % 28 + 1))
    elif roll < 0.05 and born.day <= 12:
        recorded = born.replace(day=born.month, month=born.day)
    elif roll < 0.06:
        recorded = None
    if rng.random() < 0.12:
        district = rng.choice(DISTRICTS)
    postcode = f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    if rng.random() < 0.04:
        postcode = ""
    if rng.random() < 0.01:
        sex = "U"
    elif rng.random() < 0.005:
        sex = "F" if sex == "M" else "M"
    return given, family, recorded, sex, postcode


@dataclass
class SyntheticReturns:
    """Per agency, the columns of its return plus ``truth`` (which child each row is)."""

    agencies: dict[str, dict[str, list]]

    @property
    def records(self) -> int:
        return sum(len(cols["local_id"]) for cols in self.agencies.values())


def returns_for(
    people: Sequence[Child], agencies: Sequence[str], *, seed: int, reach: float = 0.45
) -> SyntheticReturns:
    """Each child is known to a first agency and to each other agency with chance ``reach``."""
    rng = random.Random(seed + 1)
    out: dict[str, dict[str, list]] = {
        a: {
            k: []
            for k in (
                "local_id",
                "given_name",
                "family_name",
                "date_of_birth",
                "sex",
                "postcode",
                "truth",
            )
        }
        for a in agencies
    }
    for index, child in enumerate(people):
        first = rng.randrange(len(agencies))
        for j, agency in enumerate(agencies):
            if j != first and rng.random() >= reach:
                continue
            copies = 2 if rng.random() < 0.02 else 1
            for _ in range(copies):
                cols = out[agency]
                given, family, born, sex, postcode = as_recorded(rng, child)
                cols["local_id"].append(f"{agency[:3].upper()}{len(cols['local_id']) + 1:07d}")
                cols["given_name"].append(given)
                cols["family_name"].append(family)
                cols["date_of_birth"].append(born)
                cols["sex"].append(sex)
                cols["postcode"].append(postcode)
                cols["truth"].append(index)
    return SyntheticReturns(out)


def encode_to(con: duckdb.DuckDBPyConnection, agency: str, folder: Path, *, nhs: bool) -> Source:
    """Pseudonymise the identifying columns in table ``typed`` (and ``sex``) as an accepted
    upload is, into ``<agency>.parquet`` and ``<agency>-names.parquet`` under ``folder``. Leaves
    table ``person_rows`` for the caller to pair keys with what it knows of each row."""
    encoding = person_encode("typed", agency, kept=["sex"], postcode=True, nhs=nhs)
    for statement in encoding.statements:
        con.execute(statement)
    con.execute(f"CREATE OR REPLACE TEMP TABLE person_rows AS {encoding.rows}")
    rows, names = folder / f"{agency}.parquet", folder / f"{agency}-names.parquet"
    con.execute(f"COPY (SELECT * FROM person_rows) TO '{rows}' (FORMAT parquet)")
    con.execute(f"COPY ({encoding.names}) TO '{names}' (FORMAT parquet)")
    return Source(agency, str(rows), str(names))


def pseudonymise_to(
    returns: SyntheticReturns, folder: Path, con: duckdb.DuckDBPyConnection
) -> tuple[list[Source], Path]:
    """Pseudonymise each agency's return as an accepted upload is, into Parquet under ``folder``.
    Also writes ``truth.parquet`` (person key -> child), which only a test or benchmark holds."""
    folder.mkdir(parents=True, exist_ok=True)
    encoders_register(con)
    sources = []
    truths: list[str] = []
    for agency, cols in returns.agencies.items():
        table = pa.table({**cols, "_row": list(range(2, len(cols["local_id"]) + 2))})
        con.register("_synthetic", table)
        con.execute("CREATE OR REPLACE TEMP TABLE typed AS SELECT * FROM _synthetic")
        sources.append(encode_to(con, agency, folder, nhs=False))
        truths.append(f"_agency_truth_{len(truths)}")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {truths[-1]} AS SELECT p.person_key, t.truth "
            "FROM person_rows AS p JOIN typed AS t USING (_row)"
        )
        con.unregister("_synthetic")
    truth = folder / "truth.parquet"
    union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in truths)
    con.execute(f"COPY ({union}) TO '{truth}' (FORMAT parquet)")
    for table in truths:
        con.execute(f"DROP TABLE {table}")
    return sources, truth


def pair_accuracy(con: duckdb.DuckDBPyConnection, truth: Path) -> tuple[float, float]:
    """Precision and recall over pairs of records given the same person ID in ``assigned``,
    against the synthetic truth (tests and benchmarks only)."""
    # Read from the file in each query, so no table of the same name (a temporary one would be
    # found first) can stand in for the whole truth.
    known = f"read_parquet('{truth}')"
    assigned, matched = con.execute(
        f"SELECT count(*), count(k.person_key) FROM assigned AS x LEFT JOIN {known} AS k "
        "USING (person_key)"
    ).fetchall()[0]
    if assigned != matched:
        raise ValueError(f"{assigned - matched} of {assigned} linked records have no known truth")
    tp, fp = con.execute(
        "SELECT count(*) FILTER (a.truth = b.truth), count(*) FILTER (a.truth <> b.truth) "
        "FROM assigned AS x JOIN assigned AS y ON x.person_id = y.person_id "
        f"AND x.person_key < y.person_key JOIN {known} AS a ON a.person_key = x.person_key "
        f"JOIN {known} AS b ON b.person_key = y.person_key"
    ).fetchall()[0]
    total = con.execute(
        f"SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) AS n FROM {known} GROUP BY truth)"
    ).fetchall()[0][0]
    return tp / (tp + fp), tp / total
