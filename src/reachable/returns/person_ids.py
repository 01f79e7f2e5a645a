"""Stable partnership person IDs across linkage cycles.

Splink clusters from scratch each time; the partnership needs a child linked in April-September
to keep the same ID when October-March arrives. After clustering this cycle's links:

- each existing person keeps the cluster holding most of its records (ties: the one holding its
  earliest record); its records in any other cluster split away;
- a cluster kept by one existing person takes that person's ID; kept by several, they merge into
  the oldest (lowest) ID; kept by none, it gets a new ID;
- records not in this cycle (from a replaced return) keep the ID they had.

Every merge and split is listed in ``changes`` for the run to record with its reason.
"""

from __future__ import annotations

import duckdb
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold


def clusters_build(con: duckdb.DuckDBPyConnection, links: str) -> None:
    """``clusters(person_key, cluster_id)``: connected components of ``records`` over the pairs in
    the ``links`` table (``unique_id_l``, ``unique_id_r``)."""
    db_api = DuckDBAPI(connection=con)
    found = cluster_pairwise_predictions_at_threshold(
        nodes=db_api.register("records", table_name="cluster_nodes"),
        edges=db_api.register(links, table_name="cluster_edges"),
        db_api=db_api,
        node_id_column_name="unique_id",
    )
    con.execute(
        "CREATE OR REPLACE TABLE clusters AS SELECT unique_id AS person_key, "
        f"cluster_id FROM {found.physical_name}"
    )


def assign(con: duckdb.DuckDBPyConnection, previous: str | None, first_new_id: int) -> None:
    """From ``clusters`` and the ``previous`` snapshot (a Parquet path, or None in the first
    cycle), create ``assigned(person_key, agency, person_id)`` and
    ``changes(kind, person_id, other_id, records)``: kind ``merge`` (person_id merged into
    other_id) or ``split`` (records of person_id now belong to other_id)."""
    if previous:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE prev AS SELECT person_key, person_id "
            f"FROM read_parquet('{previous}')"
        )
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE prev (person_key VARCHAR, person_id BIGINT)")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE held AS SELECT p.person_id, c.cluster_id, "
        "count(*) AS n, min(c.person_key) AS first_key "
        "FROM clusters AS c JOIN prev AS p USING (person_key) GROUP BY ALL"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE kept AS SELECT person_id, cluster_id FROM held "
        "QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY n DESC, first_key) = 1"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cluster_ids AS "
        "WITH owned AS (SELECT cluster_id, min(person_id) AS person_id FROM kept GROUP BY ALL), "
        "fresh AS (SELECT cluster_id, "
        f"{first_new_id} - 1 + row_number() OVER (ORDER BY min(person_key)) AS person_id "
        "FROM clusters WHERE cluster_id NOT IN (SELECT cluster_id FROM owned) GROUP BY ALL) "
        "SELECT * FROM owned UNION ALL SELECT * FROM fresh"
    )
    con.execute(
        "CREATE OR REPLACE TABLE assigned AS "
        "SELECT c.person_key, r.agency, i.person_id FROM clusters AS c "
        "JOIN cluster_ids AS i USING (cluster_id) JOIN records AS r ON r.unique_id = c.person_key "
        "UNION ALL SELECT p.person_key, NULL, p.person_id FROM prev AS p "
        "WHERE p.person_key NOT IN (SELECT person_key FROM clusters)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE changes AS "
        "SELECT 'merge' AS kind, k.person_id, i.person_id AS other_id, h.n AS records "
        "FROM kept AS k JOIN cluster_ids AS i USING (cluster_id) "
        "JOIN held AS h ON h.person_id = k.person_id AND h.cluster_id = k.cluster_id "
        "WHERE k.person_id <> i.person_id "
        "UNION ALL "
        "SELECT 'split', h.person_id, i.person_id, h.n FROM held AS h "
        "JOIN cluster_ids AS i USING (cluster_id) "
        "WHERE NOT EXISTS (SELECT 1 FROM kept AS k "
        "WHERE k.person_id = h.person_id AND k.cluster_id = h.cluster_id) "
        "AND h.person_id <> i.person_id "
        "ORDER BY 1, 2, 3"
    )
