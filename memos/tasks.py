"""The memos' background tasks (``ita.lib.tasks``), retried with back-off until they succeed:
e-mail notices, and the decided memo's document of record (``memos.archive.memo_archive``:
rendered, signed, stored; it does nothing when the archive is already there, as a task may run
twice). Each is enqueued by the service, inside its transaction, with ``enqueue_on_commit``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.utils.translation import gettext_lazy as _

from ita.lib.tasks import retrying_task
from ita.mail.delivery import deliver
from memos import archive


@retrying_task(label=_("Memo notice by e-mail"))
def memo_notice_send(user_ids: list[int], subject: str, body: str) -> int:
    """E-mail a notice to these users (the active ones with an address); how many received it.

    One message to all of them: a failure sends to none and the retry sends to all, once
    (``ita.mail.delivery.deliver``: a retry after the server took it sends nothing).
    """
    emails = list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if not emails:
        return 0
    # A header cannot hold a line break, whatever was pasted into the subject.
    deliver(EmailMessage(subject=" ".join(subject.split()), body=body, to=emails))
    return len(emails)


@retrying_task(label=_("Archival PDF of a decided memo"))
def memo_archive_task(memo_id: int) -> bool:
    """Render, sign and store the decided memo; whether it is stored (False: not decided)."""
    return archive.memo_archive(memo_id) is not None
