"""Pseudonymising person-level returns at upload, in DuckDB SQL, with the partnership's secret key.

What is kept of who a child is, per row:
- ``person_key``: HMAC-SHA256 of the agency and its own reference (stable across returns);
- ``given_h``/``family_h``: HMAC of the normalised name (exact matching and blocking);
- ``given_clk``/``family_clk``: a keyed Bloom-filter encoding of the name's letter pairs (the
  positions of the set bits, 1,024 bits), so that linkage can score similar spellings (Dice)
  without the name;
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

import duckdb
import jellyfish
from django.conf import settings

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


def person_encode(agency_slug: str, by_measure: dict[str, str], measures: list[str]) -> list[str]:
    """Statements that leave two tables: ``person_rows`` (one pseudonymised row per child, from the
    typed rows in ``typed``) and ``name_codes`` (each distinct name's HMAC and Bloom filter).

    Names and dates of birth repeat across rows, so each distinct value is encoded once; the
    filters are kept once per name rather than once per row."""

    def col(name: str) -> str:
        return '"' + name + '"'

    postcode = whole = "NULL"
    if "postcode" in by_measure:
        whole = hmac_sql(
            "NULLIF(upper(regexp_replace(base.postcode, '[^A-Za-z0-9]', '', 'g')), '')"
        )
        postcode = (
            "NULLIF(regexp_extract(upper(replace(base.postcode, ' ', '')), "
            "'^([A-Z]{1,2}[0-9][0-9A-Z]?)[0-9][A-Z]{2}$', 1), '')"
        )
    nhs = "NULL"
    if "nhs_number" in by_measure:
        nhs = hmac_sql("NULLIF(regexp_replace(base.nhs_number, '[^0-9]', '', 'g'), '')")
    kept = "".join(f", base.{col(m)}" for m in measures)
    reference = hmac_sql(f"'{agency_slug}|' || base.local_id")
    born = hmac_sql("strftime(d, '%Y-%m-%d')")
    return [
        f"CREATE OR REPLACE TEMP TABLE base AS SELECT *, {name_sql('given_name')} AS _g, "
        f"{name_sql('family_name')} AS _f FROM typed",
        "CREATE OR REPLACE TEMP TABLE name_codes AS "
        "WITH names AS (SELECT DISTINCT n FROM (SELECT _g AS n FROM base UNION ALL "
        "SELECT _f FROM base) WHERE n IS NOT NULL), "
        f"bigrams AS (SELECT n, substr('{PAD}' || n || '{PAD}', i + 1, 2) AS k "
        "FROM names, range(length(n) + 1) AS r(i)), "
        "clks AS (SELECT n, list_sort(list_distinct(flatten(list(v)))) AS clk "
        "FROM bigrams JOIN clk_bigrams USING (k) GROUP BY n) "
        f"SELECT n, {hmac_sql('n')} AS h, clk, {hmac_sql('metaphone(n)')} AS ph FROM clks",
        "CREATE OR REPLACE TEMP TABLE dob_codes AS "
        f"SELECT d, {born} AS h FROM (SELECT DISTINCT date_of_birth AS d FROM base "
        "WHERE date_of_birth IS NOT NULL)",
        "CREATE OR REPLACE TEMP TABLE person_rows AS "
        f"SELECT base._row, {reference} AS person_key, g.h AS given_h, f.h AS family_h, "
        "g.ph AS given_ph, f.ph AS family_ph, "
        "dob_codes.h AS dob_h, year(base.date_of_birth) AS dob_year, "
        f"month(base.date_of_birth) AS dob_month, {postcode} AS postcode_district, "
        f"{whole} AS postcode_h, {nhs} AS nhs_h{kept} "
        "FROM base LEFT JOIN name_codes AS g ON g.n = base._g "
        "LEFT JOIN name_codes AS f ON f.n = base._f "
        "LEFT JOIN dob_codes ON dob_codes.d = base.date_of_birth",
    ]
