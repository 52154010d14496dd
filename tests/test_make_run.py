"""`make run` on another port, as a newcomer would start it: the demo's stored, signed PDF prints
the address the demo is served on (the server, the worker and the demo's loader are all given
HOST and PORT), never the default 127.0.0.1:8000."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import readers

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    """Until the server answers (or `make run` ends, which is the failure to report)."""
    while process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    pytest.fail(f"make run ended ({process.returncode}) before serving:\n{log.read_text()}")


def test_make_run_on_another_port_prints_that_port_on_the_stored_pdf(tmp_path: Path) -> None:
    port = _free_port()
    database = tmp_path / "db.sqlite3"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SITE_URL", "ITA_HOST", "ITA_PORT", "DEBUG", "MAKEFLAGS",
                     "MFLAGS", "MAKELEVEL", "DJANGO_SETTINGS_MODULE"}
    }  # fmt: skip
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp_path / "media"),
        RENDER_LOCK_DIR=str(tmp_path / "slots"),
    )
    log = tmp_path / "make-run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run", "HOST=127.0.0.1", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the server, its reloader and the worker: one group to stop
        )
    try:
        _wait_for(f"http://127.0.0.1:{port}/", process, log)
        with sqlite3.connect(database) as db:
            (name,) = db.execute("SELECT file FROM memos_memoarchive").fetchone()
        text = readers.joined(readers.poppler((tmp_path / "media" / name).read_bytes()))
        assert f"http://127.0.0.1:{port}/verify/" in text
        assert "127.0.0.1:8000" not in text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
