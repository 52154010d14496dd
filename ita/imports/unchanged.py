"""Whether a preview's check still holds when it is applied, so the commit need not check the
table again.

A row's check reads the table (stored with the import, never changed), the import's choices, the
year's method, the stored provinces, districts, organisations and their spellings (matching),
the gazetteer (placing a name not stored), and the stored results of the row's organisation this
year and the year before. The preview keeps prints of what it read
(``ImportBatch.checked_against``); the commit takes the preview's rows as they are only when

- every row is matched to a stored organisation by its name or a stored spelling (none to
  create, placed, chosen by the administrator, skipped or in error): nothing of the gazetteer or of
  a row's choice was read;
- the method (with the import's choices of it and its province) and the stored places and
  organisations print as they did for every chunk of the preview;
- every row's organisation has the stored result (and scores) the row shows as ``before``, and
  the totals of the year before print as the preview read them.

Otherwise the commit checks the whole table again, as it always did. Nothing here trusts the
history: a change written without a history row (a bulk update, a restore) is seen all the same.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from ita.imports import parsing, writes
from ita.imports.matching import current_places_fingerprint, district_choices
from ita.imports.method import YearMethod
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.rows import RowResult
from ita.results.models import Assessment

METHOD = "method"
PLACES = "places"
PREVIOUS = "previous"
# A preview whose chunks read different methods or places (changed while it was checked).
MIXED = "mixed"
_MASK = (1 << 64) - 1
_MATCHED = {ImportRow.Match.NAME, ImportRow.Match.ALIAS}


def method_fingerprint(method: YearMethod, province_id: int | None) -> str:
    """A digest of everything of the method a row's check reads, and the import's province."""
    stored = method.stored
    parts = (
        method.year,
        None if stored is None else stored.pk,
        method.specs,
        method.rating,
        method.pass_mark,
        method.confirmed,
        method.scheme,
        method.copied_from,
        sorted(method.chosen.items()),
        province_id,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def previous_fingerprint(previous: dict[int, Decimal | None]) -> int:
    """The totals of the year before, by organisation, as a sum of each one's digest: the same
    whether read in one piece (the commit) or chunk by chunk (the preview)."""
    total = 0
    for org_id, value in previous.items():
        digest = hashlib.blake2b(f"{org_id}:{value}".encode(), digest_size=8).digest()
        total += int.from_bytes(digest, "big")
    return total & _MASK


def record(inputs: dict, *, method: str, places: str, previous: dict[int, Decimal | None]) -> None:
    """Add one checked chunk's prints to the preview's (``inputs``, changed in place)."""
    if inputs.get(MIXED):
        return
    if not inputs:
        inputs.update({METHOD: method, PLACES: places, PREVIOUS: 0})
    elif inputs[METHOD] != method or inputs[PLACES] != places:
        inputs.clear()
        inputs[MIXED] = True
        return
    inputs[PREVIOUS] = (inputs[PREVIOUS] + previous_fingerprint(previous)) & _MASK


def _previous_totals(year: int, org_ids: list[int]) -> dict[int, Decimal | None]:
    """The rows' organisations' totals of ``year``: the year read whole in one query (at most an
    organisation's row each), cheaper than lists of ids for a table of any size."""
    wanted = set(org_ids)
    return {
        org_id: total
        for org_id, total in Assessment.objects.filter(year__year=year).values_list(
            "organisation_id", "total"
        )
        if org_id in wanted
    }


def preview_rows(batch: ImportBatch, method: YearMethod) -> list[RowResult] | None:
    """The preview's rows, to apply as they are, when its check still holds (see above); None
    when the table must be checked again."""
    inputs = batch.checked_against
    if not inputs or inputs.get(MIXED) or not batch.rows_total:
        return None
    if any(not key.startswith("*") for key in batch.resolutions):
        return None  # a row's choice: what it made of the row is not kept with the row
    if inputs[METHOD] != method_fingerprint(method, batch.province_id):
        return None
    rows = list(
        ImportRow.objects.filter(batch=batch).values_list(
            "line", "status", "effect", "match", "organisation_id", "before", "after"
        )
    )
    if len(rows) != batch.rows_total or any(
        match not in _MATCHED
        or status in (ImportRow.Status.ERROR, ImportRow.Status.SKIPPED)
        or org_id is None
        for _line, status, _effect, match, org_id, _before, _after in rows
    ):
        return None
    if inputs[PLACES] != current_places_fingerprint(district_choices(batch.resolutions)):
        return None
    org_ids = [row[4] for row in rows]
    with_scores = any(c.startswith(parsing.INDICATOR_PREFIX) for c in batch.table["columns"])
    current = writes.current_snapshots(method.stored, org_ids, with_scores)
    results = []
    for line, status, effect, match, org_id, before, after in rows:
        stored = current.get(org_id)
        if (None if stored is None else stored[1]) != before:
            return None
        results.append(
            RowResult(
                line=line,
                organisation_id=org_id,
                match=match,
                status=status,
                effect=effect,
                before=before,
                after=after,
                assessment_id=None if stored is None else stored[0],
            )
        )
    if inputs[PREVIOUS] != previous_fingerprint(_previous_totals(method.year - 1, org_ids)):
        return None
    return results
