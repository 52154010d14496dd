"""Reminders by e-mail of measures whose period ends soon or has ended (run daily)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ita.history.models import EventKind
from ita.history.services import event_record
from ita.lib.tasks import enqueue_on_commit, retrying_task, waiting_kwargs
from ita.lib.thai import name_key
from ita.lib.urls import absolute
from ita.mail.delivery import deliver
from ita.organisations.models import Position
from measures import periods
from measures.models import Measure, ReminderSent

REMINDER_EVENTS = {
    ReminderSent.Kind.DUE_SOON: EventKind.MEASURE_REMINDER_DUE_SOON,
    ReminderSent.Kind.OVERDUE: EventKind.MEASURE_REMINDER_OVERDUE,
}


def _unit_key(unit: str) -> str:
    # สำนักปลัดฯ and สำนักปลัด are the same unit: ฯ abbreviates the rest of the name.
    return name_key(unit).replace("ฯ", "")


def reminder_recipients(measure: Measure, positions: Sequence[Position]) -> list[str]:
    """Who is reminded of a measure: the holders of positions in its responsible unit, and its
    author; when none of them has an e-mail address, the organisation's staff (the authors of
    reports) instead."""
    unit = _unit_key(measure.responsible_unit)
    people = {p.holder for p in positions if unit and p.holder and _unit_key(p.unit) == unit}
    if measure.created_by is not None:
        people.add(measure.created_by)
    emails = sorted({u.email for u in people if u.email and u.is_active})
    if not emails:
        emails = sorted(
            {
                p.holder.email
                for p in positions
                if p.role == Position.Role.STAFF and p.holder and p.holder.email
            }
        )
    return emails


@dataclass(frozen=True)
class Due:
    """A reminder due and queued for delivery (``measures.tasks.reminder_deliver``)."""

    measure_id: int
    kind: str
    period_end: dt.date
    recipients: list[str]


def _due_kind(measure: Measure, today: dt.date, days_before: int) -> tuple[str, dt.date] | None:
    if measure.end_month is None or measure.done_on is not None or measure.draft:
        return None
    end = periods.last_day(measure.end_month)
    if today > end:
        return ReminderSent.Kind.OVERDUE, end
    if (end - today).days <= days_before:
        return ReminderSent.Kind.DUE_SOON, end
    return None


@retrying_task(label=_("Measure reminder by e-mail"))
def reminder_deliver(measure_id: int, kind: str, period_end: str, today: str) -> str:
    """The task of one reminder (dates as ISO text): ``reminder_deliver_now``."""
    return reminder_deliver_now(
        measure_id=measure_id,
        kind=kind,
        period_end=dt.date.fromisoformat(period_end),
        today=dt.date.fromisoformat(today),
    )


@transaction.atomic(durable=True)
def reminders_send(*, today: dt.date, days_before: int) -> list[Due]:
    """Queue the reminders due on ``today``: a period ending within ``days_before`` days, and a
    period past its end. Each kind is sent once per measure and period: one task per message,
    which records it as sent once the mail server has taken it, and retries until then. A
    reminder already sent, or already queued (a retry waiting out its back-off too), is skipped;
    one whose task gave up is queued again by the next run."""
    candidates = list(
        Measure.objects.kept()
        .filter(done_on__isnull=True, end_month__isnull=False)
        .filter(end_month__lte=periods.first_of_month(today + dt.timedelta(days=days_before)))
        .select_related("assessment__organisation", "assessment__year", "created_by")
        .prefetch_related("reminders")
        .order_by("pk")
    )
    org_ids = {m.assessment.organisation_id for m in candidates}
    positions: dict[int, list[Position]] = {}
    for p in Position.objects.filter(organisation_id__in=org_ids).select_related("holder"):
        positions.setdefault(p.organisation_id, []).append(p)
    waiting = {
        (k.get("measure_id"), k.get("kind"), k.get("period_end"))
        for k in waiting_kwargs(reminder_deliver)
    }
    queued: list[Due] = []
    for m in candidates:
        due = _due_kind(m, today, days_before)
        if due is None:
            continue
        kind, end = due
        if any(r.kind == kind and r.period_end == end for r in m.reminders.all()):
            continue
        to = reminder_recipients(m, positions.get(m.assessment.organisation_id, []))
        if not to:
            continue
        if (m.pk, str(kind), end.isoformat()) in waiting:
            continue
        enqueue_on_commit(
            reminder_deliver,
            measure_id=m.pk,
            kind=str(kind),
            period_end=end.isoformat(),
            today=today.isoformat(),
        )
        queued.append(Due(m.pk, kind, end, to))
    return queued


def reminder_deliver_now(*, measure_id: int, kind: str, period_end: dt.date, today: dt.date) -> str:
    """Send one reminder, then record it as sent (with its history row): what the task runs.

    Nothing is recorded when the mail server refuses it (the task retries). A reminder already
    recorded, or no longer due (the measure done, dropped or its period moved), is not sent.
    Returns what happened: ``sent``, ``already sent``, ``not due`` or ``no recipients``.
    """
    measure = (
        Measure.objects.select_related("assessment__organisation", "assessment__year", "created_by")
        .filter(pk=measure_id)
        .first()
    )
    if measure is None or _due_kind(measure, today, days_before=10**4) is None:
        return "not due"
    if measure.end_month is None or periods.last_day(measure.end_month) != period_end:
        return "not due"
    if ReminderSent.objects.filter(measure=measure, kind=kind, period_end=period_end).exists():
        return "already sent"  # by another run of the same reminder
    positions = list(
        Position.objects.filter(organisation_id=measure.assessment.organisation_id).select_related(
            "holder"
        )
    )
    to = reminder_recipients(measure, positions)
    if not to:
        return "no recipients"
    subject, body = _reminder_text(measure, kind, period_end, today)
    # A retry after the server took it (the worker stopped before recording) sends nothing
    # and records it now.
    deliver(EmailMessage(subject=subject, body=body, to=to))
    with transaction.atomic():
        ReminderSent.objects.create(
            measure=measure, kind=kind, period_end=period_end, recipients=", ".join(to)
        )
        event_record(
            actor=None,
            action=REMINDER_EVENTS[ReminderSent.Kind(kind)],
            organisation_id=measure.assessment.organisation_id,
            obj=measure,
            comment=", ".join(to),
        )
    return "sent"


def _reminder_text(measure: Measure, kind: str, end: dt.date, today: dt.date) -> tuple[str, str]:
    # Reminders go to Thai officials: written in Thai whatever the server's language.
    with translation.override("th"):
        context = {
            "measure": measure,
            "kind": kind,
            "end": end,
            "days_left": (end - today).days,
            "days_late": (today - end).days,
            "url": absolute(reverse("measures:measure_detail", args=[measure.pk])),
        }
        subject = render_to_string("measures/email/reminder_subject.txt", context).strip()
        body = render_to_string("measures/email/reminder_body.txt", context)
    return " ".join(subject.split()), body
