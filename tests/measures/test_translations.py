import json
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "th" / "LC_MESSAGES" / "django.po"


def _unquote(block: str) -> str:
    return "".join(json.loads(p) for p in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def test_every_string_of_the_measures_app_has_a_thai_translation() -> None:
    problems = []
    for entry in PO.read_text(encoding="utf-8").split("\n\n"):
        if "measures/" not in entry:
            continue
        msgid = _unquote(re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M).group(1))
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', entry, re.M)
        if "#, fuzzy" in entry or not msgstr or not _unquote(msgstr.group(1)):
            problems.append(msgid)
    assert problems == []
