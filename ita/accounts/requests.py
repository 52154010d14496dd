"""Mail a person asks for without being logged in: a password reset, an unlock link.

The same for a known and an unknown address or name: the request records what was asked and
queues the task with what was typed; only the task, in the worker, looks for the account (the
answer and the time it takes tell nothing). Requests are held back per client address
(``ACCOUNT_MAIL_ADDRESS_LIMIT`` an hour: the page says so) and per account typed
(``ACCOUNT_MAIL_ACCOUNT_LIMIT`` an hour: the answer is the same, and nothing is sent).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from ita.accounts import limits, tasks
from ita.accounts.addresses import client_ip
from ita.accounts.models import Attempt
from ita.accounts.services import account_event, seen
from ita.history import payloads
from ita.history.models import EventKind
from ita.lib.tasks import enqueue_on_commit
from ita.lib.urls import site_url

HOUR = 60


class TooManyRequests(Exception):
    """This client address asked too often: try again later."""


def _count_and_hold(kind: str, account: str, request: HttpRequest) -> bool:
    """Record the request; True when the account typed was asked for too often (nothing is
    sent); raises ``TooManyRequests`` when the client address was."""
    address = client_ip(request)
    if limits.count(kind, HOUR, address=address) >= settings.ACCOUNT_MAIL_ADDRESS_LIMIT:
        raise TooManyRequests
    limits.record(kind, account=account, address=address)
    return limits.count(kind, HOUR, account=account) > settings.ACCOUNT_MAIL_ACCOUNT_LIMIT


@transaction.atomic(durable=True)
def password_reset_request(*, email: str, request: HttpRequest) -> None:
    """Queue the reset mail for ``email`` (every active account with that address gets a link)."""
    email = email.strip().lower()
    held = _count_and_hold(Attempt.Kind.RESET, email, request)
    account_event(
        action=EventKind.PASSWORD_RESET_REQUEST,
        user=None,
        data=payloads.Held(**seen(request), held=held),
    )
    if not held:
        enqueue_on_commit(tasks.password_reset_send, email, site_url())


@transaction.atomic(durable=True)
def unlock_request(*, username: str, request: HttpRequest) -> None:
    """Queue the mail with a link that lets this (or any) browser log in to ``username``
    despite the lockout (``ita.accounts.lockout``)."""
    username = username.strip()[:150]
    held = _count_and_hold(Attempt.Kind.UNLOCK, username, request)
    account_event(
        action=EventKind.LOGIN_UNLOCK_REQUEST,
        user=None,
        data=payloads.Held(**seen(request), held=held),
        username=username,
    )
    if not held:
        enqueue_on_commit(tasks.unlock_link_send, username, site_url())
