"""The outgoing register of a year as a file (PDF, XLSX), built by the task worker in parts and
stored, so that a register of any size is offered when ready and never built in a request.

A register's file is named by the register's version (``selectors.register_version``: the
numbers given and when a memo in it last changed), so a stored file is served at once while it
is current, and a changed register is built again. The build reads ``CHUNK_ROWS`` numbers at a
time: the XLSX streams them into a write-only sheet; the PDF draws them page after page into one
file (``ita.documents.table_pdf``: Pango and cairo, about 20 ms for 250 numbers where WeasyPrint
took 4 s). Memory is bounded by a part, whatever the number of entries; the file is written
whole to storage or not at all.
"""

from __future__ import annotations

import itertools
import math
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from ita.documents import table_pdf
from ita.documents.data import RegisterDoc
from ita.lib import tables
from ita.lib.tasks import retrying_task, waiting_kwargs
from ita.organisations.models import Organisation
from memos import documents, selectors

FORMATS = ("pdf", "xlsx")
CHUNK_ROWS = 250
# Rows a second the builds have managed lately (for the estimate), kept in the shared cache.
RATE_KEY = "register-file:rows-per-second"
FIRST_GUESS_ROWS_PER_SECOND = 100.0
COLUMNS = [
    tables.Column("number", "เลขทะเบียนส่ง", "int"),
    tables.Column("reference", "ที่"),
    tables.Column("date", "ลงวันที่"),
    tables.Column("sender", "จาก"),
    tables.Column("addressee", "ถึง"),
    tables.Column("subject", "เรื่อง"),
    tables.Column("action", "การปฏิบัติ"),
    tables.Column("note", "หมายเหตุ"),
]


@dataclass(frozen=True)
class Stored:
    name: str  # in default_storage


@dataclass(frozen=True)
class Building:
    place: int
    seconds: int
    # The page's template reads ``held_back`` as the memo PDFs' queue does: never here.
    held_back: bool = False


def file_name(organisation_id: int, year: int, fmt: str, version: str) -> str:
    return f"registers/{organisation_id}/{year}-{version}.{fmt}"


def parts(organisation: Organisation, year: int, last: int) -> Iterator[RegisterDoc]:
    """The register in parts of ``CHUNK_ROWS`` numbers, each read when it is needed."""
    for first in range(1, last + 1, CHUNK_ROWS):
        yield documents.register_doc(organisation, year, first, min(first + CHUNK_ROWS - 1, last))
    if last == 0:
        yield documents.register_doc(organisation, year, 1, 0)  # "no memo yet"


def write_pdf(organisation: Organisation, year: int, last: int, out: IO[bytes]) -> None:
    """The register drawn page after page as its parts are read (``ita.documents.table_pdf``):
    one pass, one file, its pages numbered over the whole year."""
    docs = parts(organisation, year, last)
    first = next(docs)
    table_pdf.write_register(
        out,
        organisation=first.organisation,
        year=year,
        names=first.names,
        rows=itertools.chain(first.rows, (row for doc in docs for row in doc.rows)),
    )


def _rows(organisation: Organisation, year: int, last: int) -> Iterator[dict[str, object]]:
    for doc in parts(organisation, year, last):
        for r in doc.rows:
            yield {
                "number": r.number,
                "reference": r.reference,
                "date": r.date.isoformat() if r.date else "",
                "sender": r.sender,
                "addressee": r.addressee,
                "subject": r.subject,
                "action": r.action,
                "note": r.note,
            }


def register_table(organisation: Organisation, year: int, last: int | None = None) -> tables.Table:
    """The register as a table whose rows are read part by part as they are written."""
    last = selectors.register_last(organisation, year) if last is None else last
    return tables.Table(
        key="register",
        title=f"ทะเบียนหนังสือส่ง {year}",
        columns=COLUMNS,
        rows=_rows(organisation, year, last),  # type: ignore[arg-type]
    )


def write_xlsx(organisation: Organisation, year: int, last: int, out: IO[bytes]) -> None:
    out.write(tables.to_xlsx(register_table(organisation, year, last)))


WRITERS: dict[str, Callable[[Organisation, int, int, IO[bytes]], None]] = {
    "pdf": write_pdf,
    "xlsx": write_xlsx,
}


def current(organisation: Organisation, year: int, fmt: str) -> str:
    """The name the register's file of this version has (stored or not)."""
    return file_name(organisation.pk, year, fmt, selectors.register_version(organisation, year))


def _rate() -> float:
    value = cache.get(RATE_KEY)
    return float(value) if isinstance(value, (int, float)) else FIRST_GUESS_ROWS_PER_SECOND


def request_file(organisation: Organisation, year: int, fmt: str) -> Stored | Building:
    """The stored file of the register as it is now, or its place in the worker's queue (the
    build queued once per version, whoever asks)."""
    name = current(organisation, year, fmt)
    if default_storage.exists(name):
        return Stored(name)
    waiting = waiting_kwargs(register_file_build)
    names = [w.get("name") for w in waiting]
    if name not in names:
        register_file_build.enqueue(organisation_id=organisation.pk, year=year, fmt=fmt, name=name)
        if default_storage.exists(name):  # built already by a backend that runs at once
            return Stored(name)
        names.append(name)
    place = names.index(name) + 1
    rows = selectors.register_last(organisation, year)
    seconds = max(1, math.ceil(place * rows / _rate()))
    return Building(place=place, seconds=seconds)


@retrying_task(label=_("Outgoing register file"))
def register_file_build(organisation_id: int, year: int, fmt: str, name: str) -> bool:
    """Build and store the register's file if ``name`` is still its current version (whether
    it built). The older versions' files of the same register and format are removed."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or fmt not in WRITERS:
        return False
    if current(organisation, year, fmt) != name or default_storage.exists(name):
        return False
    last = selectors.register_last(organisation, year)
    start = time.monotonic()
    with tempfile.TemporaryFile() as out:
        WRITERS[fmt](organisation, year, last, out)
        out.seek(0)
        default_storage.save(name, File(out, name=name))
    elapsed = max(time.monotonic() - start, 0.001)
    cache.set(RATE_KEY, round(0.5 * _rate() + 0.5 * max(last, 1) / elapsed, 3), None)
    folder, _sep, _file = name.rpartition("/")
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        files = []
    for old in files:
        if old.startswith(f"{year}-") and old.endswith(f".{fmt}") and f"{folder}/{old}" != name:
            default_storage.delete(f"{folder}/{old}")
    return True
