"""Two rows of a table for the same organisation: the later one is an error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ita.imports.matching import district_key, match_key, province_key
from ita.imports.messages import ERROR, message
from ita.imports.models import ImportRow
from ita.lib.jsonvalue import JSONObject


def duplicate_lines(keys: Iterable[tuple]) -> dict[int, int]:
    """Line → the earlier line with the same organisation (or the same unknown name).

    ``keys`` are (line, organisation id, name, district id, district, province) in line order.
    Unknown names compare by the spelling rules (``match_key``) in the district they were
    placed in, so two look-alike spellings of one new organisation are never both created.
    """
    first: dict[tuple, int] = {}
    found: dict[int, int] = {}
    for line, organisation_id, name, district_id, district, province in keys:
        if organisation_id is not None:
            key: tuple = ("org", organisation_id)
        elif name and district_id is not None:
            key = ("place", district_id, match_key(name))
        elif name:
            key = ("name", match_key(name), district_key(district), province_key(province))
        else:
            continue
        if key in first:
            found[line] = first[key]
        else:
            first[key] = line
    return found


class _Row(Protocol):
    """An ``ImportRow`` or a ``RowResult``: what marking it a duplicate sets."""

    messages: list[JSONObject]
    status: str
    effect: str
    before: JSONObject | None
    after: JSONObject | None


def mark_duplicate(row: _Row, first_line: int) -> None:
    """A later row for the same organisation is an error (works on both kinds of row)."""
    row.messages = [*row.messages, message(ERROR, "duplicate", line=first_line)]
    row.status, row.effect = ImportRow.Status.ERROR, ""
    row.before = row.after = None
