"""What a page, download, export or PDF shows as DATA, and whether the new one still shows it.

The rule (the upgrade test's docstring says why):

* A snapshot's *text* is what a reader sees: an HTML page's text runs in its ``<main>`` (not
  its tags, attributes, scripts, headings or navigation: ``NOT_DATA``) plus the values of its
  filled-in form fields; a PDF's extracted text; a spreadsheet's or CSV's cells; a JSON
  document's values.
* Its *data* is, in that text, (1) every number, its Thai digits read as Arabic ones and its
  thousands separators dropped (scores, totals, changes, counts, years, days, register
  numbers…), and (2) every occurrence of a *stored value*: a text the old database holds that
  contains a Thai letter (organisation, district and province names, memo subjects and
  bodies, findings, measures, titles, names…), compared without white space (a PDF wraps lines
  where it likes). Wording (labels, headings, help, navigation) is in neither: it may change.
* The new snapshot keeps the data when it shows each datum the old one showed (new data may
  be added). On a page or PDF that is presence, not count (a new layout may show a name once
  where the old showed it twice): a lost row shows as a missing name or number, unless every
  datum of it shows elsewhere on the page; exports, admin lists and tables count their rows.
  CSVs and spreadsheets keep their row count and each old column (its data, row by row) is
  some new column; JSON keeps every old key and list length, each value's data in the new
  value; admin lists keep every old row (by id) with its data, and their count.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
VALUE_ATTR = re.compile(r'\svalue="([^"]*)"')


def squeeze(text: str) -> str:
    return "".join(text.translate(THAI_DIGITS).split())


def vocabulary(tables: dict[str, dict[str, Any]]) -> tuple[str, ...]:
    """The stored values: every text in the old tables with a Thai letter (JSON documents, which
    no page shows whole, left out), longest first."""
    found: set[str] = set()
    for table in tables.values():
        for row in table["rows"]:
            for value in row:
                if (
                    isinstance(value, str)
                    and THAI_LETTER.search(value)
                    and not value.lstrip().startswith(("{", "["))
                ):
                    squeezed = squeeze(value)
                    if len(squeezed) >= 2:
                        found.add(squeezed)
    return tuple(sorted(found, key=lambda v: (-len(v), v)))


@dataclass(frozen=True)
class Data:
    """What counts as data: these stored values, and numbers unless ``numbers`` is False."""

    words: tuple[str, ...]
    numbers: bool = True


def number(text: str) -> str:
    """A number as its value reads: no thousands separator, no trailing decimal zeros (a score
    published as 89.00 is the 89 an older page printed; 90.85 and 90.86 still differ)."""
    plain = text.replace(",", "")
    return (plain.rstrip("0").rstrip(".") or "0") if "." in plain else plain


# A printed page's furniture, not data: its number ("- ๒ -") and the footer with the memo's
# verification code. Taken out of a PDF's text, a paragraph that runs across a page break reads
# whole again, as it does on paper.
PAGE_FURNITURE = re.compile(r"^\s*(?:-\s*[0-9๐-๙]+\s*-|รหัสตรวจสอบ\s.*|แก้ไขหลังลงนาม)\s*$")


# A page number pdftotext runs into the first line of the page's text ("-๒จึงเรียนมา…").
PAGE_NUMBER_RUN_IN = re.compile(r"^-\s*[๐-๙]+\s*-?(?=[\u0e01-\u0e2e])")


def pdf_text(lines: list[str]) -> str:
    kept = (line for line in lines if not PAGE_FURNITURE.match(line))
    return "\n".join(PAGE_NUMBER_RUN_IN.sub("", line) for line in kept)


def data(text: str, what: Data) -> Counter[str]:
    """The numbers and stored values in a text, with how often each occurs."""
    plain = text.translate(THAI_DIGITS)
    found: Counter[str] = Counter(
        "#" + number(m.group()) for m in NUMBER.finditer(plain) if what.numbers
    )
    words = what.words
    squeezed = squeeze(plain)
    for word in words:
        count = squeezed.count(word)
        if count:
            found[word] = count
    return found


# Inside the main content, what is not data: code, headings (they name the page, in words that
# may change) and navigation (links to other pages, a pager's numbers).
NOT_DATA = {"script", "style", "template", "title", "nav", "h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr", "col", "area", "base"}


def html_text(lines: list[str]) -> str:
    """An HTML snapshot's data text: the text runs and filled-in field values of its ``<main>``
    (the whole page when it has none), but ``NOT_DATA``'s elements. ``snapshot.html_lines``
    made the lines: one a tag or a text run."""
    if "<main" in "\n".join(lines):
        start = next(i for i, line in enumerate(lines) if line.startswith("<main"))
        end = next((i for i in range(start, len(lines)) if lines[i] == "</main>"), len(lines))
        lines = lines[start + 1 : end]
    out: list[str] = []
    skipping: list[str] = []  # the open elements being left out
    for line in lines:
        if line.startswith("<"):
            tag = re.match(r"<(/?)([a-zA-Z0-9]+)", line)
            if not tag:
                continue
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if skipping:
                if name == skipping[-1] and closing:
                    skipping.pop()
                elif name == skipping[-1] and not line.endswith("/>"):
                    skipping.append(name)
                continue
            if name in NOT_DATA and not closing:
                skipping.append(name)
            elif name == "input" and 'type="hidden"' not in line:
                found = VALUE_ATTR.search(line)
                if found:
                    out.append(html.unescape(found.group(1)))
            continue
        if not skipping:
            out.append(html.unescape(line))
    return "\n".join(out)


def lost(before: Counter[str], after: Counter[str]) -> list[str]:
    """The data ``before`` has more often than ``after``, as ``datum (n → m)``."""
    return [
        f"{datum.lstrip('#')!r} ({count} → {after.get(datum, 0)})"
        for datum, count in sorted(before.items())
        if after.get(datum, 0) < count
    ]


def grid_columns(rows: list[list[Any]], words: Data) -> list[list[Counter[str]]]:
    width = max((len(r) for r in rows), default=0)
    return [
        [data("" if j >= len(r) or r[j] is None else str(r[j]), words) for r in rows]
        for j in range(width)
    ]


def compare_grid(
    key: str, before: list[list[Any]], after: list[list[Any]], words: Data
) -> list[str]:
    """A table's rows (a CSV, a spreadsheet's sheet): as many rows, every old column's data
    (row by row) in one new column."""
    if len(before) != len(after):
        return [f"{key}: {len(before)} rows became {len(after)}"]
    new_columns = grid_columns(after, words)
    problems = []
    for j, column in enumerate(grid_columns(before, words)):
        if not any(
            all(not (old - new) for old, new in zip(column, candidate, strict=True))
            for candidate in new_columns
        ):
            best = min(
                new_columns or [[Counter() for _ in column]],
                key=lambda c: sum(bool(o - n) for o, n in zip(column, c, strict=True)),
            )
            rows = [
                f"row {i + 1}: {lost(o, n)}"
                for i, (o, n) in enumerate(zip(column, best, strict=True))
                if o - n
            ]
            problems.append(f"{key}: column {j + 1}'s data is in no new column: {rows[:5]}")
    return problems


def compare_json(key: str, before: Any, after: Any, words: Data, path: str = "") -> list[str]:
    if isinstance(before, dict):
        if not isinstance(after, dict):
            return [f"{key} {path or '/'}: an object became {type(after).__name__}"]
        problems = []
        for name, value in before.items():
            if name not in after:
                problems.append(f"{key} {path}/{name}: gone")
            else:
                problems += compare_json(key, value, after[name], words, f"{path}/{name}")
        return problems
    if isinstance(before, list):
        if not isinstance(after, list) or len(after) != len(before):
            size = len(after) if isinstance(after, list) else type(after).__name__
            return [f"{key} {path or '/'}: a list of {len(before)} became {size}"]
        problems = []
        for i, (old, new) in enumerate(zip(before, after, strict=True)):
            problems += compare_json(key, old, new, words, f"{path}[{i}]")
        return problems
    if before is None or isinstance(before, bool):
        return [] if after == before else [f"{key} {path}: {before!r} became {after!r}"]
    gone = lost(data(str(before), words), data("" if after is None else str(after), words))
    return [f"{key} {path}: {before!r} became {after!r}"] if gone else []


def csv_rows(lines: list[str]) -> list[list[str]]:
    return list(csv.reader(io.StringIO("\n".join(lines))))


def compare_content(key: str, before: dict, after: dict | None, words: Data) -> list[str]:
    """One page, download or command output: its status and its data (see the module)."""
    if not isinstance(after, dict) or "error" in after:
        error = (after or {}).get("error") if isinstance(after, dict) else "not taken"
        return [f"{key}: the new code fails: {error}\n{(after or {}).get('traceback', '')}"]
    if after.get("status") != before.get("status"):
        return [f"{key}: answered {before.get('status')} before, {after.get('status')} now"]
    for kind in ("html", "pdf", "xlsx", "json", "text", "changelist"):
        if kind in before and kind not in after:
            if "bytes" in before and "bytes" in after:  # the same file under another type
                return [] if after["bytes"] == before["bytes"] else [f"{key}: other bytes"]
            return [f"{key}: was {kind}, is now {sorted(set(after) - {'status', 'headers'})}"]
    if "changelist" in before:
        return compare_changelist(key, before["changelist"], after["changelist"], words)
    if "xlsx" in before:
        old_sheets, new_sheets = list(before["xlsx"].values()), list(after["xlsx"].values())
        if len(new_sheets) < len(old_sheets):
            return [f"{key}: {len(old_sheets)} sheets became {len(new_sheets)}"]
        return [
            p
            for i, sheet in enumerate(old_sheets)
            for p in compare_grid(f"{key} sheet {i + 1}", sheet, new_sheets[i], words)
        ]
    if "json" in before:
        return compare_json(key, before["json"], after["json"], words)
    if "text" in before and "headers" not in before:  # a command's output: JSON or CSV
        try:
            old_json = json.loads("\n".join(before["text"]))
        except ValueError:
            old_json = None
        if isinstance(old_json, dict | list):
            try:
                new_json = json.loads("\n".join(after["text"]))
            except ValueError:
                return [f"{key}: no JSON now: {after['text'][:5]}"]
            return compare_json(key, old_json, new_json, words)
        return compare_grid(key, csv_rows(before["text"]), csv_rows(after["text"]), words)
    if "text" in before and "csv" in before.get("headers", {}).get("Content-Type", ""):
        return compare_grid(key, csv_rows(before["text"]), csv_rows(after["text"]), words)
    if "pdf" in before:
        old_text, new_text = pdf_text(before["pdf"]["text"]), pdf_text(after["pdf"]["text"])
    elif "html" in before:
        old_text, new_text = html_text(before["html"]), html_text(after["html"])
    elif "text" in before:
        old_text, new_text = "\n".join(before["text"]), "\n".join(after["text"])
    else:  # a file served as it was stored (an attachment, an image): the same bytes
        return [] if after.get("bytes") == before.get("bytes") else [f"{key}: other bytes"]
    # Present or not (a layout may show a datum once where it showed it twice).
    gone = lost(Counter(set(data(old_text, words))), data(new_text, words))
    return [f"{key}: data lost: {', '.join(gone[:30])}"] if gone else []


def compare_changelist(key: str, before: dict, after: dict, words: Data) -> list[str]:
    """An admin list: every old row (by its id) with its cells' data, and the count's."""
    old_count, new_count = (re.findall(r"\d+", c["count"]) for c in (before, after))
    problems = []
    if old_count and (not new_count or int(new_count[0]) < int(old_count[0])):
        problems.append(f"{key}: the count {before['count']!r} became {after['count']!r}")
    new_rows = {row["id"]: row for row in after["rows"]}
    for row in before["rows"]:
        new = new_rows.get(row["id"])
        if new is None:
            problems.append(f"{key}: row {row['id']} ({row['cells']}) is gone")
            continue
        gone = lost(data("\n".join(row["cells"]), words), data("\n".join(new["cells"]), words))
        if gone:
            problems.append(f"{key}: row {row['id']} lost {gone}")
    return problems
