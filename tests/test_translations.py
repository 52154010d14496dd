"""Every interface string has a Thai translation (the interface is Thai first)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[1] / "locale" / "th" / "LC_MESSAGES" / "django.po"


def test_the_thai_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    if shutil.which("msgattrib") is None:
        pytest.fail("gettext's msgattrib is needed (apt-get install gettext)")
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    missing = re.findall(r'^msgid "(.+)"', untranslated, re.M)
    assert missing == []


def test_the_catalogue_is_current_with_the_code(tmp_path) -> None:
    """Strings in code and templates missing from the catalogue would show in English."""
    root = PO.parents[3]
    for name in ("ita", "memos", "measures", "templates", "locale", "manage.py"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "th", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    fresh = (tmp_path / "locale" / "th" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    ids_fresh = set(re.findall(r'^msgid "(.+)"', fresh, re.M))
    ids_kept = set(re.findall(r'^msgid "(.+)"', PO.read_text(encoding="utf-8"), re.M))
    assert ids_fresh - ids_kept == set()
