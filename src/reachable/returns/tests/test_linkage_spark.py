"""The Spark path for national scale: the same records and model, run by Splink on a local Spark
session, find the same children as on DuckDB (docs/linkage.md)."""

from __future__ import annotations

import logging
import shutil

import duckdb
import pytest

from reachable.returns import linkage, person_ids
from reachable.returns.linkage_synth import children, pair_accuracy, pseudonymise_to, returns_for

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime"),
]

# py4j logs at INFO while the interpreter shuts down, after pytest has closed its streams.
logging.getLogger("py4j").setLevel(logging.WARNING)

AGENCIES = ["police", "youth-justice", "childrens-services", "education"]


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("reachable-linkage-test")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("checkpoints")))
    yield session
    session.stop()


def test_spark_links_the_same_records_as_duckdb(spark, tmp_path) -> None:
    from splink import Linker, SparkAPI

    con = duckdb.connect()
    people = children(800, seed=21)
    sources, truth = pseudonymise_to(returns_for(people, AGENCIES, seed=21), tmp_path, con)

    records = linkage.spark_records(spark, sources).cache()
    db_api = SparkAPI(spark_session=spark)
    linker = Linker(
        db_api.register(records),
        linkage.model_settings(with_nhs=False, dialect="spark"),
        log_level="ERROR",
    )
    model = linkage.estimate(linker, linkage.spark_pair_counter(records))
    assert model["comparisons"]
    pairs = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.9)
    found = clusters.as_spark_dataframe().select("unique_id", "cluster_id").collect()
    assert len(found) == records.count()

    con.execute("CREATE TABLE clusters (person_key VARCHAR, cluster_id VARCHAR)")
    con.executemany("INSERT INTO clusters VALUES (?, ?)", [(r[0], str(r[1])) for r in found])
    linkage.records_build(con, sources)
    person_ids.assign(con, None, 1)
    spark_precision, spark_recall = pair_accuracy(con, truth)

    duck = linkage.linker_for(con)
    linkage.estimate(duck, linkage.pair_counter(con))
    con.execute(
        f"CREATE TABLE links AS SELECT unique_id_l, unique_id_r FROM "
        f"{linkage.predict(duck, review_from=0.9)}"
    )
    person_ids.clusters_build(con, "links")
    person_ids.assign(con, None, 1)
    duck_precision, duck_recall = pair_accuracy(con, truth)

    assert spark_precision >= 0.98, spark_precision
    assert spark_recall >= 0.88, spark_recall
    assert abs(spark_recall - duck_recall) < 0.03
    assert abs(spark_precision - duck_precision) < 0.01
