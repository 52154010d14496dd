"""What a stored row can hold, checked at preview: a NUL character, a name too long to store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ita.imports import parsing

if TYPE_CHECKING:
    from ita.imports.parsing import RawRow
    from ita.imports.rows import RowResult

# The longest name stored (Organisation, District, their aliases): longer is refused at preview.
NAME_LIMIT = 200


def over_limits(result: RowResult, raw: RawRow) -> bool:
    """A NUL character anywhere, or a name longer than can be stored: an error at preview,
    naming the column (the database would refuse both only at apply)."""
    for column, text in raw.values.items():
        if "\x00" in text:
            result.error("nul", field=column)
            return True
    for column, text in (
        (parsing.ORGANISATION, result.name),
        (parsing.DISTRICT, result.district_name),
        (parsing.PROVINCE, result.province_name),
    ):
        if len(text) > NAME_LIMIT:
            result.error("too_long", field=column, length=len(text), limit=NAME_LIMIT)
            return True
    return False
