"""Reading published score tables: bytes in, a table of named columns and raw rows out.

Sources are messy: CSV from spreadsheets (UTF-8 with or without a BOM, UTF-16 from Excel's
"Unicode text", Windows-874/TIS-620 from Thai offices), XLSX, and text copied from PDFs (tab- or
space-separated, the header repeated on every page, notes between pages). This module knows
nothing about the database; it names columns, skips what is not data, and says plainly why it
cannot read a file. Values stay text here: the checking step converts and judges them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ita.imports.numbers import _PLAIN_DECIMAL, looks_integer, looks_numeric
from ita.imports.sources import (
    MAX_BYTES,
    MAX_ROWS,
    TableError,
    decode,
    sniff_format,
    xlsx_lines,
)
from ita.lib.thai import arabic_digits, clean_text

NUMBER = "number"
ORGANISATION = "organisation"
DISTRICT = "district"
PROVINCE = "province"
TOTAL = "total"
LEVEL = "level"
CHANGE = "change"
PASSED = "passed"
# Where an exported level and pass/fail came from (``export_scores``' own columns).
LEVEL_SOURCE = "level_source"
PASSED_SOURCE = "passed_source"
INDICATOR_PREFIX = "indicator_"
# Columns read and left alone: what ``export_scores`` adds (the kind, the computed total).
IGNORED_PREFIX = "ignored_"

RESULTS = "results"
INDICATORS = "indicators"

# Header spellings (compared without spaces, case or a trailing "*"), longest first when scanning.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    NUMBER: ("ที่", "ลำดับ", "ลำดับที่", "no", "no.", "#", "row", "rank"),
    ORGANISATION: (
        "หน่วยงาน",
        "ชื่อหน่วยงาน",
        "ชื่อองค์กรปกครองส่วนท้องถิ่น",
        "องค์กรปกครองส่วนท้องถิ่น",
        "อปท.",
        "organisation",
        "organization",
        "agency",
        "name",
    ),
    DISTRICT: ("อำเภอ", "อำเภอ/เขต", "district", "amphoe"),
    PROVINCE: ("จังหวัด", "province", "changwat"),
    TOTAL: (
        "คะแนน",
        "คะแนนรวม",
        "คะแนนita",
        "คะแนนเฉลี่ย",
        "total",
        "score",
        "totalscore",
        "total_score",
        "published_total",
    ),
    LEVEL: ("ระดับผลการประเมิน", "ระดับ", "ระดับผล", "level", "rating"),
    CHANGE: (
        "เปรียบเทียบปีที่ผ่านมา",
        "เปรียบเทียบกับปีที่ผ่านมา",
        "เปลี่ยนแปลง",
        "change",
        "difference",
    ),
    PASSED: (
        "เปรียบเทียบกับเกณฑ์",
        "เทียบกับเกณฑ์",
        "ผลเทียบเกณฑ์",
        "ผ่านเกณฑ์",
        "passed",
        "pass",
        "result",
    ),
    LEVEL_SOURCE: ("level_source", "ที่มาของระดับ"),
    PASSED_SOURCE: ("passed_source", "ที่มาของผลเทียบเกณฑ์"),
    f"{IGNORED_PREFIX}kind": ("kind", "ประเภท"),
    f"{IGNORED_PREFIX}computed_total": ("computed_total", "คะแนนคำนวณ"),
}
# Headers carrying a number: "คะแนน 2564" (the year), "indicator_3" / "ตัวชี้วัดที่ 3".
_YEAR_TOTAL = r"คะแนน(?:ปี|ita)?(?P<year>25\d\d)"
_INDICATOR = r"(?:indicator_?|ind_?|ตัวชี้วัดที่|ตัวชี้วัด)(?P<ind>\d{1,2})"
_IGNORABLE_IN_HEADER = re.compile(r"[*.:()\-–/]+")


@dataclass
class RawRow:
    line: int
    values: dict[str, str]


@dataclass
class Table:
    columns: list[str]
    rows: list[RawRow]
    kind: str
    file_format: str
    header_line: int
    # Lines that are not data (titles, page notes, repeated headers), as (line, text).
    skipped: list[tuple[int, str]] = field(default_factory=list)
    hints: dict[str, str | int] = field(default_factory=dict)
    # Row-level problems found while reading (too many values, …), as (line, message).
    problems: dict[int, str] = field(default_factory=dict)

    def indicator_numbers(self) -> list[int]:
        return sorted(
            int(c[len(INDICATOR_PREFIX) :]) for c in self.columns if c.startswith(INDICATOR_PREFIX)
        )

    def to_json(self) -> dict:
        return {
            "columns": self.columns,
            "rows": [[r.line, r.values] for r in self.rows],
            "kind": self.kind,
            "file_format": self.file_format,
            "header_line": self.header_line,
            "skipped": [list(s) for s in self.skipped],
            "hints": self.hints,
            "problems": {str(k): v for k, v in self.problems.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> Table:
        return cls(
            columns=data["columns"],
            rows=[RawRow(line, values) for line, values in data["rows"]],
            kind=data["kind"],
            file_format=data["file_format"],
            header_line=data["header_line"],
            skipped=[tuple(s) for s in data.get("skipped", [])],
            hints=data.get("hints", {}),
            problems={int(k): v for k, v in data.get("problems", {}).items()},
        )


# --- headers ---------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return arabic_digits(clean_text(text)).replace(" ", "").casefold().rstrip("*")


_SYNONYM_TO_COLUMN = {
    _header_key(s): column for column, spellings in HEADER_SYNONYMS.items() for s in spellings
}
_SCAN = re.compile(
    "|".join(
        [f"(?P<total_year>{_YEAR_TOTAL})", f"(?P<indicator>{_INDICATOR})"]
        + [
            f"(?P<c{i}>{re.escape(s)})"
            for i, s in enumerate(sorted(_SYNONYM_TO_COLUMN, key=len, reverse=True))
        ]
    )
)
_SCAN_NAMES = {
    f"c{i}": _SYNONYM_TO_COLUMN[s]
    for i, s in enumerate(sorted(_SYNONYM_TO_COLUMN, key=len, reverse=True))
}


def _column_of_cell(cell: str, hints: dict) -> str | None:
    key = _header_key(cell)
    if key in _SYNONYM_TO_COLUMN:
        return _SYNONYM_TO_COLUMN[key]
    m = re.fullmatch(_YEAR_TOTAL, key)
    if m:
        hints["year"] = int(m.group("year"))
        return TOTAL
    m = re.fullmatch(_INDICATOR, key)
    if m:
        return f"{INDICATOR_PREFIX}{int(m.group('ind'))}"
    return None


def _columns_of_line(text: str, hints: dict) -> list[str] | None:
    """Header columns read from a line whose cells are not separated (text copied from a PDF)."""
    key = _header_key(text)
    columns: list[str] = []
    position = 0
    leftovers = []
    for m in _SCAN.finditer(key):
        leftovers.append(key[position : m.start()])
        position = m.end()
        if m.group("total_year"):
            hints["year"] = int(m.group("year"))
            columns.append(TOTAL)
        elif m.group("indicator"):
            columns.append(f"{INDICATOR_PREFIX}{int(m.group('ind'))}")
        else:
            assert m.lastgroup is not None  # each of _SCAN's other alternatives is a named group
            columns.append(_SCAN_NAMES[m.lastgroup])
    leftovers.append(key[position:])
    if _IGNORABLE_IN_HEADER.sub("", "".join(leftovers)):
        return None
    return columns


def _unknown_in_line(text: str) -> str | None:
    """The unknown words of a line that is almost a header (copied from a PDF or a page, so not
    split into cells): the organisation, the district or score, and little else."""
    key = _header_key(text)
    found = [m for m in _SCAN.finditer(key)]
    columns = {_SCAN_NAMES.get(m.lastgroup or "", "") for m in found}
    if ORGANISATION not in columns or not columns & {DISTRICT, TOTAL} or len(found) < 3:
        return None
    leftovers, position = [], 0
    for m in found:
        leftovers.append(key[position : m.start()])
        position = m.end()
    leftovers.append(key[position:])
    unknown = [w for w in (_IGNORABLE_IN_HEADER.sub("", x) for x in leftovers) if w]
    if not unknown or sum(map(len, unknown)) > sum(m.end() - m.start() for m in found):
        return None
    return ", ".join(f"“{w}”" for w in unknown)


def _is_header(columns: Sequence[str | None]) -> bool:
    known = [c for c in columns if c]
    return ORGANISATION in known and len(known) >= 3


# --- splitting lines into cells ---------------------------------------------------------------


def _fit_tokens(tokens: list[str], columns: list[str]) -> list[str] | None:
    """Space-separated tokens onto columns: the organisation's name absorbs the extra words.

    Columns left of the name take one token each from the left, those right of it one each from
    the right. Names hold spaces in PDF text; districts, numbers and levels do not.
    """
    if len(tokens) < len(columns):
        return None
    if len(tokens) == len(columns) or ORGANISATION not in columns:
        return tokens if len(tokens) == len(columns) else None
    at = columns.index(ORGANISATION)
    right = len(columns) - at - 1
    head = tokens[:at]
    tail = tokens[len(tokens) - right :] if right else []
    name = " ".join(tokens[at : len(tokens) - right])
    return [*head, name, *tail]


def _csv_dialect(sample: str) -> str | None:
    """The CSV delimiter when the text is CSV (a header line with several commas or semicolons)."""
    for line in sample.splitlines()[:40]:
        for delimiter in (",", ";"):
            cells = next(csv.reader([line], delimiter=delimiter), [])
            if len(cells) >= 3 and _is_header([_column_of_cell(c, {}) for c in cells]):
                return delimiter
    return None


def _text_lines(text: str) -> tuple[list[tuple[int, list[str], str]], str, bool]:
    """(line number, cells, raw text) for each line, the format's name, and whether cells are exact."""
    delimiter = _csv_dialect(text[:200_000])
    lines: list[tuple[int, list[str], str]] = []
    if delimiter:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for cells in reader:
                lines.append((reader.line_num, [c.strip() for c in cells], delimiter.join(cells)))
                if len(lines) > MAX_ROWS:
                    break
        except csv.Error as exc:
            raise TableError(
                _("Line %(line)s: the CSV cannot be read (%(reason)s).")
                % {"line": reader.line_num, "reason": exc}
            ) from None
        return lines, "CSV", True
    for number, raw in enumerate(text.splitlines(), start=1):
        lines.append((number, [], raw))
        if len(lines) > MAX_ROWS:
            break
    return lines, _("text"), False


# --- the table -------------------------------------------------------------------------------


def parse_table(data: bytes, *, kind: str | None = None) -> Table:
    """Read a score table from file bytes or pasted text (encoded as UTF-8).

    ``kind`` (results or indicators) is detected from the header when not given.
    """
    if not data or not data.strip():
        raise TableError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise TableError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(len(data) / 1024 / 1024, 1), "limit": MAX_BYTES // 1024 // 1024}
        )
    if sniff_format(data) == "xlsx":
        lines, file_format, exact = xlsx_lines(data), "XLSX", True
    else:
        text, encoding = decode(data)
        lines, file_format, exact = _text_lines(text)
        file_format = f"{file_format}, {encoding}"
    if len(lines) > MAX_ROWS:
        raise TableError(
            _("The table has more than %(max)s lines; split it by province.") % {"max": MAX_ROWS}
        )
    return _read_lines(lines, exact=exact, kind=kind, file_format=file_format)


def _header_of(cells: list[str], raw: str, exact: bool, hints: dict) -> list[str] | None:
    """The line's columns if it is a header row, else None. Unknown header cells are an error."""
    if exact or "\t" in raw:
        split = cells if exact else [c.strip() for c in raw.split("\t")]
        while split and split[-1] == "":
            split.pop()
        found = [_column_of_cell(c, hints) if c else "" for c in split]
        if _is_header(found):
            unknown = [c for c, col in zip(split, found, strict=True) if c and col is None]
            if unknown:
                raise TableError(
                    _(
                        "The header has columns this import does not know: %(columns)s. "
                        "Known columns: %(known)s (see the templates)."
                    )
                    % {"columns": ", ".join(f"“{c}”" for c in unknown), "known": known_columns()}
                )
            return [col or "" for col in found]
        if exact:
            return None
    columns = _columns_of_line(raw, hints)
    return columns if columns and _is_header(columns) else None


_NUMBER_CELL = re.compile(r"(?:^|[\t ,;])[+\-−]?[\d๐-๙]{1,3}(?:[.,][\d๐-๙]+)?(?:$|[\t ,;])")


def _has_number_cell(cells: list[str], raw: str, exact: bool) -> bool:
    if exact:
        return any(c and _PLAIN_DECIMAL.fullmatch(c) for c in cells)
    return bool(_NUMBER_CELL.search(raw))


# How the columns are named in messages: the published Thai heading, then the English one.
COLUMN_LABELS = {
    NUMBER: "ที่/no",
    ORGANISATION: "หน่วยงาน/organisation",
    DISTRICT: "อำเภอ/district",
    PROVINCE: "จังหวัด/province",
    TOTAL: "คะแนน/total",
    LEVEL: "ระดับผลการประเมิน/level",
    CHANGE: "เปรียบเทียบปีที่ผ่านมา/change",
    PASSED: "เปรียบเทียบกับเกณฑ์/passed",
}
# Columns a table must have. The district is needed to match names; the level, change and pass
# columns are what the checks compare with the method; the row number is optional. The province
# may instead come from the form or --province. Indicator columns are checked against the year.
# The level, change and pass columns are optional: the ITAS site publishes none of them, and the
# import computes them from the year's method and the stored previous year.
REQUIRED_COLUMNS = {
    RESULTS: (ORGANISATION, DISTRICT, TOTAL),
    INDICATORS: (ORGANISATION, DISTRICT, PROVINCE, TOTAL),
}


def missing_columns(table: Table, *, province_given: bool) -> list[str]:
    """The required columns the table's header lacks, as labels for a message."""
    missing = [c for c in REQUIRED_COLUMNS[table.kind] if c not in table.columns]
    if province_given and PROVINCE in missing:
        missing.remove(PROVINCE)
    return [COLUMN_LABELS[c] for c in missing]


def known_columns() -> str:
    return "หน่วยงาน/organisation, อำเภอ/district, จังหวัด/province, ที่/no, คะแนน/total, " + (
        "คะแนนเฉลี่ย, "
        "ระดับผลการประเมิน/level, เปรียบเทียบปีที่ผ่านมา/change, เปรียบเทียบกับเกณฑ์/passed, "
        "indicator_1 … indicator_10"
    )


def _read_lines(
    lines: list[tuple[int, list[str], str]], *, exact: bool, kind: str | None, file_format: str
) -> Table:
    hints: dict[str, str | int] = {}
    columns: list[str] | None = None
    header_line = 0
    skipped: list[tuple[int, str]] = []
    rows: list[RawRow] = []
    problems: dict[int, str] = {}
    # A regional table runs several provinces, each under its own "จังหวัด…" line: the rows
    # that follow such a line belong to that province.
    section: str | None = None
    near_header: tuple[int, str] | None = None
    for number, cells, raw in lines:
        if not raw.strip() and not any(cells):
            continue
        # A header has no cell that is a number; data rows do (and are most of the lines).
        header = (
            None if _has_number_cell(cells, raw, exact) else _header_of(cells, raw, exact, hints)
        )
        if header is not None:
            if columns is None:
                columns, header_line = header, number
                _check_columns(columns, number)
            else:
                _header_repeated(header, columns, number, header_line)
                skipped.append((number, clean_text(raw)[:200]))
            continue
        if columns is None:
            if near_header is None and not exact:
                unknown = _unknown_in_line(raw)
                near_header = (number, unknown) if unknown else None
            _collect_hint(raw, hints)
            skipped.append((number, clean_text(raw)[:200]))
            continue
        values, problem = _row_values(cells, raw, columns, exact)
        if values is None:
            heading = _PROVINCE_HINT.match(clean_text(raw))
            if heading and PROVINCE not in columns:
                section = heading.group(1)
            skipped.append((number, clean_text(raw)[:200]))
            continue
        if problem:
            problems[number] = problem
        if section is not None:
            values[PROVINCE] = section
        rows.append(RawRow(number, values))
    if columns is None:
        raise _no_header(near_header)
    kind = _kind_of(columns, kind, header_line)
    if not rows:
        raise TableError(_("The table has a header but no data rows."))
    if section is not None:
        # Rows above the first province line belong to the province the title names, if any.
        before = str(hints.get("province", ""))
        for row in rows:
            row.values.setdefault(PROVINCE, before)
        columns = [*columns, PROVINCE]
    return Table(
        columns=[c for c in columns if c],
        rows=rows,
        kind=kind,
        file_format=file_format,
        header_line=header_line,
        skipped=skipped,
        hints=hints,
        problems=problems,
    )


def _header_repeated(header: list[str], columns: list[str], line: int, first: int) -> None:
    """A header again below the first (a table printed over pages) is skipped; one with other
    columns starts another table, refused."""
    if [c for c in header if c] != [c for c in columns if c]:
        raise TableError(
            _(
                "Line %(line)s starts a table with other columns than the header on line "
                "%(first)s. Import one table at a time."
            )
            % {"line": line, "first": first}
        )


def _no_header(near_header: tuple[int, str] | None) -> TableError:
    """Why no header was found: a line that looked like one had columns this import does not
    know, or no line did."""
    if near_header is not None:
        return TableError(
            _(
                "The header on line %(line)s has columns this import does not know: %(columns)s. "
                "Known columns: %(known)s (see the templates)."
            )
            % {"line": near_header[0], "columns": near_header[1], "known": known_columns()}
        )
    return TableError(
        _(
            "No header row was found. The table needs a header with at least the "
            "organisation (หน่วยงาน) and two more columns, e.g. %(example)s."
        )
        % {"example": "ที่, หน่วยงาน, อำเภอ, คะแนน 2564"}
    )


def _kind_of(columns: list[str], kind: str | None, header_line: int) -> str:
    """The table's kind, from its header (indicator scores or published results): the one
    asked for, if any, or an error; a results table needs its score column."""
    detected = INDICATORS if any(c.startswith(INDICATOR_PREFIX) for c in columns) else RESULTS
    kind = kind or detected
    if kind != detected:
        raise TableError(
            _("The header on line %(line)s is a %(found)s table, not a %(kind)s table.")
            % {"line": header_line, "found": _kind_label(detected), "kind": _kind_label(kind)}
        )
    if kind == RESULTS and TOTAL not in columns:
        raise TableError(
            _("The results table has no score column (คะแนน/total) in its header on line %(line)s.")
            % {"line": header_line}
        )
    return kind


def _kind_label(kind: str) -> str:
    return _("indicator scores") if kind == INDICATORS else _("published results")


def _check_columns(columns: list[str], line: int) -> None:
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            raise TableError(
                _("The header on line %(line)s has the column “%(column)s” twice.")
                % {"line": line, "column": column}
            )
        seen.add(column)


_PROVINCE_HINT = re.compile(r"^จังหวัด\s*(\S+)$")


def _collect_hint(raw: str, hints: dict) -> None:
    """Titles above the header name the province (จังหวัดตรัง) and the year (พ.ศ. 2564)."""
    text = clean_text(raw)
    m = _PROVINCE_HINT.match(text)
    if m and "province" not in hints:
        hints["province"] = m.group(1)
    m = re.search(r"พ\.ศ\.\s*(\d{4})", arabic_digits(text))
    if m and "year" not in hints:
        hints["year"] = int(m.group(1))


def _row_values(
    cells: list[str], raw: str, columns: list[str], exact: bool
) -> tuple[dict[str, str] | None, str]:
    """(values by column, problem) for a data line; (None, "") for a note between pages."""
    if exact:
        return _cells_values(list(cells), columns)
    if "\t" in raw:
        split = [c.strip() for c in raw.split("\t")]
        while split and split[-1] == "":
            split.pop()
        if len(split) <= len(columns):
            return _cells_values(split, columns)
    return _tokens_values(raw.split(), raw, columns)


def _is_note(values: list[str], columns: list[str]) -> bool:
    """Titles, page notes and page numbers: no number where the row number goes, or no number."""
    filled = [v for v in values if v]
    if len(filled) <= 1:
        return True
    if columns and columns[0] == NUMBER and not looks_integer(values[0]):
        return True
    return not any(looks_numeric(v) for v in filled)


def _cells_values(split: list[str], columns: list[str]) -> tuple[dict[str, str] | None, str]:
    width = len(columns)
    while len(split) > width and split[-1] == "":
        split.pop()
    if _is_note(split, columns):
        return None, ""
    problem = ""
    if len(split) > width:
        extra = [c for c in split[width:] if c]
        problem = _("%(n)s value(s) more than the header has columns: %(values)s") % {
            "n": len(extra),
            "values": ", ".join(extra[:5]),
        }
    split += [""] * (width - len(split))
    return {c: v for c, v in zip(columns, split, strict=False) if c}, problem


def _tokens_values(
    tokens: list[str], raw: str, columns: list[str]
) -> tuple[dict[str, str] | None, str]:
    width = len(columns)
    if _is_note(tokens, columns) or len(tokens) <= 2 < width:
        return None, ""
    fitted = _fit_tokens(tokens, columns)
    if fitted is None:
        text = clean_text(raw)
        return {c: "" for c in columns if c} | {ORGANISATION: text[:200]}, _(
            "%(found)s values where the header has %(width)s columns: “%(text)s”"
        ) % {"found": len(tokens), "width": width, "text": text[:120]}
    return {c: v for c, v in zip(columns, fitted, strict=True) if c}, ""
