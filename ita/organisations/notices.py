"""News for an organisation's members, in the app (their desk) and by e-mail.

``members_notify`` writes one ``Notice`` per member (once per recipient and key: telling twice
changes nothing) with its history row, and queues one e-mail per organisation once the
transaction commits (``notice_mail_send``, retried by the worker while the mail server fails).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.tasks import enqueue_on_commit, retrying_task
from ita.organisations.models import Notice, Position


@dataclass(frozen=True)
class News:
    """What one organisation's members are told."""

    organisation_id: int
    subject: str
    body: str
    url: str


@retrying_task(label=_("Notice by e-mail"))
def notice_mail_send(user_ids: list[int], subject: str, body: str) -> int:
    """E-mail a notice to these users (the active ones with an address); how many received it."""
    emails = list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if not emails:
        return 0
    send_mail(" ".join(subject.split()), body, None, emails, fail_silently=False)
    return len(emails)


@transaction.atomic
def members_notify(*, kind: str, key: str, news: list[News], actor: Actor, event: EventKind) -> int:
    """Tell each organisation's members their news (in the app and by e-mail), each member once
    per ``kind`` and ``key``; returns how many notices were written."""
    holders: dict[int, set[int]] = {}
    for org_id, user_id in Position.objects.filter(
        organisation_id__in=[n.organisation_id for n in news], holder__isnull=False
    ).values_list("organisation_id", "holder_id"):
        holders.setdefault(org_id, set()).add(user_id)
    told = set(
        Notice.objects.filter(kind=kind, key=key, organisation_id__in=list(holders)).values_list(
            "organisation_id", "recipient_id"
        )
    )
    written = 0
    for item in news:
        users = sorted(
            u
            for u in holders.get(item.organisation_id, ())
            if (item.organisation_id, u) not in told
        )
        if not users:
            continue
        Notice.objects.bulk_create(
            Notice(
                recipient_id=user,
                organisation_id=item.organisation_id,
                kind=kind,
                key=key,
                subject=item.subject,
                body=item.body,
                url=item.url,
            )
            for user in users
        )
        written += len(users)
        event_record(
            actor=actor,
            action=event,
            organisation_id=item.organisation_id,
            object_type="organisations.organisation",
            object_id=str(item.organisation_id),
            data={"key": key, "recipients": users},
        )
        enqueue_on_commit(notice_mail_send, users, item.subject, f"{item.body}\n\n{item.url}")
    return written


@transaction.atomic(durable=True)
def notice_mark_read(*, notice: Notice, actor: Actor) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        event_record(
            actor=actor,
            action=EventKind.NOTICE_READ,
            organisation_id=notice.organisation_id,
            obj=notice,
        )
    return notice
