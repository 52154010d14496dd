"""The install takes exactly the lock, on any day: also on a day when newer releases of locked
packages exist on the index (here: wheels with higher version numbers in a find-links folder,
among them fontTools, which WeasyPrint requires with an extra, ``fonttools[woff]>=…``).

A fresh virtual environment (its own pip, the one Python 3.11 ships), an empty pip cache, the
project's own install script (``tools/install-lock``, which ``make`` runs). It downloads the lock
from the package index, so it is marked ``install`` and left out of ``make test-fast``."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"

pytestmark = pytest.mark.install

# Newer releases than the lock's, each still inside pyproject.toml's ranges where it has one:
# fontTools (required with an extra), Django (a patch release of 5.2), pydyf, Pillow and brotli
# (the `woff` extra's own dependency).
NEWER = {
    "fonttools": "99.0.0",
    "django": "5.2.99",
    "pydyf": "99.0.0",
    "pillow": "99.0.0",
    "brotli": "99.0.0",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)", LOCK.read_text(), re.M)
    return {_canonical(name): version for name, version in pins}


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path, name: str, version: str, extras: tuple[str, ...] = ()) -> Path:
    """A pure-Python wheel named ``name`` at ``version`` that installs one empty module."""
    dist = re.sub(r"[-.]+", "_", name)
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Provides-Extra: {extra}\n" for extra in extras)
    files = {
        f"{dist}_newer_release_marker.py": b"# a newer release that the lock never asked for\n",
        f"{info}/METADATA": metadata.encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = [_record_line(path, data) for path, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


@pytest.fixture(scope="module")
def newer_releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("newer-releases")
    pins = locked()
    for name, version in NEWER.items():
        assert name in pins, f"{name} is no longer locked: choose another package for this test"
        build_wheel(folder, name, version, extras=("woff",) if name == "fonttools" else ())
    return folder


def _environment(tmp: Path, find_links: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env["PIP_CACHE_DIR"] = str(tmp / "empty-pip-cache")  # nothing from an earlier install
    # The newer releases sit beside whatever folders this machine's pip already looks in.
    env["PIP_FIND_LINKS"] = " ".join(filter(None, [str(find_links), env.get("PIP_FIND_LINKS")]))
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _fresh_venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / "bin" / "python"


def _installed(python: Path) -> dict[str, str]:
    out = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "list",
            "--format=freeze",
            "--exclude",
            "pip",
            "--exclude",
            "setuptools",
            "--exclude",
            "wheel",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pairs = (line.split("==", 1) for line in out.splitlines() if "==" in line)
    return {_canonical(name): version for name, version in pairs}


def test_the_install_takes_exactly_the_lock_beside_newer_releases(
    tmp_path: Path, newer_releases: Path
) -> None:
    python = _fresh_venv(tmp_path / "venv")
    env = _environment(tmp_path, newer_releases)
    done = subprocess.run(
        [str(ROOT / "tools" / "install-lock"), str(python), str(LOCK)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    installed = _installed(python)
    want = locked()
    assert {n: v for n, v in installed.items() if want.get(n) != v} == {}
    assert sorted(set(want) - set(installed)) == []
    for name in NEWER:
        assert installed[name] == want[name]


def test_the_newer_releases_would_have_broken_a_plain_install(
    tmp_path: Path, newer_releases: Path
) -> None:
    """The fixture is the day the lock broke: pip left to resolve (no ``--no-deps``) takes the
    newer fontTools for WeasyPrint's ``fonttools[woff]`` and refuses, or installs it."""
    python = _fresh_venv(tmp_path / "venv")
    env = _environment(tmp_path, newer_releases)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--require-hashes", "-r", str(LOCK)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode == 0 and _installed(python).get("fonttools") != NEWER["fonttools"]:
        pytest.skip("this Python's pip resolves the extra to the locked release by itself")
    if done.returncode != 0:
        assert "fonttools" in done.stderr.lower(), done.stderr
