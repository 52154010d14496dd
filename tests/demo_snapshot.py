"""The demo, loaded once per test process and written back for each test that asks for it.

``factories.load_demo()`` runs the whole demo through the services: 85 organisations and their
results, the report, the seed's memo up its chain, a signing certificate made on the spot and the
decided memo's signed archival PDF (seconds each time). ``take()`` runs it once, in a transaction
it rolls back, on the rows the test database had when the migrations made it (``Migrated``, kept
by the ``django_db_setup`` fixture and put back first if a committing test flushed them), and
keeps what the load changed: for each model, the rows it inserted, updated or
deleted (every column as stored, by primary key), each model's rows as they stood after it, the
SQLite sequences, and the files it wrote under ``MEDIA_ROOT``. ``Snapshot.restore()`` writes
them back through the test's connection:

- inside a test's transaction (``db``), only what the load changed, rolled back with the test;
- in a test that commits (``transactional_db``, a live server), or after one flushed the tables
  (the country's gazetteer with them), every model's rows as they stood after the load.

Either way the test sees the rows a load in a fresh database makes, with the same ids, the same
verification codes (drawn from a fixed sequence here, as before), the same signed PDF with its
file, and the sequences where that load left them (PostgreSQL's are set past the restored ids).
What the load leaves that is not a row or a file is not kept: it sends no mail and queues only
``on_commit`` work, which a test's transaction never runs (a committing test no longer receives
the chain's notices from the demo's own sign-off). ``tests/test_demo_snapshot.py`` compares
a restored demo with a fresh load, model by model.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Model
from django.utils import timezone

Row = tuple[Any, ...]


def models() -> list[type[Model]]:
    """Every model with a table of its own (auto-created many-to-many tables too)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def columns(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.local_concrete_fields]


def rows(model: type[Model]) -> dict[Any, Row]:
    """The model's rows as stored, by primary key (no ``save()``, no defaults, no converters
    beyond the fields' own reading of the database)."""
    names = columns(model)
    pk = names.index(model._meta.pk.attname)
    values = model._base_manager.using(DEFAULT_DB_ALIAS).order_by("pk").values_list(*names)
    return {row[pk]: row for row in values}


def dump() -> dict[type[Model], dict[Any, Row]]:
    return {model: rows(model) for model in models()}


def other_tables() -> dict[str, int]:
    """The row count of each table that is no model's (the cache's, the migrations')."""
    known = set(connection.introspection.django_table_names(only_existing=True))
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table not in known:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_sequences() -> dict[str, int]:
    """SQLite's AUTOINCREMENT counters (rolled back with a transaction, unlike PostgreSQL's)."""
    if connection.vendor != "sqlite":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return dict(cursor.fetchall())


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@dataclass
class Change:
    """What the load did to one model's table."""

    model: type[Model]
    inserted: list[Row]
    updated: list[Row]
    deleted: list[Any]


@dataclass
class Migrated:
    """The test database's rows as its migrations made them (the gazetteer, the content types and
    permissions, the shipped measure templates…), kept before any test writes to it."""

    rows: dict[type[Model], list[Row]]
    sequences: dict[str, int]  # SQLite's counters

    @classmethod
    def now(cls) -> Migrated:
        return cls(
            rows={model: list(found.values()) for model, found in dump().items()},
            sequences=sqlite_sequences(),
        )

    def put_back(self) -> None:
        """Every table as migrations left it, where a committing test's flush emptied some (or
        its rows stayed), and the sequences of a fresh database."""
        if counts(list(self.rows)) != {model: len(found) for model, found in self.rows.items()}:
            _replace_everything(self.rows)
        _set_sequences(self.sequences, list(self.rows))


@dataclass
class Snapshot:
    changes: list[Change]
    before: dict[type[Model], int]  # each model's row count before the load
    after: dict[type[Model], list[Row]]  # every model's rows after it
    sequences: dict[str, int]  # SQLite's counters after it, table by table
    files: dict[str, bytes]  # what it wrote under MEDIA_ROOT, by path
    loaded: tuple[dt.datetime, dt.datetime]  # when the load began and ended
    build: Callable[[], Any]  # the test's handle on the demo (``factories.Demo``), by queries

    def restore(self) -> Any:
        """The demo written back through the test's connection; its ``factories.Demo``."""
        with transaction.atomic():
            if counts(list(self.before)) == self.before:
                _apply_changes(self.changes)
                _set_sequences(self.sequences, [change.model for change in self.changes])
            else:
                # A test that committed flushed the tables (the gazetteer with them), or left
                # rows: every model's rows as the load in a fresh database left them.
                _replace_everything(self.after)
                _set_sequences(self.sequences, list(self.after))
        _write_files(self.files)
        return self.build()


@dataclass
class Committed:
    """Every model's rows, the SQLite sequences and the files under a folder, as a committing
    test left them: a world that test built once in this process, put back in the next tests
    that walk it (whatever committing tests flushed in between)."""

    rows: dict[type[Model], list[Row]]
    sequences: dict[str, int]  # SQLite's counters
    files: dict[str, bytes]  # under ``MEDIA_ROOT``, by path

    @classmethod
    def now(cls) -> Committed:
        return cls(
            rows={model: list(found.values()) for model, found in dump().items()},
            sequences=sqlite_sequences(),
            files=media_files(Path(settings.MEDIA_ROOT)),
        )

    def put_back(self) -> None:
        """Every table's rows as they were kept (in place of whatever is there), committed, and
        the kept files written back under ``MEDIA_ROOT``."""
        with transaction.atomic():
            _replace_everything(self.rows)
            _set_sequences(self.sequences, list(self.rows))
        _write_files(self.files)


def counts(of: list[type[Model]]) -> dict[type[Model], int]:
    """Each model's row count, in one query."""
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {n}, COUNT(*) FROM {quote(model._meta.db_table)}" for n, model in enumerate(of)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = dict(cursor.fetchall())
    return {model: found[n] for n, model in enumerate(of)}


def _insert(model: type[Model], values: list[Row]) -> None:
    if not values:
        return
    names = columns(model)
    fields = list(model._meta.local_concrete_fields)
    objs = [model.from_db(DEFAULT_DB_ALIAS, names, row) for row in values]
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    manager = model._base_manager.using(DEFAULT_DB_ALIAS)
    for start in range(0, len(objs), size):
        # raw: every column as given (no auto_now, no defaults, no file saved), as loaddata does.
        manager._insert(objs[start : start + size], fields=fields, raw=True)


def _apply_changes(changes: list[Change]) -> None:
    for change in changes:
        manager = change.model._base_manager.using(DEFAULT_DB_ALIAS)
        if change.deleted:
            manager.filter(pk__in=change.deleted)._raw_delete(DEFAULT_DB_ALIAS)
        pk = change.model._meta.pk.attname
        names = columns(change.model)
        for row in change.updated:
            values = dict(zip(names, row, strict=True))
            manager.filter(pk=values.pop(pk)).update(**values)
        _insert(change.model, change.inserted)


def _replace_everything(after: dict[type[Model], list[Row]]) -> None:
    for model in after:
        model._base_manager.using(DEFAULT_DB_ALIAS).all()._raw_delete(DEFAULT_DB_ALIAS)
    for model, values in after.items():
        _insert(model, values)
    # A flush made the content types again under new ids; the cache still holds those.
    forget_content_types()


def forget_content_types() -> None:
    """Django's cache of content types by id, emptied: after a rolled-back ``restore()`` that
    replaced every table (a committing test had flushed them, and the flush made the content
    types anew under new ids) it may still hold the ids the rollback took away."""
    ContentType.objects.clear_cache()


def _set_sequences(sqlite: dict[str, int], changed: list[type[Model]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # AUTOINCREMENT's counters, every table's, as the load left them.
            cursor.execute("DELETE FROM sqlite_sequence")
            if sqlite:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES "
                    + ", ".join(["(%s, %s)"] * len(sqlite)),
                    [value for item in sqlite.items() for value in item],
                )
        else:
            # PostgreSQL's sequences ignore transactions: each is set just past its table's rows.
            for statement in connection.ops.sequence_reset_sql(no_style(), changed):
                cursor.execute(statement)


def _write_files(files: dict[str, bytes]) -> None:
    root = Path(settings.MEDIA_ROOT)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.restore")
        temporary.write_bytes(data)
        temporary.replace(path)


@contextmanager
def fixed_verify_codes() -> Iterator[None]:
    """The demo's memos draw their verification codes from a fixed sequence (the same codes in
    every process of a run, and in every run)."""
    from memos.models import VERIFY_ALPHABET, Memo

    draw = random.Random(2564)

    def code() -> str:
        letters = "".join(draw.choice(VERIFY_ALPHABET) for _ in range(10))
        return f"{letters[:5]}-{letters[5:]}"

    with mock.patch.object(Memo._meta.get_field("verify_code"), "_get_default", code):
        yield


def take(
    load: Callable[[], Any], build: Callable[[], Any], media: Path, migrated: Migrated
) -> Snapshot:
    """``load()`` run once, on the database as ``migrated`` (whatever tests ran before in this
    process), in a transaction that is rolled back, with ``MEDIA_ROOT`` at the empty folder
    ``media``; what it changed, kept."""
    with transaction.atomic():
        migrated.put_back()  # the rows and ids of a fresh database
        before, others = dump(), other_tables()
        outbox = len(getattr(mail, "outbox", []))
        began = timezone.now()
        with fixed_verify_codes():
            load()
        loaded = (began, timezone.now())
        after = dump()
        if other_tables() != others:
            raise AssertionError("the demo wrote to a table that is no model's: keep it here too")
        if len(getattr(mail, "outbox", [])) != outbox:
            raise AssertionError("the demo sent mail while it loaded: keep it here too")
        changes = []
        for model, now in after.items():
            was = before[model]
            change = Change(
                model=model,
                inserted=[row for key, row in now.items() if key not in was],
                updated=[row for key, row in now.items() if key in was and was[key] != row],
                deleted=[key for key in was if key not in now],
            )
            if change.inserted or change.updated or change.deleted:
                changes.append(change)
        snapshot = Snapshot(
            changes=changes,
            before={model: len(was) for model, was in before.items()},
            after={model: list(now.values()) for model, now in after.items()},
            sequences=sqlite_sequences(),
            files=media_files(media),
            loaded=loaded,
            build=build,
        )
        transaction.set_rollback(True)
    return snapshot
