"""Bytes to text or cells: encodings, XLSX (safely), and what a file is not.

Used by ``parsing``; kept apart so the table logic reads on its own.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from openpyxl import load_workbook

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

# Bounds for what a score table can reasonably be; anything larger is refused before reading.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 60
XLSX_MAX_UNZIPPED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_MEMBERS = 500
# Spreadsheets often carry formatting far below the table: stop after this many empty rows.
XLSX_MAX_EMPTY_RUN = 2000


class TableError(ValueError):
    """The file cannot be read as a score table; the message says why, for the administrator."""


# --- decoding --------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Bytes of a text table → (text, encoding name). Raises TableError with the reason."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data[:65536]:
            raise TableError(
                _("This is a binary file, not a table. Upload CSV, XLSX or paste the table's text.")
            )
        candidates = ["utf-8", "cp874"]
    error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc
            continue
        if "\x00" in text:  # (the database cannot store it; found here, before anything is)
            raise TableError(
                _(
                    "Line %(line)s holds a NUL character (0x00), which cannot be stored: remove "
                    "it from the file and upload it again"
                )
                % {"line": text.count("\n", 0, text.index("\x00")) + 1}
            )
        controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n\f")
        if controls > 8:
            raise TableError(
                _("This file holds control characters, not a table of text. Is it the right file?")
            )
        return text, {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp874": "Windows-874"}.get(
            encoding, encoding.upper()
        )
    assert error is not None
    raise TableError(
        _(
            "The text is neither UTF-8 nor Windows-874/TIS-620 (byte 0x%(byte)02X at position "
            "%(position)s). Save the file as CSV UTF-8 and try again."
        )
        % {"byte": error.object[error.start], "position": error.start}
    )


# --- XLSX ------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TableError(
            _("The file looks like XLSX but is damaged (not a valid archive).")
        ) from None
    members = archive.infolist()
    if len(members) > XLSX_MAX_MEMBERS:
        raise TableError(_("The XLSX file holds too many parts to be a score table."))
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > XLSX_MAX_UNZIPPED or (info.file_size > 1_000_000 and ratio > XLSX_MAX_RATIO):
            raise TableError(
                _(
                    "The XLSX file unpacks to far more than it holds (a “zip bomb”); "
                    "it was not opened."
                )
            )
    for info in members:
        if _declares_dtd(archive, info):
            raise TableError(
                _(
                    "The XLSX file's part %(part)s declares a DTD (<!DOCTYPE or <!ENTITY), "
                    "which a spreadsheet never holds; it was not opened"
                )
                % {"part": info.filename[:100]}
            )


# A DTD can declare entities that expand without bound or read local files ("XXE"): no XML part
# of a workbook has one, so any is refused before openpyxl parses the file.
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the member declares a DTD; read in chunks (the sizes were bounded above)."""
    tail = b""
    with archive.open(info) as member:
        first = True
        while chunk := member.read(65536):
            if first and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                # UTF-16 XML: compare as text (bounded by the size checks above).
                text = (chunk + member.read()).decode("utf-16", "replace").upper()
                return any(mark.decode() in text for mark in _DTD_MARKS)
            first = False
            window = (tail + chunk).upper()
            if any(mark in window for mark in _DTD_MARKS):
                return True
            tail = window[-16:]
    return False


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # repr gives the shortest text that reads back as the same float: 96.76, not 96.7600000001.
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def xlsx_lines(data: bytes) -> list[tuple[int, list[str], str]]:
    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise TableError(
            _("The XLSX file cannot be opened (%(reason)s).") % {"reason": type(exc).__name__}
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise TableError(_("The XLSX file has no sheet."))
        return _sheet_lines(sheet)
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet fails while its rows are read
        raise TableError(
            _("The XLSX file cannot be read (%(reason)s).") % {"reason": type(exc).__name__}
        ) from None
    finally:
        workbook.close()


def _sheet_lines(sheet: ReadOnlyWorksheet) -> list[tuple[int, list[str], str]]:
    """The sheet's rows as (row number, cells, the cells joined by tabs); no formulas."""
    lines: list[tuple[int, list[str], str]] = []
    empty_run = 0
    for index, row in enumerate(sheet.iter_rows(), start=1):
        if len(lines) > MAX_ROWS or empty_run > XLSX_MAX_EMPTY_RUN:
            break
        cells = []
        for cell in row[:MAX_COLUMNS]:
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f" or (
                isinstance(value, str) and value.startswith("=")
            ):
                raise TableError(
                    _(
                        "Cell %(cell)s holds a formula (%(formula)s). Formulas are not "
                        "imported: copy the sheet and paste it as values, then upload again."
                    )
                    % {"cell": cell.coordinate, "formula": str(value)[:40]}
                )
            cells.append(_cell_text(value))
        if not any(cells):
            empty_run += 1
            continue
        empty_run = 0
        lines.append((index, cells, "\t".join(cells)))
    return lines


def sniff_format(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(
            _("This is an old Excel .xls file. Save it as .xlsx or CSV (UTF-8) and upload again.")
        )
    if data.startswith(b"%PDF"):
        raise TableError(
            _("This is a PDF. Open it, copy the table's text and paste it into the text box.")
        )
    return "text"
