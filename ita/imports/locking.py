"""One apply or revert of a year's results at a time, on any number of servers.

``import_commit`` and ``import_revert`` take this lock first in their transaction, before they
check the table against the stored data: a second apply of the same year waits for the first to
commit, then sees what it wrote (its preview is stale, and it says so) instead of interleaving
with it. The lock is the database's, held until the transaction ends; the page's applies run on
the task worker (``ita.imports.jobs``), the command's in its own process, under this one lock.
"""

from __future__ import annotations

from django.db import connection

# The first key of PostgreSQL's two-key advisory locks: this product's imports (the second is
# the year).
IMPORT_LOCK = 2101


def lock_year(year: int) -> None:
    """Wait for, then hold until the transaction ends, the lock of ``year``'s imports.

    PostgreSQL: a transaction-level advisory lock. SQLite lets one writer at a time into the
    whole database already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, year])
