"""A memo's PDF for a download: served at once when it is ready, otherwise made in a fair queue.

- Ready (a decided memo's stored file, or the cached render of this version): served at once,
  whatever else is rendering. A stored PDF is never refused.
- Not ready, nobody waiting and one of the machine's ``PDF_RENDER_SLOTS`` free this instant:
  rendered in the request (a quiet site renders on the spot).
- Otherwise the render is queued for the task worker (``memos.tasks.memo_pdf_prepare``), once
  per version whoever asks, first come first served; the browser gets ``202`` with the place in
  the queue, an estimate of the wait (the renders' recent average × the renders ahead) and
  ``Retry-After``, and the page asks again by itself until the PDF is ready. A person has at
  most ``PDF_QUEUE_PER_PERSON`` renders queued: more wait until theirs are made, so that one
  person's twenty downloads never hold up everyone else's one.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from ita.lib import slots, tasks
from memos import archive
from memos.models import Memo

# The renders' recent average (seconds), for the estimate: kept in the shared cache.
AVERAGE_KEY = "memo-pdf:render-seconds"
FIRST_GUESS_SECONDS = 3.0


@dataclass(frozen=True)
class Ready:
    pdf: bytes


@dataclass(frozen=True)
class Queued:
    place: int  # 1: rendering next (or now)
    seconds: int  # the estimated wait
    held_back: bool  # the person's earlier renders come first


def average_seconds() -> float:
    value = cache.get(AVERAGE_KEY)
    return float(value) if isinstance(value, (int, float)) else FIRST_GUESS_SECONDS


def _note_duration(seconds: float) -> None:
    cache.set(AVERAGE_KEY, round(0.7 * average_seconds() + 0.3 * seconds, 3), None)


def render_now(memo: Memo) -> bytes:
    """Render (timed, for the estimates) and keep the memo's PDF."""
    start = time.monotonic()
    pdf = archive.make_pdf(memo)
    _note_duration(time.monotonic() - start)
    return pdf


def _waiting() -> list[dict]:
    """The queued renders, oldest first (a few rows: one per version asked for)."""
    return tasks.waiting_kwargs(memo_pdf_prepare)


def request_pdf(memo: Memo, user_id: int) -> Ready | Queued:
    """The memo's PDF for ``user_id``: ready now, or its place in the queue."""
    pdf = archive.ready_pdf(memo)
    if pdf is not None:
        return Ready(pdf)
    key = archive.document_key(memo)
    waiting = _waiting()
    if not waiting:
        try:
            with slots.slot(settings.RENDER_LOCK_DIR, settings.PDF_RENDER_SLOTS, wait=0):
                return Ready(render_now(memo))
        except slots.Busy:
            pass
    keys = [w.get("key") for w in waiting]
    held_back = False
    if key not in keys:
        mine = sum(1 for w in waiting if w.get("user_id") == user_id)
        if mine >= settings.PDF_QUEUE_PER_PERSON:
            held_back = True
        else:
            memo_pdf_prepare.enqueue(memo_id=memo.pk, key=key, user_id=user_id)
            pdf = archive.ready_pdf(memo)  # made already by a backend that runs at once
            if pdf is not None:
                return Ready(pdf)
            keys.append(key)
    place = keys.index(key) + 1 if key in keys else len(keys) + 1
    seconds = max(1, math.ceil(place * average_seconds()))
    return Queued(place=place, seconds=seconds, held_back=held_back)


@tasks.retrying_task(label=_("PDF of a memo for a download"))
def memo_pdf_prepare(memo_id: int, key: str, user_id: int) -> bool:
    """The worker's side: render the memo if this version is still wanted and not made yet
    (whether it rendered). One render at a time per slot of the machine, as the requests'.
    ``user_id``: who asked (``request_pdf`` counts a person's queued renders by it)."""
    memo = Memo.objects.select_related("organisation", "report_year").filter(pk=memo_id).first()
    if memo is None or archive.ready_pdf(memo) is not None:
        return False
    if memo.state != Memo.State.DECIDED and archive.document_key(memo) != key:
        return False  # changed since: the next download asks for the new version
    with slots.slot(settings.RENDER_LOCK_DIR, settings.PDF_RENDER_SLOTS, wait=600):
        render_now(memo)
    return True
