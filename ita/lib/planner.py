"""The query planner's statistics, kept true after a large rewrite (PostgreSQL).

PostgreSQL plans by each table's statistics, which autovacuum refreshes in its own time. A table
analysed while it held only dead rows (a revert's or a test's deletes, a rewrite's old versions)
is promised to hold one row, and a join over thousands of rows then runs as nested loops for
minutes (seen in CI's PostgreSQL pass: EXPLAIN rows=1 over 15,000 scores). Code that rewrites a
large part of a table asks for the statistics at once instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Model


def analyze(models: Sequence[type[Model]]) -> None:
    """ANALYZE these tables now (nothing on SQLite, whose planner keeps no such statistics).

    Inside a transaction the rows it wrote count as live and the rows it deleted as dead, as
    they will be once it commits."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def analyze_on_commit(models: Sequence[type[Model]]) -> None:
    """ANALYZE these tables once the current transaction has committed (nothing if it rolls
    back: the statistics then still describe the rows as they are)."""
    if connection.vendor != "postgresql":
        return
    tables = list(models)
    transaction.on_commit(lambda: analyze(tables))
