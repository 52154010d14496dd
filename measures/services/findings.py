"""Writes to a report's findings (the issues to improve), from its pages and the admin's
forms. Each runs in one transaction with its history row; bad input raises ValidationError
naming the field and value, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history import payloads
from ita.history.models import EventKind
from ita.history.services import Actor, event_record, saved_with_history
from ita.lib.thai import clean_text
from ita.results.models import Assessment, Indicator, Tool
from measures.models import (
    Finding,
    OitItem,
)


def oit_item_of(item: OitItem, assessment: Assessment) -> bool:
    """The item is on the assessment's year's list as its organisation sees it (the country's,
    or the organisation's own; never another organisation's)."""
    return item.year_id == assessment.year_id and item.organisation_id in (
        None,
        assessment.organisation_id,
    )


def _finding_text(text: str) -> str:
    """A finding's text as kept (cleaned); refused when nothing is left."""
    text = clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write the issue to improve.")})
    return text


def _check_finding(
    assessment: Assessment, tool: str, indicator: Indicator | None, items: Sequence[OitItem]
) -> None:
    if tool not in Tool.values:
        raise ValidationError({"tool": _("“%(value)s” is not a tool.") % {"value": tool}})
    if indicator is not None:
        if indicator.year_id != assessment.year_id:
            raise ValidationError(
                {"indicator": _("Indicator %(number)s is not of the year %(year)s.")
                 % {"number": indicator.number, "year": assessment.year.year}}
            )  # fmt: skip
        if indicator.tool != tool:
            raise ValidationError(
                {"indicator": _("Indicator %(number)s belongs to %(indicator_tool)s, not %(tool)s.")
                 % {"number": indicator.number, "indicator_tool": indicator.tool, "tool": tool}}
            )  # fmt: skip
    for item in items:
        if not oit_item_of(item, assessment):
            raise ValidationError(
                {"oit_items": _("%(code)s is not an item of the year %(year)s.")
                 % {"code": item.code, "year": assessment.year.year}}
            )  # fmt: skip


@transaction.atomic
def finding_create(
    *,
    assessment: Assessment,
    tool: str,
    indicator: Indicator | None,
    text: str,
    oit_items: Sequence[OitItem] = (),
    actor: Actor,
) -> Finding:
    text = _finding_text(text)
    _check_finding(assessment, tool, indicator, oit_items)
    last = assessment.findings.filter(tool=tool).order_by("-order").first()
    finding = Finding.objects.create(
        assessment=assessment,
        tool=tool,
        indicator=indicator,
        text=text,
        order=(last.order + 1) if last else 0,
    )
    finding.oit_items.set(oit_items)
    event_record(
        actor=actor,
        action=EventKind.FINDING_CREATE,
        organisation_id=assessment.organisation_id,
        obj=finding,
        comment=text,
        data=payloads.FindingAdded(
            assessment=assessment.pk, tool=tool, items=[i.code for i in oit_items]
        ),
    )
    return finding


@transaction.atomic(durable=True)
def finding_update(
    *,
    finding: Finding,
    tool: str,
    indicator: Indicator | None,
    text: str,
    oit_items: Sequence[OitItem] = (),
    actor: Actor,
) -> Finding:
    text = _finding_text(text)
    _check_finding(finding.assessment, tool, indicator, oit_items)
    before = payloads.FindingFields(
        tool=finding.tool, indicator=finding.indicator_id, text=finding.text
    )
    finding.tool, finding.indicator, finding.text = tool, indicator, text
    finding.save(update_fields=["tool", "indicator", "text"])
    finding.oit_items.set(oit_items)
    event_record(
        actor=actor,
        action=EventKind.FINDING_UPDATE,
        organisation_id=finding.assessment.organisation_id,
        obj=finding,
        comment=text,
        data=payloads.FindingEdited(before=before, items=[i.code for i in oit_items]),
    )
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, actor: Actor) -> None:
    event_record(
        actor=actor,
        action=EventKind.FINDING_DELETE,
        organisation_id=finding.assessment.organisation_id,
        obj=finding,
        comment=finding.text,
        data=payloads.FindingDeleted(assessment=finding.assessment_id, tool=finding.tool),
    )
    finding.delete()


def finding_save(*, finding: Finding, actor: Actor) -> Finding:
    """A finding as the admin's forms edit it: checked as the report's own forms check it."""
    _check_finding(finding.assessment, finding.tool, finding.indicator, ())
    return saved_with_history(
        finding,
        actor=actor,
        create=EventKind.FINDING_CREATE,
        update=EventKind.FINDING_UPDATE,
        organisation_of=lambda f: f.assessment.organisation_id,
    )
