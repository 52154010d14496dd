"""`manage.py backup` then `restore` into an empty database and an empty MEDIA_ROOT gives back
every page, PDF and file, on SQLite and on PostgreSQL (when DATABASE_URL points at it)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "ops" / "backup_pages.py"


def run(args: list[str], env: dict[str, str], *, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if ok and result.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} failed (exit {result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}",
            pytrace=False,
        )
    return result


@contextlib.contextmanager
def databases(engine: str, tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Two empty databases of their own: the site's, and the one to restore into."""
    if engine == "sqlite":
        yield (
            {"SQLITE_PATH": str(tmp_path / "site.sqlite3")},
            {"SQLITE_PATH": str(tmp_path / "restored.sqlite3")},
        )
        return
    parsed = urlparse(os.environ.get("DATABASE_URL", ""))
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    import psycopg

    base = parsed.path.lstrip("/")
    names = [f"{base}_backup_{os.getpid()}", f"{base}_restored_{os.getpid()}"]
    server = urlunparse(parsed._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as pg:
        for name in names:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
            pg.execute(f'CREATE DATABASE "{name}"')
        try:
            yield tuple(  # type: ignore[misc]
                {"DATABASE_URL": urlunparse(parsed._replace(path=f"/{name}"))} for name in names
            )
        finally:
            for name in names:
                pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.rebuild
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_backup_restored_into_an_empty_database_gives_back_every_page_and_file(
    engine: str, tmp_path: Path
) -> None:
    if engine == "sqlite" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # CI runs the suite once on SQLite, once on PostgreSQL: each engine's case in its pass.
        pytest.skip("the SQLite case runs in the SQLite pass (DATABASE_URL is PostgreSQL)")
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    base.update(DJANGO_SETTINGS_MODULE="ita.settings", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    with databases(engine, tmp_path) as (site_db, restored_db):
        site = {**base, **site_db, "MEDIA_ROOT": str(tmp_path / "site-media")}
        restored = {**base, **restored_db, "MEDIA_ROOT": str(tmp_path / "restored-media")}
        plan = tmp_path / "plan.json"
        run([str(SCRIPT), "build", str(plan)], site)
        run([str(SCRIPT), "snapshot", str(plan), str(tmp_path / "site.json")], site)
        archive = tmp_path / "backups" / "ita.tar.gz"
        out = run(["manage.py", "backup", "-o", str(archive)], site).stdout
        # The emblem, the attachment, the evidence, and the two decided memos' stored, signed
        # PDFs (the demo's of 2564, and the draft the build took to the mayor).
        assert f"{engine}," in out and " 5 files" in out

        with tarfile.open(archive) as tar:
            names = tar.getnames()
            manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        assert manifest["engine"] == engine and len(manifest["media"]) == 5
        assert all(f"media/{f['path']}" in names for f in manifest["media"])
        assert manifest["rows"]["memos_attachment"] == 1
        assert manifest["rows"]["memos_memoarchive"] == 2

        out = run(["manage.py", "restore", str(archive)], restored).stdout
        assert "all as in the manifest" in out
        run([str(SCRIPT), "snapshot", str(plan), str(tmp_path / "restored.json")], restored)

        # Into a database that is no longer empty, it refuses and changes nothing.
        again = run(["manage.py", "restore", str(archive)], restored, ok=False)
        assert again.returncode != 0 and "not empty" in again.stderr

    before = json.loads((tmp_path / "site.json").read_text())["pages"]
    after = json.loads((tmp_path / "restored.json").read_text())["pages"]
    pages = json.loads(plan.read_text())
    urls = " ".join(p["url"] for p in pages)
    # The crawl reached every kind of page: the memo's PDF and each uploaded file among them.
    for kind in ("/pdf/", "/attachments/", "/evidence/", "/emblem/image/", "/insights/"):
        assert kind in urls, kind
    assert all(p.get("status") == 200 for p in before.values()), [
        k for k, p in before.items() if p.get("status") != 200
    ]
    differ = [key for key in before if before[key] != after.get(key)]
    assert differ == []


@pytest.mark.django_db(transaction=True)  # SQLite's backup waits for an open transaction
def test_restore_refuses_a_file_that_is_not_a_backup_and_a_database_that_is_not_empty(
    tmp_path: Path,
) -> None:
    from django.core.management import CommandError, call_command

    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="Not restored"):
        call_command("restore", str(garbage))
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        tar.add(garbage, arcname="db.sqlite3")
    with pytest.raises(CommandError, match="not a backup of this application"):
        call_command("restore", str(other))
    archive = tmp_path / "ita.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="the database is not empty"):
        call_command("restore", str(archive))
