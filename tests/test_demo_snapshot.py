"""The ``demo`` fixture's demo (loaded once per process, written back per test) is a fresh load's.

A fresh ``load_demo()`` and the restored demo are compared model by model, row by row, column by
column. What a load makes anew each time is named here, and checked for what it must be: the
moments of the load (``now``), the password hashes (salted), and the signing certificate made on
the spot with what it signed (the archival PDF, its name, digest and history row).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from ita.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, HOME_NAME
from ita.documents import signing
from ita.history.models import Event, Publication
from ita.organisations.models import Organisation, Province
from memos.models import MemoArchive, SigningCertificate
from tests import demo_snapshot as snapshots
from tests import factories

# Made anew by each load, with the key and certificate the demo makes: checked below by what
# they sign, not by value.
SIGNED = {
    SigningCertificate: {"protected_key", "certificate", "fingerprint", "not_before", "not_after"},
    MemoArchive: {"file", "sha256", "size", "certificate"},
}


def _state() -> tuple[dict, dict[str, bytes], dict[str, int]]:
    return (
        snapshots.dump(),
        snapshots.media_files(Path(settings.MEDIA_ROOT)),
        snapshots.sqlite_sequences(),
    )


def _restored(snapshot) -> tuple[dict, dict[str, bytes], dict[str, int], object]:
    with transaction.atomic():
        handle = snapshot.restore()
        state = _state()
        transaction.set_rollback(True)
    return (*state, handle)


def _fresh(
    migrated: snapshots.Migrated,
) -> tuple[dict, dict[str, bytes], dict[str, int], tuple[dt.datetime, dt.datetime]]:
    with transaction.atomic():
        migrated.put_back()  # as a database just made (and as the snapshot's load)
        began = timezone.now()
        with snapshots.fixed_verify_codes():
            factories.load_demo()
        loaded = (began, timezone.now())
        state = _state()
        transaction.set_rollback(True)
    return (*state, loaded)


def _signed_pdf(rows: dict, files: dict[str, bytes]) -> tuple[bytes, bytes]:
    """The archived PDF (checked against its row's digest) and the certificate that signed it."""
    columns = snapshots.columns(MemoArchive)
    (archive,) = (dict(zip(columns, row, strict=True)) for row in rows[MemoArchive].values())
    pdf = files[archive["file"]]
    assert hashlib.sha256(pdf).hexdigest() == archive["sha256"]
    (check,) = signing.check_signatures(pdf, [bytes(archive["certificate"])])
    assert check.ok
    return pdf, bytes(archive["certificate"])


@pytest.mark.django_db
def test_the_restored_demo_is_a_fresh_load_row_for_row(
    demo_snapshot, django_db_setup, tmp_media
) -> None:
    rows, files, sequences, handle = _restored(demo_snapshot)
    for path in Path(tmp_media).rglob("*"):
        path.unlink() if path.is_file() else None
    fresh_rows, fresh_files, fresh_sequences, fresh_loaded = _fresh(django_db_setup)

    assert sequences == fresh_sequences  # SQLite's counters (PostgreSQL's: the ids below)
    assert rows.keys() == fresh_rows.keys()
    made_anew: set[tuple[str, str]] = set()
    for model, restored in rows.items():
        table = model._meta.db_table
        assert restored.keys() == fresh_rows[model].keys(), table  # the same ids
        columns = snapshots.columns(model)
        for pk, row in restored.items():
            for column, mine, theirs in zip(columns, row, fresh_rows[model][pk], strict=True):
                if mine == theirs:
                    continue
                made_anew.add((table, column))
                where = f"{table}.{column} of {pk}"
                if column in SIGNED.get(model, ()):
                    continue
                if column == "password":
                    assert check_password(DEMO_PASSWORD, mine), where
                    assert check_password(DEMO_PASSWORD, theirs), where
                elif model is Event and column == "data":
                    # The archive's digest, the certificate's fingerprint: nothing else.
                    assert mine.keys() == theirs.keys(), where
                    assert {k for k in mine if mine[k] != theirs[k]} <= {
                        "sha256",
                        "size",
                        "after",
                    }, where
                else:  # the moment each load wrote the row
                    assert isinstance(mine, dt.datetime), where
                    # The public pages' clock moves on by a second at least per publication,
                    # ahead of the wall clock when they come fast (ita.history.published).
                    ahead = dt.timedelta(
                        0, row[columns.index("version")] if model is Publication else 0
                    )
                    assert demo_snapshot.loaded[0] <= mine <= demo_snapshot.loaded[1] + ahead, where
                    assert fresh_loaded[0] <= theirs <= fresh_loaded[1] + ahead, where
    # Only these differ: everything else (ids, names, scores, memos, verification codes, the
    # chain's stamped dates) is the same.
    assert {column for _table, column in made_anew} <= {
        "password", "date_joined", "at", "data", "changed_at", "created_at", "updated_at",
        "uploaded_at", *SIGNED[SigningCertificate], *SIGNED[MemoArchive],
    }  # fmt: skip

    # The files: the archival PDF, signed by each load's own certificate, is the same document
    # (the render, byte for byte, before the signature's incremental update).
    assert len(files) == len(fresh_files) == 1
    pdf, _certificate = _signed_pdf(rows, files)
    fresh_pdf, _fresh_certificate = _signed_pdf(fresh_rows, fresh_files)
    rendered = pdf[: pdf.index(b"%%EOF")]
    assert rendered == fresh_pdf[: fresh_pdf.index(b"%%EOF")]
    assert len(rendered) < len(pdf) - 8000  # the signature follows

    # The handle the tests get.
    assert handle.home.name == HOME_NAME and handle.year.year == 2564
    assert handle.other.name == "องค์การบริหารส่วนตำบลลิพัง"
    assert sorted(handle.users) == sorted(username for username, _title in DEMO_LOGINS)


@pytest.mark.django_db
def test_a_test_sees_the_demo_as_loaded_and_the_next_sees_none(demo_snapshot) -> None:
    assert not Organisation.objects.exists()
    with transaction.atomic():
        demo_snapshot.restore()
        assert snapshots.dump() == _after(demo_snapshot)
        assert Organisation.objects.count() == 85
        transaction.set_rollback(True)
    assert not Organisation.objects.exists()


def _after(snapshot) -> dict:
    return {
        model: {row[snapshots.columns(model).index(model._meta.pk.attname)]: row for row in rows}
        for model, rows in snapshot.after.items()
    }


@pytest.mark.django_db(transaction=True)  # a committing test, after another one's flush
def test_after_a_flush_every_table_is_as_the_load_left_it(demo_snapshot) -> None:
    call_command(
        "flush", interactive=False, verbosity=0, reset_sequences=False
    )  # the gazetteer goes with it
    demo = demo_snapshot.restore()
    assert snapshots.dump() == _after(demo_snapshot)
    assert snapshots.sqlite_sequences() == demo_snapshot.sequences
    assert demo.users["legal"].check_password(DEMO_PASSWORD)
    pdf = MemoArchive.objects.get().file.read()
    assert hashlib.sha256(pdf).hexdigest() == MemoArchive.objects.get().sha256


@pytest.mark.django_db(transaction=True)
def test_content_types_cached_in_a_rolled_back_restore_after_a_flush_are_forgotten(
    demo_snapshot,
) -> None:
    """A committing test flushed (the content types made anew under new ids), then a test's
    restore put the load's back and was rolled back: the ids it cached are gone from the database,
    and each test starts without them (the autouse ``_fresh_public_cache``)."""
    from django.contrib.contenttypes.models import ContentType

    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    with transaction.atomic():
        demo_snapshot.restore()
        cached = ContentType.objects.get_for_model(Organisation).pk
        transaction.set_rollback(True)
    assert not ContentType.objects.filter(pk=cached).exists()  # as the next test would find it
    assert ContentType.objects.get_for_model(Organisation).pk == cached  # stale

    snapshots.forget_content_types()
    fresh = ContentType.objects.get_for_model(Organisation).pk
    assert ContentType.objects.filter(pk=fresh, model="organisation").exists()


@pytest.mark.django_db(transaction=True)
def test_a_demo_taken_after_a_flush_is_loaded_onto_the_migrated_rows(
    demo_snapshot, django_db_setup, settings, tmp_path
) -> None:
    """The demo is taken when a process's first test asks for it, maybe after a committing test
    flushed the tables: it is loaded onto the country all the same."""
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    settings.MEDIA_ROOT = tmp_path
    taken = snapshots.take(
        factories.load_demo, factories.demo_handle, tmp_path, migrated=django_db_setup
    )
    assert {model: len(rows) for model, rows in taken.after.items()} == {
        model: len(rows) for model, rows in demo_snapshot.after.items()
    }
    assert sum(1 for _ in taken.after[Province]) == 77
    assert not Province.objects.exists()  # taken in a transaction rolled back


@pytest.mark.django_db(transaction=True)
def test_a_committed_world_is_put_back_after_a_flush(tmp_media, demo) -> None:
    """What a committing test built and kept (``Committed``: the accessibility walk's world) is
    put back row for row, with the sequences and the files, after a committing test flushed the
    tables and its files were removed."""
    state = _state()
    kept = snapshots.Committed.now()
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    for path in sorted(Path(tmp_media).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert _state() != state

    kept.put_back()
    assert _state() == state
    assert demo.users["legal"].check_password(DEMO_PASSWORD)
    _signed_pdf(state[0], snapshots.media_files(Path(tmp_media)))
