"""Writing many rows quickly: PostgreSQL COPY, or executemany on SQLite.

The ORM's bulk_create builds a model instance and compiles SQL per row, and bulk_update writes
one CASE expression per field: for a nationwide table (8,400 results, 84,000 indicator scores)
that is most of the commit's time. Values given here must already be in database form
(Decimals, bools, None; datetimes through ``db_datetime``); callers are inside the commit's
transaction, so these writes are all-or-nothing with the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, models

# A value in database form, as a cursor takes it.
DbValue = bool | int | float | Decimal | str | bytes | dt.date | dt.datetime | None


def db_datetime(value: dt.datetime) -> DbValue:
    return connection.ops.adapt_datetimefield_value(value)


def _column(field: object) -> str:
    assert isinstance(field, models.Field) and field.column, f"{field} has no column"
    return connection.ops.quote_name(field.column)


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [_column(model._meta.get_field(f)) for f in fields]


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[DbValue]]
) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_columns(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(rows))


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[DbValue]]
) -> None:
    """Each row is the new values of ``fields`` followed by the primary key.

    PostgreSQL: COPY into a temporary table, then one UPDATE … FROM it (thousands of single-row
    UPDATEs cost a round trip each). SQLite, in process, takes them with executemany.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(model, fields)
    pk = _column(model._meta.pk)
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temp = connection.ops.quote_name(f"import_update_{model._meta.db_table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "
                f"SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            with cursor.copy(f"COPY {temp} ({', '.join(columns)}, {pk}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{c} = u.{c}" for c in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {temp} u WHERE {table}.{pk} = u.{pk}"
            )
            cursor.execute(f"DROP TABLE {temp}")
            return
        assignments = ", ".join(f"{c} = %s" for c in columns)
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)
