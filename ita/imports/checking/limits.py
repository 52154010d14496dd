"""What a stored row can hold, checked at preview from the model fields an import writes.

Every length, range and number of digits comes from the field the value is written to (an
organisation's name, a district's spelling, a result's change and rank …), so nothing that
passes the preview can be refused by the database when the import is applied. A NUL character
no text column can hold.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from ita.imports import parsing
from ita.imports.models import ImportRow
from ita.imports.parsing import RawRow
from ita.imports.rows import RowResult
from ita.organisations.models import DistrictAlias, Organisation, OrganisationAlias
from ita.results.models import Assessment


def max_length(*fields: models.Field) -> int:
    """The shortest of the fields a text is written to."""
    return min(int(f.max_length or 0) for f in fields)


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


# A row's name becomes an alias of the organisation chosen for it; its district (when misspelt)
# a district alias; the three are kept on the import's row. A created organisation's name is its
# full name (``create_limit``).
LIMITS = {
    parsing.NUMBER: max_length(_field(ImportRow, "number")),
    parsing.ORGANISATION: max_length(
        _field(ImportRow, "name"), _field(OrganisationAlias, "name"), _field(Organisation, "name")
    ),
    parsing.DISTRICT: max_length(_field(ImportRow, "district_name"), _field(DistrictAlias, "name")),
    parsing.PROVINCE: max_length(_field(ImportRow, "province_name")),
}


def over_limits(result: RowResult, raw: RawRow) -> bool:
    """A NUL character anywhere, or a text longer than its fields hold: an error at preview,
    naming the column (the database would refuse both only at apply)."""
    for column, text in raw.values.items():
        if "\x00" in text:
            result.error("nul", field=column)
            return True
    for column, text in (
        (parsing.NUMBER, result.number),
        (parsing.ORGANISATION, result.name),
        (parsing.DISTRICT, result.district_name),
        (parsing.PROVINCE, result.province_name),
    ):
        if len(text) > LIMITS[column]:
            result.error("too_long", field=column, length=len(text), limit=LIMITS[column])
            return True
    return False


def create_too_long(result: RowResult, name: str) -> bool:
    """The full name an organisation is created with (อบต. written out) must fit its field."""
    limit = max_length(_field(Organisation, "name"))
    if len(name) > limit:
        result.error("too_long", field=parsing.ORGANISATION, length=len(name), limit=limit)
        return True
    return False


def storable(model: type[models.Model], name: str, value: Decimal | int) -> bool:
    """The value passes the field's own checks (digits, decimal places, the integer range)."""
    try:
        _field(model, name).clean(value, None)
    except ValidationError:
        return False
    return True


def result_fits(result: RowResult, column: str, field: str, value: Decimal | int) -> bool:
    """A number of the row fits the result's field it is written to; else an error naming it."""
    if storable(Assessment, field, value):
        return True
    result.error("cannot_store", field=column, value=value)
    return False
