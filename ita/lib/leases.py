"""Leases: held by the process doing a piece of work, let go by the system when that process dies.

A worker killed with SIGKILL (the kernel's out-of-memory killer, a container stopped hard, a
machine lost) writes nothing on its way out: a task it was running stays "running" in the
database for ever. A lease tells such a row from one some process is still working on, with no
clock and no heartbeat: whoever runs the work holds the lease, and the holder's death lets it go.

- PostgreSQL: a session-level advisory lock on a connection of the holder's own (the work's
  own connection may be closed and reopened under it), which the server releases the moment
  that session ends, however it ends.
- SQLite (one machine by nature): an exclusive ``flock`` on a file beside the database, which
  the kernel releases when the last descriptor of the holding process closes, even on SIGKILL.

``held(name, key)`` holds the lease for its block; ``free(name, key)`` is a block in which the
lease is taken if nobody holds it (so no holder can start while the block decides), and says
whether it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# The first key of PostgreSQL's two-key advisory locks taken for leases (ita.imports.locking
# uses 2101 for a year's imports).
LEASE_SPACE = 2102

_side: BaseDatabaseWrapper | None = None
_locks: set[tuple[str, str]] = set()  # PostgreSQL: held on ``_side``, closed when none is
_files: dict[tuple[str, str], IO[str]] = {}


def _key(name: str, key: str) -> int:
    digest = hashlib.blake2b(f"{name}:{key}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def lease_dir() -> Path:
    """Where SQLite's lease files live: beside the database file, which every process of the
    site reaches (not /tmp, which a service manager may give each process a private copy of)."""
    name = str(connection.settings_dict["NAME"])
    if name and not name.startswith("file:") and name != ":memory:":
        return Path(name).with_name(Path(name).name + ".leases")
    digest = hashlib.blake2b(name.encode(), digest_size=6).hexdigest()
    return Path(tempfile.gettempdir()) / f"ita-leases-{digest}"


def _path(name: str, key: str) -> Path:
    return lease_dir() / f"{name}-{key}.lock"


def _side_connection() -> BaseDatabaseWrapper:
    global _side
    if _side is None or not _side.is_usable():
        if _side is not None:
            with suppress(DatabaseError):
                _side.close()
        _side = connections.create_connection(DEFAULT_DB_ALIAS)
    return _side


def take(name: str, key: str) -> None:
    """Hold the lease ``name``/``key`` until ``let_go`` (or this process's end)."""
    if connection.vendor == "postgresql":
        with _side_connection().cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LEASE_SPACE, _key(name, key)])
        _locks.add((name, key))
        return
    path = _path(name, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    file = path.open("a")
    fcntl.flock(file, fcntl.LOCK_EX)
    _files[(name, key)] = file


def let_go(name: str, key: str) -> None:
    """Release a lease this process holds (nothing when it holds none)."""
    global _side
    if connection.vendor == "postgresql":
        if _side is None or (name, key) not in _locks:
            return
        _locks.discard((name, key))
        with suppress(DatabaseError), _side.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LEASE_SPACE, _key(name, key)])
        if not _locks:  # no connection kept open for nothing (nor a test database held)
            with suppress(DatabaseError):
                _side.close()
            _side = None
        return
    file = _files.pop((name, key), None)
    if file is not None:
        with suppress(OSError):
            os.unlink(_path(name, key))  # while still held: nobody takes a path about to go
        file.close()


@contextmanager
def held(name: str, key: str) -> Iterator[None]:
    take(name, key)
    try:
        yield
    finally:
        let_go(name, key)


def looks_held(name: str, key: str) -> bool:
    """Whether some process holds the lease now, without taking anything for long and outside
    any transaction: a first look, so that a lease a live process holds costs no write lock
    (SQLite's transactions take the whole database). Only ``free`` decides. PostgreSQL: this
    database's locks only (another site's, or another test process's, database on the same
    server has runs of the same ids)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND classid = %s::oid AND objid = (%s::bigint & 4294967295)::oid"
                " AND objsubid = 2",
                [LEASE_SPACE, _key(name, key)],
            )
            (holders,) = cursor.fetchone()
        return bool(holders)
    path = _path(name, key)
    try:
        file = path.open("r")
    except FileNotFoundError:
        return False  # a holder's file is there until it lets go
    with file:
        try:
            fcntl.flock(file, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


@contextmanager
def free(name: str, key: str) -> Iterator[bool]:
    """True when no process holds the lease; it is then held by this block until it ends.

    PostgreSQL: inside the caller's transaction (a lock to its end). Note that a lease held by
    this very process counts as free on PostgreSQL (a session may take its own lock again):
    ask from another process than the holder."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [LEASE_SPACE, _key(name, key)]
            )
            (got,) = cursor.fetchone()
        yield bool(got)
        return
    path = _path(name, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            with suppress(OSError):
                os.unlink(path)
