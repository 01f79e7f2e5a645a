"""Fast inserts for generated or imported data: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of ``fields``; values are adapted to the database the same way the
ORM would (dates, aware datetimes), so rows read back through models exactly as if saved one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import partial
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


def _json_prep(field: models.JSONField, value: Any) -> Any:
    return field.get_db_prep_value(value, connection)


def _converters(model: type[models.Model], fields: list[str]) -> list[Callable[[Any], Any] | None]:
    ops = connection.ops
    out: list[Callable[[Any], Any] | None] = []
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            out.append(ops.adapt_datetimefield_value)
        elif isinstance(field, models.DateField):
            out.append(ops.adapt_datefield_value)
        elif isinstance(field, models.JSONField):
            out.append(partial(_json_prep, field))
        else:
            out.append(None)
    return out


def bulk_insert(
    model: type[models.Model],
    fields: list[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    chunk: int = 10000,
) -> int:
    """Insert the rows; returns how many. ``rows`` may be a generator, but producing a row must not
    query the database: on PostgreSQL the connection is busy with the COPY while rows are read."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [str(model._meta.get_field(f).column) for f in fields]  # type: ignore[union-attr]
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    convert = _converters(model, fields)
    count = 0

    def adapted(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            c(v) if c is not None and v is not None else v
            for c, v in zip(convert, row, strict=True)
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
            with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(adapted(row))
                    count += 1
        else:
            # A bigger page cache keeps the indexes in memory while millions of rows go in.
            cursor.execute("PRAGMA cache_size = -262144")
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"
            iterator = iter(rows)
            while batch := [adapted(r) for r in islice(iterator, chunk)]:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def reset_sequences(*models_: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    """The id after the highest one: for generating data nothing else writes at the same time
    (the synthetic partnership). Anything that runs beside other writers uses ``reserve_ids``."""
    last = model._default_manager.aggregate(m=models.Max("pk"))["m"]
    return int(last or 0) + 1


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` ids for rows inserted with explicit ids while others insert too (an import beside
    practitioners recording detentions). On PostgreSQL they come from the table's own sequence,
    so no concurrent insert can take one; SQLite runs one writer at a time (BEGIN IMMEDIATE), so
    the ids after the highest are free until this transaction commits."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        column = model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [int(r[0]) for r in cursor.fetchall()]
    first = next_id(model)
    return list(range(first, first + count))


def aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)
