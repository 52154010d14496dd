"""One archive holds everything: the database and the uploaded files (``MEDIA_ROOT``).

``backup`` writes a ``.tar.gz`` with ``manifest.json`` (the format, the engine, when, the rows
of every table, every file's size and SHA-256), the database (SQLite: a copy through SQLite's
online backup API, consistent while the site runs; PostgreSQL: ``pg_dump --format=custom``)
and ``media/``. ``restore`` puts it back into an EMPTY database of the same engine and an empty
``MEDIA_ROOT`` (PostgreSQL: ``pg_restore --no-owner --no-privileges --exit-on-error`` in one
transaction), then checks every table's rows and every file's hash against the manifest.

The database is copied first, then the files: a file uploaded meanwhile is in the archive
without its row (harmless); the files are kept for as long as their rows exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.db import connection, transaction

FORMAT = "ita-backup"
VERSION = 1


class MediaFile(TypedDict):
    path: str  # under MEDIA_ROOT, with /
    size: int
    sha256: str


class Manifest(TypedDict):
    """``manifest.json``: what the archive holds (read back once its format and version are
    this application's)."""

    format: str
    version: int
    created: str  # ISO 8601, UTC
    engine: str
    database: str  # the dump's file name in the archive
    rows: dict[str, int]  # table → rows
    media: list[MediaFile]


SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.pgdump"


class BackupError(Exception):
    """Why a backup or a restore cannot be made; ``str()`` says what to do."""


@dataclass(frozen=True)
class Summary:
    engine: str
    tables: int
    rows: int
    files: int
    path: Path


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups cover SQLite and PostgreSQL, not {vendor}")
    return vendor


def _pg_env() -> dict[str, str]:
    """libpq's variables for the configured database: the password never on a command line."""
    db = settings.DATABASES["default"]
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _run(args: list[str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(f"{args[0]} is not installed (apt-get install postgresql-client)")
    result = subprocess.run([tool, *args[1:]], env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed (exit {result.returncode}): {result.stderr.strip()}")


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _dump_database(engine: str, work: Path) -> tuple[Path, dict[str, int]]:
    """The database's copy in ``work`` and the rows of each table in that copy."""
    if engine == "sqlite":
        target = work / SQLITE_FILE
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            counts = {
                table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for table in _tables()
            }
        finally:
            copy.close()
        return target, counts
    # pg_dump reads the snapshot this transaction exports, so the counts are of the same data.
    target = work / PG_FILE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = row_counts()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ]
        )
    return target, counts


def backup(output: Path) -> Summary:
    """Write the archive to ``output`` (beside it first, then renamed: never half-written)."""
    engine = _engine()
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as tmp:
        work = Path(tmp)
        database, rows = _dump_database(engine, work)
        root = Path(settings.MEDIA_ROOT)
        files = _media_files()
        manifest: Manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database": database.name,
            "rows": rows,
            "media": [
                {
                    "path": p.relative_to(root).as_posix(),
                    "size": p.stat().st_size,
                    "sha256": _sha256(p),
                }
                for p in files
            ],
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
            for p in files:
                tar.add(p, arcname=f"media/{p.relative_to(root).as_posix()}")
        os.replace(partial, output)
    return Summary(engine, len(rows), sum(rows.values()), len(files), output)


def _read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise BackupError("this file is not a backup of this application (no manifest.json)")
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("this file is not a backup of this application, or of another version")
    return manifest


def _check_empty(engine: str, manifest: Manifest) -> None:
    if manifest["engine"] != engine:
        raise BackupError(
            f"this backup is of a {manifest['engine']} database and the settings point at "
            f"{engine}: restore it into the same engine"
        )
    tables = _tables()
    if tables:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables): restore goes into an empty "
            "database (PostgreSQL: createdb a new one; SQLite: a file that does not exist yet), "
            "nothing was changed"
        )
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir() and any(p.is_file() for p in root.rglob("*")):  # empty folders may stay
        raise BackupError(
            f"MEDIA_ROOT ({root}) is not empty: restore goes into an empty folder, nothing was "
            "changed"
        )


def _restore_database(engine: str, path: Path) -> None:
    if engine == "sqlite":
        connection.close()
        source = sqlite3.connect(path)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(path),
        ]
    )


def restore(archive: Path) -> Summary:
    """Put ``archive`` back into the empty database and MEDIA_ROOT the settings name."""
    engine = _engine()
    root = Path(settings.MEDIA_ROOT)
    with tarfile.open(archive, "r:*") as tar:
        manifest = _read_manifest(tar)
        _check_empty(engine, manifest)
        with tempfile.TemporaryDirectory(prefix="ita-restore-") as tmp:
            work = Path(tmp)
            names = {manifest["database"]} | {f"media/{f['path']}" for f in manifest["media"]}
            members = [m for m in tar.getmembers() if m.name in names]
            # filter="data": no absolute paths, links out of the folder or device files.
            tar.extractall(work, members=members, filter="data")
            for f in manifest["media"]:
                extracted = work / "media" / f["path"]
                if not extracted.is_file() or _sha256(extracted) != f["sha256"]:
                    raise BackupError(f"the archive's copy of {f['path']} is damaged or missing")
            _restore_database(engine, work / manifest["database"])
            root.mkdir(parents=True, exist_ok=True)
            if (work / "media").is_dir():
                shutil.copytree(work / "media", root, dirs_exist_ok=True)
    rows = row_counts()
    wrong = {t: (n, rows.get(t)) for t, n in manifest["rows"].items() if rows.get(t) != n}
    if wrong:
        raise BackupError(f"restored, but these tables' rows differ (expected, found): {wrong}")
    return Summary(engine, len(rows), sum(rows.values()), len(manifest["media"]), archive)
