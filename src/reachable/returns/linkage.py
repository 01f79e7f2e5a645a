"""Cross-agency linkage of pseudonymised person-level returns with Splink (DuckDB backend).

Nothing here sees a name: records carry keyed hashes of names and date of birth (exact matching
and blocking), keyed Bloom filters of the names (Dice similarity, so spelling slips still score),
year and month of birth, sex and postcode district (see ``pseudonymise``).

The model is Fellegi-Sunter: u probabilities from random pairs, m probabilities by expectation
maximisation on two blocking passes, and a match weight per pair that is the sum of one weight per
comparison (the waterfall an analyst sees). The same settings run on Spark for national scale
(``model_settings("spark")``): only the backend object changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator

from reachable.returns.pseudonymise import CLK_BITS

# Comparison name -> the record columns it reads; one list so records, settings and the waterfall
# agree on the columns.
RECORD_COLUMNS = [
    "unique_id",
    "agency",
    "given_h",
    "family_h",
    "given_clk",
    "family_clk",
    "dob_h",
    "dob_year",
    "dob_month",
    "sex",
    "postcode_district",
]


@dataclass(frozen=True)
class Source:
    """One accepted person-level return: its pseudonymised rows and its names' Bloom filters."""

    agency: str
    rows_path: str
    names_path: str


def records_build(con: duckdb.DuckDBPyConnection, sources: Sequence[Source]) -> int:
    """Create ``records``: one row per agency record of a child (``unique_id`` = the keyed hash of
    the agency and its own reference). ``sources`` run newest first: when a child appears in
    several returns from one agency, the newest details are used."""
    if not sources:
        con.execute(
            "CREATE OR REPLACE TABLE records (unique_id VARCHAR, agency VARCHAR, given_h VARCHAR, "
            "family_h VARCHAR, given_ph VARCHAR, family_ph VARCHAR, given_clk BIT, "
            "family_clk BIT, dob_h VARCHAR, dob_year INTEGER, dob_month INTEGER, sex VARCHAR, "
            "postcode_district VARCHAR, postcode_h VARCHAR, nhs_h VARCHAR)"
        )
        return 0
    files = ", ".join(f"('{s.rows_path}', {i}, '{s.agency}')" for i, s in enumerate(sources))
    paths = ", ".join(f"'{s.rows_path}'" for s in sources)
    names = ", ".join(f"'{s.names_path}'" for s in sources)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _names AS SELECT h, "
        f"(SELECT bitstring_agg(x::INTEGER, 0, {CLK_BITS - 1}) FROM unnest(any_value(clk)) AS t(x)) "
        f"AS clk FROM read_parquet([{names}]) GROUP BY h"
    )
    # Returns stored before an encoding was added lack its column: union_by_name gives NULL.
    con.execute(
        "CREATE OR REPLACE TABLE records AS "
        f"WITH files(filename, _ord, agency) AS (VALUES {files}), "
        f"rows AS (SELECT * FROM read_parquet([{paths}], union_by_name = true, filename = true)), "
        "newest AS (SELECT rows.*, files._ord, files.agency FROM rows JOIN files USING (filename) "
        "QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY files._ord) = 1) "
        "SELECT person_key AS unique_id, agency, given_h, family_h, "
        + ", ".join(
            f"{c}::VARCHAR AS {c}" if c in _optional(con, paths) else f"NULL::VARCHAR AS {c}"
            for c in ("given_ph", "family_ph", "postcode_h", "nhs_h")
        )
        + ", g.clk AS given_clk, f.clk AS family_clk, dob_h, dob_year::INTEGER AS dob_year, "
        "dob_month::INTEGER AS dob_month, NULLIF(sex, 'U') AS sex, postcode_district "
        "FROM newest LEFT JOIN _names AS g ON g.h = given_h LEFT JOIN _names AS f ON f.h = family_h"
    )
    con.execute("DROP TABLE _names")
    return int(con.execute("SELECT count(*) FROM records").fetchall()[0][0])


def spark_records(spark: Any, sources: Sequence[Source]) -> Any:
    """``records`` as a Spark DataFrame, from the same Parquet files (the Spark path)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    frames = []
    for order, source in enumerate(sources):
        frame = spark.read.parquet(source.rows_path)
        for column in ("given_ph", "family_ph", "postcode_h", "nhs_h"):
            if column not in frame.columns:
                frame = frame.withColumn(column, F.lit(None).cast("string"))
        frames.append(
            frame.withColumn("_ord", F.lit(order)).withColumn("agency", F.lit(source.agency))
        )
    rows = frames[0]
    for frame in frames[1:]:
        rows = rows.unionByName(frame, allowMissingColumns=True)
    newest = Window.partitionBy("person_key").orderBy("_ord")
    rows = rows.withColumn("_n", F.row_number().over(newest)).where("_n = 1")
    names = (
        spark.read.parquet(*[s.names_path for s in sources])
        .groupBy("h")
        .agg(F.first("clk").cast("array<int>").alias("clk"))
    )
    given = names.withColumnRenamed("h", "given_h").withColumnRenamed("clk", "given_clk")
    family = names.withColumnRenamed("h", "family_h").withColumnRenamed("clk", "family_clk")
    return (
        rows.join(given, "given_h", "left")
        .join(family, "family_h", "left")
        .select(
            F.col("person_key").alias("unique_id"),
            "agency",
            "given_h",
            "family_h",
            "given_ph",
            "family_ph",
            "given_clk",
            "family_clk",
            "dob_h",
            F.col("dob_year").cast("int").alias("dob_year"),
            F.col("dob_month").cast("int").alias("dob_month"),
            F.when(F.col("sex") != "U", F.col("sex")).alias("sex"),
            "postcode_district",
            "postcode_h",
            "nhs_h",
        )
    )


def _optional(con: duckdb.DuckDBPyConnection, paths: str) -> set[str]:
    """The columns present in any of the files."""
    found = con.execute(
        f"SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet([{paths}], "
        "union_by_name = true))"
    ).fetchall()
    return {c for (c,) in found}


def _dice_sql(column: str, dialect: str = "duckdb") -> str:
    left, right = f"{column}_l", f"{column}_r"
    if dialect == "spark":  # the filters are integer arrays there
        return f"2.0 * size(array_intersect({left}, {right})) / (size({left}) + size({right}))"
    return f"2.0 * bit_count({left} & {right}) / (bit_count({left}) + bit_count({right}))"


# What the analyst reads for each comparison (Splink keeps its own class name as the description).
TITLES = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
    "nhs_h": "NHS number",
    "sex": "Sex",
}


def title_of(comparison: dict[str, Any]) -> str:
    column = comparison.get("output_column_name", "")
    return TITLES.get(column, column)


def _name_comparison(part: str, other: str, dialect: str) -> cl.CustomComparison:
    h, clk = f"{part}_h", f"{part}_clk"
    return cl.CustomComparison(
        output_column_name=f"{part}_name",
        comparison_description=f"{part.title()} name",
        comparison_levels=[
            {
                "sql_condition": f"{h}_l IS NULL OR {h}_r IS NULL",
                "label_for_charts": "Not given",
                "is_null_level": True,
            },
            {"sql_condition": f"{h}_l = {h}_r", "label_for_charts": "Same name"},
            {
                "sql_condition": f"{_dice_sql(clk, dialect)} >= 0.8",
                "label_for_charts": "Very similar spelling (Dice >= 0.8)",
            },
            {
                "sql_condition": f"{part}_ph_l = {part}_ph_r",
                "label_for_charts": "Sounds the same",
            },
            {
                "sql_condition": f"{_dice_sql(clk, dialect)} >= 0.6",
                "label_for_charts": "Similar spelling (Dice >= 0.6)",
            },
            {
                "sql_condition": f"{h}_l = {other}_h_r OR {h}_r = {other}_h_l",
                "label_for_charts": "Names swapped",
            },
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


def _dob_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth",
        comparison_levels=[
            {
                "sql_condition": "dob_h_l IS NULL OR dob_h_r IS NULL",
                "label_for_charts": "Not given",
                "is_null_level": True,
            },
            {"sql_condition": "dob_h_l = dob_h_r", "label_for_charts": "Same date"},
            {
                "sql_condition": "dob_year_l = dob_year_r AND dob_month_l = dob_month_r",
                "label_for_charts": "Same month and year, different day",
            },
            {
                "sql_condition": "dob_year_l = dob_year_r",
                "label_for_charts": "Same year",
            },
            {
                "sql_condition": "abs(dob_year_l - dob_year_r) <= 1 AND dob_month_l = dob_month_r",
                "label_for_charts": "Same month, year one apart",
            },
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


def _exact(column: str, title: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=title,
        comparison_levels=[
            {
                "sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL",
                "label_for_charts": "Not given",
                "is_null_level": True,
            },
            {"sql_condition": f"{column}_l = {column}_r", "label_for_charts": "Same"},
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


def _postcode_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Postcode",
        comparison_levels=[
            {
                "sql_condition": "postcode_district_l IS NULL AND postcode_h_l IS NULL "
                "OR postcode_district_r IS NULL AND postcode_h_r IS NULL",
                "label_for_charts": "Not given",
                "is_null_level": True,
            },
            {
                "sql_condition": "postcode_h_l = postcode_h_r",
                "label_for_charts": "Same postcode",
            },
            {
                "sql_condition": "postcode_district_l = postcode_district_r",
                "label_for_charts": "Same postcode district",
            },
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


# Pairs compared at all. Each rule pairs agreement on two or more fields, one of them fine-grained
# (a full date of birth, a postcode district, a month of birth), so blocks stay small at a
# million records; and a slip in any one field (a misspelt name, a wrong day of birth, a move)
# still leaves a rule that finds the pair.
BLOCKING_RULES = [
    ("given_h", "family_h", "dob_year"),
    ("given_ph", "family_ph", "dob_year", "dob_month"),
    ("family_h", "dob_h"),
    ("given_h", "dob_h"),
    ("dob_h", "postcode_district"),
    ("given_ph", "family_ph", "postcode_district"),
    ("postcode_h", "dob_year"),
    ("nhs_h",),
]


def model_settings(*, with_nhs: bool = True, dialect: str = "duckdb") -> SettingsCreator:
    """The model; without the NHS number comparison when no return carries one (it would have
    nothing to learn from). ``dialect`` "spark" writes the name filters' Dice for Spark."""
    comparisons: list[ComparisonCreator | dict[str, Any]] = [
        _name_comparison("given", "family", dialect),
        _name_comparison("family", "given", dialect),
        _dob_comparison(),
        _postcode_comparison(),
        *([_exact("nhs_h", "NHS number")] if with_nhs else []),
        _exact("sex", "Sex"),
    ]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on(*rule) for rule in BLOCKING_RULES if with_nhs or "nhs_h" not in rule
        ],
        comparisons=comparisons,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=["agency"],
    )


def linker_for(con: duckdb.DuckDBPyConnection, model: dict[str, Any] | None = None) -> Linker:
    """A linker over ``records``: with a saved model (parameters already estimated) or untrained.
    Splink's warnings (a level with too few pairs to estimate, say) are not printed: the run's
    page shows each level's estimate or "not estimated"."""
    db_api = DuckDBAPI(connection=con)
    table = db_api.register("records", table_name="records_input")
    if model is None:
        nhs = con.execute("SELECT count(nhs_h) > 0 FROM records").fetchall()[0][0]
        return Linker(table, model_settings(with_nhs=bool(nhs)), log_level="ERROR")
    return Linker(table, model, log_level="ERROR")


# Training passes: each blocks on fields the other estimates, so every comparison gets its m.
# The first candidate giving enough pairs (and not too many) is used: returns without postcodes,
# for instance, train on the date of birth alone.
TRAINING = [
    [("dob_h", "postcode_district"), ("dob_h", "postcode_h"), ("dob_h", "sex"), ("dob_h",)],
    # Not on any part of the date of birth: Splink does not train a comparison on the pairs
    # blocked by its own columns.
    [("given_h", "family_h"), ("given_h", "family_h", "postcode_district")],
]
TRAINING_PAIRS = (50, 20_000_000)


PairCounter = Callable[[tuple[str, ...]], int]


def pair_counter(con: duckdb.DuckDBPyConnection) -> PairCounter:
    """How many pairs agree on some columns of ``records`` (on DuckDB)."""

    def count(columns: tuple[str, ...]) -> int:
        where = " AND ".join(f"{c} IS NOT NULL" for c in columns)
        found = con.execute(
            "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM records "
            f"WHERE {where} GROUP BY {', '.join(columns)})"
        ).fetchall()
        return int(found[0][0])

    return count


def spark_pair_counter(records: Any) -> PairCounter:
    """The same count over a Spark DataFrame of records."""
    from pyspark.sql import functions as F

    def count(columns: tuple[str, ...]) -> int:
        blocks = records.dropna(subset=list(columns)).groupBy(*columns).count()
        found = blocks.select(F.sum(F.col("count") * (F.col("count") - 1) / 2)).first()
        return int(found[0] or 0)

    return count


def estimate(linker: Linker, count: PairCounter, *, seed: int = 2026) -> dict[str, Any]:
    """Estimate the model's parameters on the records themselves (no labelled pairs needed)."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_h", "family_h", "dob_h")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=seed)
    low, high = TRAINING_PAIRS
    for candidates in TRAINING:
        usable = [c for c in candidates if low <= count(c) <= high]
        if usable:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*usable[0]), estimate_without_term_frequencies=True
            )
    return linker.misc.save_model_to_json()


def predict(linker: Linker, *, review_from: float) -> str:
    """Score every blocked pair; keep those at or above ``review_from``. Returns the table name of
    ``pairs(unique_id_l, unique_id_r, agency_l, agency_r, match_probability, match_weight,
    gamma_*)``."""
    scored = linker.inference.predict(threshold_match_probability=review_from)
    return str(scored.physical_name)


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall: what a comparison found and the weight it added."""

    comparison: str
    level: str
    weight: float


def waterfall(model: dict[str, Any], weights: dict[str, float]) -> list[Step]:
    """Why a pair scored what it did: the prior, then the weight each comparison added
    (``weights`` holds the ``mw_<comparison>`` columns of the pair's prediction)."""
    steps = []
    if prior := model.get("probability_two_random_records_match"):
        steps.append(
            Step("Starting point", "How often two records match by chance", _log2_odds(prior))
        )
    for comparison in model.get("comparisons", []):
        weight = float(weights.get(f"mw_{comparison['output_column_name']}") or 0.0)
        levels = [
            (known, lv["label_for_charts"])
            for lv in comparison["comparison_levels"]
            if (known := level_weight(lv)) is not None
        ]
        label = min(levels, key=lambda found: abs(found[0] - weight))[1] if levels else ""
        steps.append(Step(title_of(comparison), label, weight))
    return steps


def level_weight(level: dict[str, Any]) -> float | None:
    """A comparison level's match weight: log2(m/u); 0 for "not given"; None if m or u was not
    estimated (too few pairs at that level)."""
    if level.get("is_null_level"):
        return 0.0
    m, u = level.get("m_probability"), level.get("u_probability")
    if not m or not u:
        return None
    return math.log2(float(m) / float(u))


def _log2_odds(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def probability(weight: float) -> float:
    return float(2**weight / (1 + 2**weight))


@dataclass(frozen=True)
class Parameter:
    comparison: str
    level: str
    m: float | None
    u: float | None
    weight: float | None


def parameters(model: dict[str, Any]) -> list[Parameter]:
    """The estimated m and u of every comparison level, and the weight each gives a pair."""
    found = []
    for comparison in model.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            found.append(
                Parameter(
                    title_of(comparison),
                    level["label_for_charts"],
                    level.get("m_probability"),
                    level.get("u_probability"),
                    level_weight(level),
                )
            )
    return found
