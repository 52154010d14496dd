"""A checked row of a table: what it matched, what it would write and why, and its stored form.

``Checker`` (``ita.imports.checking.checker``) makes them; the preview stores them as ``ImportRow``s and
the commit compares its own check with what the preview showed (``signature``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from ita.imports import numbers
from ita.imports.messages import ERROR, WARNING, message
from ita.imports.models import ImportRow
from ita.lib.jsonvalue import JSONObject

# Snapshot fields of an assessment that an import may write (and a revert restores).
FIELDS = ("total", "level", "change", "passed", "rank", "derived", "level_source", "passed_source")
ROW_FIELDS = (
    "batch",
    "line",
    "number",
    "name",
    "district_name",
    "province_name",
    "district",
    "organisation",
    "match",
    "status",
    "effect",
    "messages",
    "before",
    "after",
    "suggestions",
)


@overload
def two(value: Decimal) -> str: ...
@overload
def two(value: Decimal | None) -> str | None: ...
def two(value: Decimal | None) -> str | None:
    return None if value is None else f"{numbers.quantize(Decimal(value), '0.01'):.2f}"


@overload
def four(value: Decimal) -> str: ...
@overload
def four(value: Decimal | None) -> str | None: ...
def four(value: Decimal | None) -> str | None:
    return None if value is None else f"{numbers.quantize(Decimal(value), '0.0001'):.4f}"


@dataclass
class RowResult:
    line: int
    number: str = ""
    name: str = ""
    district_name: str = ""
    province_name: str = ""
    organisation_id: int | None = None
    match: str = ""
    status: str = ""
    effect: str = ""
    # Stored as JSON (``ImportRow``): each message and each suggestion an object; the snapshots
    # (``snapshot``) are read field by field as their own types (scores, totals): untyped yet.
    messages: list[JSONObject] = field(default_factory=list)
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    suggestions: list[JSONObject] = field(default_factory=list)
    assessment_id: int | None = None
    district_id: int | None = None
    province_id: int | None = None
    create_kind: str = ""
    create_name: str = ""
    new_alias: bool = False
    # Matched by the administrator's choice in the preview (a misspelt district is saved then).
    chosen: bool = False
    skipped: bool = False

    def error(self, code: str, **params: object) -> None:
        self.messages.append(message(ERROR, code, **params))

    def warn(self, code: str, **params: object) -> None:
        self.messages.append(message(WARNING, code, **params))

    @property
    def has_error(self) -> bool:
        return any(m["level"] == ERROR for m in self.messages)

    def settle(self) -> None:
        """Status from the messages and the difference between before and after."""
        if self.has_error:
            self.status, self.effect = ImportRow.Status.ERROR, ""
            return
        if self.skipped:
            self.status, self.effect = ImportRow.Status.SKIPPED, ""
            return
        if self.before is None:
            self.effect = ImportRow.Status.NEW
        elif self.before == self.after:
            self.effect = ImportRow.Status.UNCHANGED
        else:
            self.effect = ImportRow.Status.CHANGED
        warned = any(m["level"] == WARNING for m in self.messages)
        self.status = ImportRow.Status.WARNING if warned else self.effect

    def signature(self) -> tuple:
        """What the preview shows for the row; compared with the check made at commit."""
        return (self.status, self.organisation_id, self.match, self.before, self.after)

    def to_db(self, batch_id: int) -> tuple:
        """The row's values for ``ROW_FIELDS``, in database form (JSON as text)."""
        return (
            batch_id,
            self.line,
            self.number[:20],
            self.name[:300],
            self.district_name[:200],
            self.province_name[:200],
            self.district_id,
            self.organisation_id,
            self.match,
            self.status,
            self.effect,
            json.dumps(self.messages),
            None if self.before is None else json.dumps(self.before),
            None if self.after is None else json.dumps(self.after),
            json.dumps(self.suggestions),
        )


def row_signature(
    status: str,
    organisation_id: int | None,
    match: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> tuple:
    """A stored preview row's ``RowResult.signature``, from its columns (read as values: a
    nationwide table's rows are not made into model instances to be compared)."""
    if match == ImportRow.Match.CREATE:
        organisation_id = None
    return (status, organisation_id, match, before, after)


def snapshot(values: dict, scores: dict[str, str] | None, with_scores: bool) -> dict:
    snap = {
        "total": two(values["total"]),
        "level": values["level"] or "",
        "change": two(values["change"]),
        "passed": values["passed"],
        "rank": values["rank"],
        "derived": bool(values["derived"]),
        "level_source": values["level_source"] or "",
        "passed_source": values["passed_source"] or "",
    }
    if with_scores:
        snap["scores"] = dict(sorted((scores or {}).items(), key=lambda kv: int(kv[0])))
    return snap
