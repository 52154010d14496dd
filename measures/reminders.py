"""Reminders by e-mail of measures whose period ends soon or has ended (run daily)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.thai import name_key
from ita.lib.urls import absolute
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


def _send(subject: str, body: str, to: list[str]) -> None:
    EmailMessage(subject=subject, body=body, to=to).send()


@transaction.atomic
def reminders_send(*, today: dt.date, days_before: int, actor: Actor = None) -> list[ReminderSent]:
    """E-mail the reminders due on ``today``: a period ending within ``days_before`` days, and a
    period past its end. Each kind is sent once per measure and period (recorded)."""
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
    sent: list[ReminderSent] = []
    for m in candidates:
        assert m.end_month is not None  # end_month__isnull=False above
        end = periods.last_day(m.end_month)
        if today > end:
            kind = ReminderSent.Kind.OVERDUE
        elif (end - today).days <= days_before:
            kind = ReminderSent.Kind.DUE_SOON
        else:
            continue
        if any(r.kind == kind and r.period_end == end for r in m.reminders.all()):
            continue
        to = reminder_recipients(m, positions.get(m.assessment.organisation_id, []))
        if not to:
            continue
        record = ReminderSent.objects.create(
            measure=m, kind=kind, period_end=end, recipients=", ".join(to)
        )
        subject, body = _reminder_text(m, kind, end, today)
        transaction.on_commit(partial(_send, subject, body, to))
        event_record(
            actor=actor,
            action=REMINDER_EVENTS[kind],
            organisation_id=m.assessment.organisation_id,
            obj=m,
            comment=", ".join(to),
        )
        sent.append(record)
    return sent


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
