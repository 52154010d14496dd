"""Describing imports to the people who use them: who did what, when, and what came later."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from ita.imports.method import year_method
from ita.imports.models import ImportBatch, ImportRow
from ita.lib.thai import date_th
from ita.organisations.people import person_name
from ita.results import methods

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def when(moment: dt.datetime | None) -> str:
    local = timezone.localtime(moment)
    return f"{date_th(local)} {local:%H:%M}"


def user_name(user: User | None) -> str:
    return person_name(user) if user is not None else "—"


def later_changes(batch: ImportBatch, moved: list[ImportRow]) -> list[str]:
    """For each result changed since ``batch``: the organisation, the year, and what changed it.

    The latest applied import that wrote the organisation's result is named; without one, the
    result was edited by hand (or by a later import since reverted).
    """
    later: dict[int | None, ImportBatch] = {}  # by ImportRow.organisation_id
    for row in (
        ImportRow.objects.filter(
            batch__status=ImportBatch.Status.APPLIED,
            batch__year=batch.year,
            batch__applied_at__gt=batch.applied_at,
            organisation_id__in=[r.organisation_id for r in moved],
            effect__in=[ImportRow.Status.NEW, ImportRow.Status.CHANGED],
        )
        .exclude(status=ImportRow.Status.ERROR)
        .select_related("batch__applied_by")
        .defer("batch__table", "batch__resolutions")
        .order_by("batch__applied_at")
    ):
        later[row.organisation_id] = row.batch
    described = []
    for row in moved:
        other = later.get(row.organisation_id)
        if other is None:
            cause = _("edited or removed after this import")
        else:
            cause = _("changed by import #%(id)s (%(file)s, by %(who)s, %(when)s)") % {
                "id": other.pk,
                "file": other.file_name or other.get_source_display(),
                "who": user_name(other.applied_by),
                "when": when(other.applied_at),
            }
        described.append(
            _("%(name)s, year %(year)s: %(cause)s")
            % {"name": row.name, "year": batch.year, "cause": cause}
        )
    return described


def method_line(batch: ImportBatch) -> str:
    """Which method the table is checked against, as chosen in the preview, and whether it is
    confirmed (only a confirmed method's levels and pass/fail are computed)."""
    method = year_method(batch.year, batch.resolutions)
    scheme = methods.scheme_of(method.labels)
    if method.chosen.get("confirm"):
        state = _("confirmed with this import")
    elif method.confirmed and method.stored is not None:
        state = _("confirmed")
    elif method.confirmed:
        state = _("confirmed by published figures; the year is created by this import")
    else:
        state = _(
            "not confirmed: a level or pass/fail the table does not publish is not stored, "
            "only the score"
        )
    if scheme:
        levels = str(methods.SCHEME_NAMES[scheme])
    elif method.labels:
        levels = ", ".join(method.labels)
    else:
        levels = _("no levels (no method was published for this year)")
    return _(
        "Checked against the method of %(year)s: %(levels)s, pass mark %(mark)s (%(state)s)"
    ) % {"year": batch.year, "levels": levels, "mark": method.pass_mark, "state": state}
