"""A lease is looked at in this database only: another database on the same PostgreSQL server
(another site's, or another test process's) has task runs of the same ids, whose leases must
not pass for this one's (a stopped run would then never be retried)."""

from __future__ import annotations

import os

import psycopg
import pytest
from django.db import connection

from ita.lib import leases

pytestmark = pytest.mark.django_db


def test_a_lease_held_in_another_database_of_the_server_is_not_this_ones() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "advisory locks are PostgreSQL's; SQLite's lease files sit beside each database"
        )
    # The database DATABASE_URL names: the tests run in a copy of their own beside it.
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as other:
        other.execute(
            "SELECT pg_advisory_lock(%s, %s)", [leases.LEASE_SPACE, leases._key("task", "5")]
        )
        assert not leases.looks_held("task", "5")
        with leases.held("task", "5"):
            assert leases.looks_held("task", "5")
    assert not leases.looks_held("task", "5")
