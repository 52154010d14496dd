"""Every interface string has a Thai translation (the interface is Thai first)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[1] / "locale" / "th" / "LC_MESSAGES" / "django.po"
# The catalogue and the code's strings, no database (.ci/run's SQLite pass only).
pytestmark = pytest.mark.engine_free


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


# Words an office does not write, with what it writes instead (the seed's register, DOMAIN.md).
NOT_OFFICE_WORDS = {
    "คำสั่งการ": "การสั่งการ (the mayor's ความเห็นและการสั่งการ)",
    "ผู้เขียน": "เจ้าของเรื่อง or ผู้เสนอ",
    "ของฉัน": "ของท่าน: the interface addresses its reader as ท่าน throughout",
}


def test_the_thai_catalogue_speaks_as_offices_write() -> None:
    """One register: the memo's owner is เจ้าของเรื่อง, the mayor's part is การสั่งการ, and the
    reader is ท่าน on every page (never งานของฉัน beside การพิจารณาของท่าน)."""
    text = PO.read_text(encoding="utf-8").split("\n\n", 1)[1]
    entries = [e for e in text.split("\n\n") if "msgstr" in e and not e.startswith("#~")]
    found = []
    for entry in entries:
        translation = entry[entry.index("msgstr") :]
        translated = "".join(re.findall(r'"(.*)"$', translation, re.M))
        found += [
            f"{translated!r}: {word} → {instead}"
            for word, instead in NOT_OFFICE_WORDS.items()
            if word in translated
        ]
    assert found == []
