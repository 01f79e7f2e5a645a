"""Pseudonymising person-level returns at upload, in DuckDB SQL, with the partnership's secret key.

What is kept of who a child is, per row:
- ``person_key``: HMAC-SHA256 of the agency and its own reference (stable across returns);
- ``given_h``/``family_h``: HMAC of the normalised name (exact matching and blocking);
- beside the rows, once per name HMAC: a keyed Bloom-filter encoding of the name's letter pairs
  (the positions of the set bits, 1,024 bits), so that linkage can score similar spellings
  (Dice) without the name;
- ``given_ph``/``family_ph``: HMAC of the name's phonetic code (Metaphone), so names that sound
  the same block and match however they are spelt;
- ``dob_h`` (HMAC of the full date), ``dob_year``, ``dob_month``; ``sex``; ``postcode_district``;
  ``postcode_h`` (HMAC of the whole postcode, spaces and case removed); ``nhs_h`` (HMAC of the
  NHS number, where the return carries one).
Names, full dates of birth, full postcodes and references are not stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import string
from dataclasses import dataclass

import duckdb
import jellyfish
from django.conf import settings

from reachable.returns.validation import date_sql, quoted

CLK_BITS = 1024
CLK_HASHES = 20
PAD = "_"
ALPHABET = string.ascii_lowercase + PAD


def _key() -> bytes:
    return str(settings.REACHABLE_LINKAGE_KEY).encode()


def hmac_sql(expr: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 (RFC 2104) of a text expression, as DuckDB SQL; hex digest, NULL for NULL."""
    key = key or _key()
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    ipad = bytes(b ^ 0x36 for b in block).hex()
    opad = bytes(b ^ 0x5C for b in block).hex()
    return f"sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode({expr}))))"


def name_sql(expr: str) -> str:
    """A name reduced to the letters a-z (accents dropped, case folded): 'Zoë O'Neil' -> 'zoeoneil'."""
    return f"NULLIF(regexp_replace(lower(strip_accents({expr})), '[^a-z]', '', 'g'), '')"


def bigram_positions(key: bytes | None = None) -> dict[str, list[int]]:
    """For every letter pair, the filter bits it sets: derived from the key, so the encoding means
    nothing without it."""
    key = key or _key()
    positions: dict[str, list[int]] = {}
    for a in ALPHABET:
        for b in ALPHABET:
            digest = hmac.new(key, f"clk|{a}{b}".encode(), hashlib.sha256).digest()
            digest += hmac.new(key, f"clk2|{a}{b}".encode(), hashlib.sha256).digest()
            bits = {
                int.from_bytes(digest[i : i + 2], "big") % CLK_BITS
                for i in range(0, 2 * CLK_HASHES, 2)
            }
            positions[a + b] = sorted(bits)
    return positions


def clk_table_sql(key: bytes | None = None) -> str:
    """A temporary table ``clk_bigrams(k, v)``: each letter pair and the filter bits it sets."""
    rows = ", ".join(
        f"('{bigram}', {positions})" for bigram, positions in bigram_positions(key).items()
    )
    return f"CREATE OR REPLACE TEMP TABLE clk_bigrams AS SELECT * FROM (VALUES {rows}) AS t(k, v)"


def encoders_register(con: duckdb.DuckDBPyConnection, key: bytes | None = None) -> None:
    """What ``person_encode`` needs on a connection: the letter-pair table and the phonetic code
    (a Python function, run once per distinct name)."""
    con.execute(clk_table_sql(key))
    with contextlib.suppress(duckdb.CatalogException):  # registered on this connection already
        con.create_function("metaphone", _metaphone, ["VARCHAR"], "VARCHAR")


def _metaphone(name: str) -> str:
    return jellyfish.metaphone(name) or name


def dice(a: list[int], b: list[int]) -> float:
    """Dice similarity of two encodings (1.0 identical, 0.0 nothing in common)."""
    if not a and not b:
        return 1.0
    return 2 * len(set(a) & set(b)) / (len(set(a)) + len(set(b)))


@dataclass(frozen=True)
class Encoding:
    """How to pseudonymise one return: ``statements`` build small code tables (one row per
    distinct name, date of birth and postcode); ``rows`` is then the SELECT of one pseudonymised
    row per child, and ``names`` that of each name's HMAC and filter, for linkage."""

    statements: list[str]
    rows: str
    names: str = "SELECT h, clk FROM name_codes"


def person_encode(
    source: str, agency_slug: str, *, kept: list[str], postcode: bool, nhs: bool
) -> Encoding:
    """Pseudonymise the rows of ``source``: ``_row``, ``local_id``, ``given_name``,
    ``family_name``, ``date_of_birth`` (text as written, or DATE), ``postcode`` and ``nhs_number``
    where the return has them, and the ``kept`` columns, carried over as they are.

    Names, dates of birth and postcodes repeat across rows, so each distinct value is normalised
    and encoded once and joined back; only the agency reference (and the NHS number) is hashed
    per row."""

    born = "strftime(d, '%Y-%m-%d')"
    compact = "NULLIF(upper(regexp_replace(v, '[^A-Za-z0-9]', '', 'g')), '')"
    statements = [
        "CREATE OR REPLACE TEMP TABLE name_keys AS SELECT v, "
        f"{name_sql('v')} AS n FROM (SELECT DISTINCT v FROM (SELECT given_name AS v FROM "
        f"{source} UNION ALL SELECT family_name FROM {source}) WHERE v IS NOT NULL)",
        "CREATE OR REPLACE TEMP TABLE name_codes AS "
        "WITH names AS (SELECT DISTINCT n FROM name_keys WHERE n IS NOT NULL), "
        f"bigrams AS (SELECT n, substr('{PAD}' || n || '{PAD}', i + 1, 2) AS k "
        "FROM names, range(length(n) + 1) AS r(i)), "
        "clks AS (SELECT n, list_sort(list_distinct(flatten(list(v)))) AS clk "
        "FROM bigrams JOIN clk_bigrams USING (k) GROUP BY n) "
        f"SELECT n, {hmac_sql('n')} AS h, clk, {hmac_sql('metaphone(n)')} AS ph FROM clks",
        "CREATE OR REPLACE TEMP TABLE name_map AS "
        "SELECT k.v, c.h, c.ph FROM name_keys AS k JOIN name_codes AS c USING (n)",
        "CREATE OR REPLACE TEMP TABLE dob_codes AS "
        f"SELECT v, {hmac_sql(born)} AS h, year(d) AS y, month(d) AS m "
        f"FROM (SELECT v, {date_sql('CAST(v AS VARCHAR)')} AS d FROM "
        f"(SELECT DISTINCT date_of_birth AS v FROM {source} WHERE date_of_birth IS NOT NULL))",
    ]
    joins = (
        "LEFT JOIN name_map AS g ON g.v = base.given_name "
        "LEFT JOIN name_map AS f ON f.v = base.family_name "
        "LEFT JOIN dob_codes AS b ON b.v = base.date_of_birth"
    )
    district = whole = "NULL"
    if postcode:
        statements.append(
            "CREATE OR REPLACE TEMP TABLE postcode_codes AS SELECT v, "
            "NULLIF(regexp_extract(upper(replace(v, ' ', '')), "
            "'^([A-Z]{1,2}[0-9][0-9A-Z]?)[0-9][A-Z]{2}$', 1), '') AS district, "
            f"{hmac_sql(compact)} AS h "
            f"FROM (SELECT DISTINCT postcode AS v FROM {source} WHERE postcode IS NOT NULL)"
        )
        joins += " LEFT JOIN postcode_codes AS p ON p.v = base.postcode"
        district, whole = "p.district", "p.h"
    nhs_h = "NULL"
    if nhs:
        nhs_h = hmac_sql("NULLIF(regexp_replace(base.nhs_number, '[^0-9]', '', 'g'), '')")
    carried = "".join(f", base.{quoted(m)}" for m in kept)
    reference = hmac_sql(f"'{agency_slug}|' || base.local_id")
    rows = (
        f"SELECT base._row, {reference} AS person_key, g.h AS given_h, f.h AS family_h, "
        "g.ph AS given_ph, f.ph AS family_ph, b.h AS dob_h, b.y AS dob_year, b.m AS dob_month, "
        f"{district} AS postcode_district, {whole} AS postcode_h, {nhs_h} AS nhs_h{carried} "
        f"FROM {source} AS base {joins}"
    )
    return Encoding(statements, rows)
