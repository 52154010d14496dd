"""Writes to the year's OIT checklist: the country's list given to a year (shipped, or copied
from an earlier year's and marked to review: ``oit_checklist_load``, ``oit_checklist_open``,
``year_opened`` when a year's scores are applied), corrected by the operators in the browser
(``oit_items_update``), an organisation's own reading of it (``oit_items_correct``) and its
answers, item by item (``oit_statuses_set``). Each runs in one transaction with its history row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history import payloads
from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.imports.models import ImportBatch
from ita.lib.thai import clean_text
from ita.organisations.models import Organisation
from ita.results.models import AssessmentYear, Indicator
from measures import oit, publishing
from measures.models import (
    OitItem,
    OitItemCorrection,
    OitStatus,
)
from measures.selectors import oit_source


@transaction.atomic
def oit_checklist_load(*, year: AssessmentYear, actor: Actor) -> list[OitItem]:
    """Give a year its checklist: the published list shipped for it, else the latest earlier year's.

    Refuses when the year already has items (edit them in the admin instead).
    """
    if OitItem.objects.country().filter(year=year).exists():
        raise ValidationError(
            _("The year %(year)s already has an OIT checklist.") % {"year": year.year}
        )
    indicators: dict[int | None, Indicator] = {i.number: i for i in year.indicators.all()}
    # (number, indicator number, group, name, answered by the report, by what was done)
    rows: list[tuple[int, int | None, str, str, bool, bool]]
    if year.year in oit.BUILTIN:
        from_report = oit.FROM_REPORT.get(year.year, set())
        from_done = oit.FROM_IMPLEMENTATION.get(year.year, set())
        rows = [
            (n, ind, g, name, n in from_report, n in from_done)
            for n, ind, g, name in oit.BUILTIN[year.year]
        ]
        source = "builtin"
    else:
        earlier = oit_source(year)
        if earlier is None:
            raise ValidationError(
                _("No OIT checklist is known for %(year)s or any earlier year.")
                % {"year": year.year}
            )
        rows = [
            (
                i.number,
                i.indicator.number if i.indicator else None,
                i.group,
                i.name,
                i.from_report,
                i.from_implementation,
            )
            for i in OitItem.objects.country()
            .filter(year__year=earlier)
            .select_related("indicator")
            .order_by("number")
        ]
        source = str(earlier)
    items = OitItem.objects.bulk_create(
        OitItem(
            year=year,
            number=n,
            indicator=indicators.get(ind),
            group=group,
            name=name,
            from_report=flag,
            from_implementation=done,
            # A copy is a guess at the year's list: marked to review until someone checks it.
            to_review=source != "builtin",
        )
        for n, ind, group, name, flag, done in rows
    )
    event_record(
        actor=actor,
        action=EventKind.OIT_LOAD,
        organisation_id=None,
        obj=year,
        data=payloads.OitLoaded(source=source, items=len(items)),
    )
    # Reports published before the checklist existed answer its items now.
    publishing.oit_fill_from_published(year=year, actor=actor)
    return items


def oit_checklist_open(*, year: AssessmentYear, actor: Actor) -> int:
    """Give ``year`` its checklist if it has none and one is known (shipped, or an earlier
    year's to copy); returns how many items it got (0: it had one, or none is known)."""
    if OitItem.objects.country().filter(year=year).exists():
        return 0
    try:
        return len(oit_checklist_load(year=year, actor=actor))
    except ValidationError:  # no list known for the year or any earlier one
        return 0


def year_opened(sender: object, *, batch: ImportBatch, actor: Actor, **kwargs: object) -> int:
    """An import of ``batch.year`` was applied: the year gets its checklist if it has none
    (``ita.imports.signals.scores_applied``). Returns how many items it got."""
    year = AssessmentYear.objects.filter(year=batch.year).first()
    return oit_checklist_open(year=year, actor=actor) if year is not None else 0


@dataclass(frozen=True)
class OitAnswer:
    state: str
    evidence_url: str = ""
    note: str = ""


@transaction.atomic
def oit_statuses_set(
    *,
    organisation: Organisation,
    year: AssessmentYear,
    answers: dict[int, OitAnswer],
    actor: Actor,
) -> int:
    """Record the organisation's status and evidence address for items (by item pk); returns changes."""
    items = {
        i.pk: i
        for i in OitItem.objects.filter(year=year, pk__in=list(answers)).seen_by(organisation.pk)
    }
    unknown = sorted(set(answers) - set(items))
    if unknown:
        raise ValidationError(
            _("Items %(ids)s are not on the checklist of %(year)s.")
            % {"ids": ", ".join(map(str, unknown)), "year": year.year}
        )
    for pk, answer in answers.items():
        if answer.state not in OitStatus.State.values:
            raise ValidationError(
                _("%(code)s: “%(value)s” is not a status.")
                % {"code": items[pk].code, "value": answer.state}
            )
    existing = {
        s.item_id: s for s in OitStatus.objects.filter(organisation=organisation, item__in=items)
    }
    changed = []
    for pk, answer in sorted(answers.items(), key=lambda kv: items[kv[0]].number):
        status = existing.get(pk) or OitStatus(organisation=organisation, item=items[pk])
        new = (answer.state, answer.evidence_url.strip(), clean_text(answer.note))
        # An item left as it was is no change: neither an existing row saved again nor a new
        # row for an item still unchecked (the form sends every item of the checklist).
        if (status.state, status.evidence_url, status.note) == new:
            continue
        status.state, status.evidence_url, status.note = new
        try:
            status.full_clean(exclude=["organisation", "item"])
        except ValidationError as e:
            raise ValidationError(
                _("%(code)s: %(errors)s") % {"code": items[pk].code, "errors": " ".join(e.messages)}
            ) from None
        status.save()
        changed.append(items[pk].code)
    if changed:
        event_record(
            actor=actor,
            action=EventKind.OIT_STATUSES,
            organisation_id=organisation.pk,
            obj=organisation,
            data=payloads.OitAnswered(year=year.year, items=changed),
        )
    return len(changed)


@dataclass
class ItemData:
    number: int
    name: str
    indicator: Indicator | None = None
    group: str = ""
    from_report: bool = False
    from_implementation: bool = False


@transaction.atomic(durable=True)
def oit_items_update(
    *, year: AssessmentYear, items: dict[int, ItemData], reviewed: bool, actor: Actor
) -> int:
    """Correct the year's checklist items (by pk); ``reviewed`` takes the "to review" mark off
    every item. Returns how many items changed."""
    rows = {i.pk: i for i in OitItem.objects.country().filter(year=year)}
    unknown = sorted(set(items) - set(rows))
    if unknown:
        raise ValidationError(
            _("Items %(ids)s are not on the checklist of %(year)s.")
            % {"ids": ", ".join(map(str, unknown)), "year": year.year}
        )
    numbers = [d.number for d in items.values()] + [
        i.number for pk, i in rows.items() if pk not in items
    ]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise ValidationError(
            _("The number O%(number)s is given to more than one item.") % {"number": twice[0]}
        )
    changed = []
    # Numbers may be swapped between items: clear them first (the constraint holds per row).
    moving = [pk for pk, d in items.items() if rows[pk].number != d.number]
    for offset, pk in enumerate(moving, start=1):
        OitItem.objects.filter(pk=pk).update(number=10_000 + offset)
    for pk, data in items.items():
        item = rows[pk]
        name = clean_text(data.name)
        if not name:
            raise ValidationError(
                _("O%(number)s: write the item's name.") % {"number": data.number}
            )
        if data.indicator is not None and data.indicator.year_id != year.pk:
            raise ValidationError(
                _("O%(number)s: indicator %(indicator)s is not of the year %(year)s.")
                % {"number": data.number, "indicator": data.indicator.number, "year": year.year}
            )
        new = (
            data.number,
            name,
            data.indicator.pk if data.indicator else None,
            clean_text(data.group),
            data.from_report,
            data.from_implementation,
        )
        old = (
            rows[pk].number,
            item.name,
            item.indicator_id,
            item.group,
            item.from_report,
            item.from_implementation,
        )
        (
            item.number,
            item.name,
            item.indicator_id,
            item.group,
            item.from_report,
            item.from_implementation,
        ) = new
        if reviewed:
            item.to_review = False
        item.save()
        if new != old:
            changed.append(item.code)
    if reviewed:
        OitItem.objects.country().filter(year=year).update(to_review=False)
    if changed or reviewed:
        event_record(
            actor=actor,
            action=EventKind.OIT_ITEMS,
            organisation_id=None,
            obj=year,
            data={"items": changed, "reviewed": reviewed},
        )
    return len(changed)


@dataclass
class Correction:
    """How an organisation reads one item of the year's checklist: ``name`` empty or the
    country's keeps the country's (and its later corrections); an item not applicable to the
    organisation says why."""

    name: str = ""
    description: str = ""
    not_applicable: bool = False
    reason: str = ""


@transaction.atomic(durable=True)
def oit_items_correct(
    *,
    organisation: Organisation,
    year: AssessmentYear,
    corrections: dict[int, Correction],
    added: Correction | None = None,
    actor: Actor,
) -> list[str]:
    """Store ``organisation``'s corrections of the year's checklist items (by pk: the
    country's items and its own), and add an item of its own (``added``, numbered A1, A2 …).
    Nothing changes for any other organisation, nor the country's list. Returns the codes of
    the items changed or added; one history row for them. All or nothing: an item marked not
    applicable without a reason refuses the whole form."""
    # One organisation's corrections at a time: two saves at once never number two items A1.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    rows = {
        i.pk: i
        for i in OitItem.objects.filter(year=year, pk__in=list(corrections)).seen_by(
            organisation.pk
        )
    }
    unknown = sorted(set(corrections) - set(rows))
    if unknown:
        raise ValidationError(
            _("Items %(ids)s are not on the checklist of %(year)s.")
            % {"ids": ", ".join(map(str, unknown)), "year": year.year}
        )
    existing = {
        c.item_id: c
        for c in OitItemCorrection.objects.filter(organisation=organisation, item__in=list(rows))
    }
    errors = []
    changed = []
    for pk, data in corrections.items():
        item = rows[pk]
        name = clean_text(data.name)
        new = (
            "" if name == item.name else name,
            data.description.strip(),
            data.not_applicable,
            clean_text(data.reason) if data.not_applicable else "",
        )
        if data.not_applicable and not new[3]:
            errors.append(
                _("%(code)s: write why the item does not apply to the organisation.")
                % {"code": item.code}
            )
            continue
        correction = existing.get(pk)
        old = (
            (correction.name, correction.description, correction.not_applicable, correction.reason)
            if correction
            else ("", "", False, "")
        )
        if new == old:
            continue
        changed.append(item.code)
        if new == ("", "", False, ""):
            assert correction is not None
            correction.delete()  # back to the country's item as it is kept
            continue
        correction = correction or OitItemCorrection(organisation=organisation, item=item)
        correction.name, correction.description, correction.not_applicable, correction.reason = new
        correction.save()
    added_code = ""
    if added is not None and (added.name.strip() or added.description.strip()):
        name = clean_text(added.name)
        if not name:
            errors.append(_("The item added: write its name."))
        elif not errors:
            last = (
                OitItem.objects.filter(year=year, organisation=organisation)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            item = OitItem.objects.create(
                year=year, organisation=organisation, number=(last or 0) + 1, name=name
            )
            if added.description.strip():
                OitItemCorrection.objects.create(
                    organisation=organisation, item=item, description=added.description.strip()
                )
            added_code = item.code
    if errors:
        raise ValidationError(errors)
    if changed or added_code:
        event_record(
            actor=actor,
            action=EventKind.OIT_CORRECTIONS,
            organisation_id=organisation.pk,
            obj=year,
            data={"corrected": changed, "added": [added_code] if added_code else []},
        )
    return changed + ([added_code] if added_code else [])
