"""Fill Thai translations into locale/th/LC_MESSAGES/django.po from a JSON file of {msgid: msgstr}.

Used by developers after ``manage.py makemessages -l th``: entries already translated are kept,
entries in the JSON are set (plural entries get the same text: Thai has one plural form).
Usage: python docs/dev/fill_po.py translations.json
"""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "th" / "LC_MESSAGES" / "django.po"


def unquote(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main(path: str) -> None:
    table = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = PO.read_text(encoding="utf-8").split("\n\n")
    out = []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not m:
            out.append(entry)
            continue
        msgid = unquote(m.group(1))
        if msgid and msgid in table:
            text = table[msgid]
            entry = re.sub(
                r'^msgstr ((?:".*"\n?)+)',
                lambda _m, t=text: f"msgstr {quote(t)}\n",
                entry,
                flags=re.M,
            )
            entry = re.sub(
                r'^msgstr\[0\] ((?:".*"\n?)+)',
                lambda _m, t=text: f"msgstr[0] {quote(t)}\n",
                entry,
                flags=re.M,
            )
            entry = entry.replace("#, fuzzy\n", "").replace(", fuzzy", "")
            entry = entry.rstrip("\n")
        out.append(entry)
    PO.write_text("\n\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
