"""A few slots for heavy work, shared by every process on a machine: lock files in a folder.

``with slot(folder, 2, wait=0.5): ...`` runs when one of two slots is free within half a second
and raises ``Busy`` otherwise. The operating system releases a slot when its process ends, even
killed: nothing is left held.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.05


class Busy(Exception):
    """Every slot is taken."""


def _take(folder: Path, slots: int) -> int | None:
    for number in range(slots):
        fd = os.open(folder / f"slot-{number}", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    return None


@contextmanager
def slot(folder: Path, slots: int, *, wait: float) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    fd = _take(folder, slots)
    while fd is None:
        if time.monotonic() >= deadline:
            raise Busy
        time.sleep(POLL_SECONDS)
        fd = _take(folder, slots)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
