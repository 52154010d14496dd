"""Sending a message once, as far as SMTP allows (``deliver``), with a log of every attempt.

A message is known by the task that sends it (``ita.lib.tasks.run_key``: every retry of a task
shares it), so the retry of a task finds what its earlier runs did:

- delivered (the server answered 250 to the end of DATA, recorded at once): never sent again;
- refused, or failed before the whole message was written: sent again, nothing to doubt;
- written whole and no answer came (a time-out, a dropped connection, the worker stopped): the
  server may have it. The retry sends it once more, recorded as a resend after an uncertain
  attempt, under the same Message-ID (a mail program shows the two as one); if that answer is
  lost too, nothing more is sent (``EMAIL_UNCERTAIN_RESENDS``) and the task gives up, which is
  logged for the administrators.

The end of DATA is waited for ``EMAIL_DATA_TIMEOUT`` seconds (RFC 5321, 4.5.3.2.6: ten minutes),
the rest of the conversation ``EMAIL_TIMEOUT``: a server that is slow to answer is not sent the
message again while it is still taking it (the audit saw four copies).
"""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
import uuid
from contextlib import suppress
from typing import NotRequired, TypedDict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.utils import timezone

from ita.lib.tasks import GiveUp, run_key
from ita.mail.models import Delivery


class Attempt(TypedDict):
    """One try at sending, as ``Delivery.tries`` keeps it."""

    at: str  # ISO 8601
    outcome: str
    resend_after_uncertain: bool
    error: str
    refused: NotRequired[list[str]]  # the recipients the server refused


logger = logging.getLogger("ita.mail")

SENT = "sent"
ALREADY_SENT = "already sent"
# What became of one attempt.
NOT_SENT = "not sent"
REFUSED = "refused"
UNCERTAIN = "uncertain"
ACCEPTED = "accepted"


def message_id_for(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.ita@{domain}>"


def deliver(message: EmailMessage, *, part: str = "") -> str:
    """Send ``message`` unless this task sent it already; ``part`` tells apart the messages
    one task sends. ``SENT`` or ``ALREADY_SENT``; raises when it was not delivered (the task
    retries), ``GiveUp`` when it may have been delivered twice already."""
    key = (run_key() or uuid.uuid4().hex) + (f":{part}" if part else "")
    delivery, _ = Delivery.objects.get_or_create(
        key=key,
        defaults={
            "message_id": message_id_for(key),
            "subject": message.subject[:300],
            "recipients": ", ".join(message.recipients()),
        },
    )
    if delivery.status == Delivery.Status.SENT:
        return ALREADY_SENT
    if delivery.status == Delivery.Status.SENDING:
        # The last attempt wrote the message and never learnt the answer: the worker stopped.
        _end(delivery, delivery.tries[-1], UNCERTAIN, "the sending stopped before the answer")
    resend = delivery.status == Delivery.Status.UNCERTAIN
    if resend and delivery.copies > settings.EMAIL_UNCERTAIN_RESENDS:
        logger.error(
            "mail not sent again key=%s message_id=%s copies=%d: delivery uncertain",
            key,
            delivery.message_id,
            delivery.copies,
        )
        raise GiveUp(f"{delivery.copies} copies may have been delivered; not sent again")
    message.extra_headers["Message-ID"] = delivery.message_id
    attempt: Attempt = {
        "at": timezone.now().isoformat(timespec="seconds"),
        "outcome": NOT_SENT,
        "resend_after_uncertain": resend,
        "error": "",
    }
    delivery.tries.append(attempt)
    delivery.save(update_fields=["tries"])
    connection = get_connection()
    if isinstance(connection, SmtpBackend):
        _send_smtp(connection, message, delivery, attempt)
    else:
        # Handed over in one call (the console, a file, the test outbox): nothing uncertain.
        connection.send_messages([message])
        delivery.copies += 1
        _end(delivery, attempt, ACCEPTED)
    return SENT


def _end(delivery: Delivery, attempt: Attempt, outcome: str, error: str = "") -> None:
    """Record how an attempt ended, and what the message's state is now."""
    attempt["outcome"] = outcome
    attempt["error"] = error[:300]
    if outcome == ACCEPTED:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
    elif outcome == UNCERTAIN:
        delivery.status = Delivery.Status.UNCERTAIN
        logger.warning(
            "mail delivery uncertain key=%s message_id=%s copies=%d error=%s",
            delivery.key,
            delivery.message_id,
            delivery.copies,
            error,
        )
    elif delivery.status == Delivery.Status.SENDING:
        delivery.copies -= 1  # refused: that copy went nowhere
        delivery.status = Delivery.Status.UNCERTAIN if delivery.copies else Delivery.Status.PENDING
    delivery.save(update_fields=["status", "copies", "tries", "sent_at"])


def _envelope(
    smtp: smtplib.SMTP, sender: str, recipients: list[str], size: int
) -> dict[str, tuple[int, bytes]]:
    """MAIL FROM, RCPT TO for each recipient, then DATA: the server is ready for the message.
    Returns the recipients it refused (not all of them: then nothing can be sent)."""
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={size}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, reply = smtp.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    return refused


def _data(smtp: smtplib.SMTP, data: bytes, timeout: float | None) -> tuple[int, bytes]:
    """The message and the end of DATA, then the server's answer (waited for longer than a
    command's: the server may check the whole message first)."""
    payload = re.sub(rb"(?m)^\.", b"..", data)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    smtp.send(payload + b".\r\n")
    if smtp.sock is not None:
        smtp.sock.settimeout(settings.EMAIL_DATA_TIMEOUT)
    code, reply = smtp.getreply()
    if smtp.sock is not None:
        smtp.sock.settimeout(timeout)
    return code, reply


def _send_smtp(
    backend: SmtpBackend, message: EmailMessage, delivery: Delivery, attempt: Attempt
) -> None:
    """smtplib's ``sendmail``, step by step: the log is written just before the end of DATA
    (from there on the server may have the message) and just after its answer."""
    encoding = message.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    data = message.message().as_bytes(linesep="\r\n")
    written = False
    cut_off = False  # the conversation ended without the server's answer
    try:
        backend.open()
        smtp = backend.connection
        assert smtp is not None
        refused = _envelope(smtp, sender, recipients, len(data))
        delivery.status = Delivery.Status.SENDING
        delivery.copies += 1
        attempt["outcome"] = UNCERTAIN  # until the answer comes
        if refused:
            attempt["refused"] = sorted(refused)
        delivery.save(update_fields=["status", "copies", "tries"])
        written = True
        code, reply = _data(smtp, data, backend.timeout)
        if code != 250:
            _end(delivery, attempt, REFUSED, f"{code} {reply.decode(errors='replace')}")
            raise smtplib.SMTPDataError(code, reply)
        _end(delivery, attempt, ACCEPTED)
    except smtplib.SMTPDataError:
        if written:
            raise  # recorded as refused above
        attempt["error"] = "the server refused the message before it was written"
        delivery.save(update_fields=["tries"])
        raise
    except BaseException as error:  # the worker's stop too: the attempt is recorded first
        cut_off = not isinstance(error, smtplib.SMTPResponseException)
        if delivery.status == Delivery.Status.SENDING:
            _end(delivery, attempt, UNCERTAIN, f"{type(error).__name__}: {error}")
        else:
            attempt["error"] = f"{type(error).__name__}: {error}"[:300]
            delivery.save(update_fields=["tries"])
        raise
    finally:
        if cut_off and backend.connection is not None:
            # No QUIT: the server may still be busy with DATA, and QUIT would wait for its
            # answer up to EMAIL_DATA_TIMEOUT (a stopping worker hung that long).
            with suppress(Exception):
                backend.connection.close()
            backend.connection = None
        with suppress(Exception):
            backend.close()
