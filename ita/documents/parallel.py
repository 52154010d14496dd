"""Many plain PDFs rendered side by side in child processes (a long register's parts).

WeasyPrint lays out in Python on one core: a register of 10,000 numbers is minutes of one core's
work. ``render_plain_many`` hands each part's HTML to ``processes`` child processes
(``python -m ita.documents.parallel``, each rendering one part at a time) and gives the PDFs back
in the order asked: the memory held is a part's per process whatever the number of parts. A
child imports only the settings and the engine (not the caller's program, nor Django's apps):
it reads no database, only the HTML it is sent through its standard input, and writes the PDF
to its standard output.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from typing import IO

from django.conf import settings

from ita.documents import engine

_LENGTH = struct.Struct(">Q")


class RenderFailed(RuntimeError):
    """A child process could not render a part (its traceback is the message)."""


def render_plain(html: str) -> bytes:
    """A plain PDF (no archival variant) of ``html``, its text layer fixed."""
    return engine.render_document(html, variant=None).pdf


def _send(stream: IO[bytes], kind: bytes, data: bytes) -> None:
    stream.write(kind + _LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> tuple[bytes, bytes]:
    head = stream.read(1 + _LENGTH.size)
    if len(head) < 1 + _LENGTH.size:
        raise EOFError
    (size,) = _LENGTH.unpack(head[1:])
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return head[:1], data


class _Child:
    """One render process, with at most one part in hand."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ita.documents.parallel"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(settings.BASE_DIR),
        )
        self.slot: list[bytes | None] | None = None  # the part in hand's place in the order

    def give(self, html: str, slot: list[bytes | None]) -> None:
        assert self.process.stdin is not None
        _send(self.process.stdin, b"H", html.encode())
        self.slot = slot

    def take(self) -> None:
        """Wait for the part in hand and put its PDF in its place."""
        if self.slot is None:
            return
        assert self.process.stdout is not None
        try:
            kind, data = _receive(self.process.stdout)
        except EOFError:
            raise RenderFailed(f"the render process ended ({self.process.wait()})") from None
        if kind != b"P":
            raise RenderFailed(data.decode(errors="replace"))
        self.slot[0] = data
        self.slot = None

    def close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def render_plain_many(items: Iterable[str | bytes], processes: int) -> Iterator[bytes]:
    """The PDF of each item, in order: a ``str`` is HTML to render, ``bytes`` a PDF made before
    (a part kept in the cache), passed through in its place. ``processes`` > 1 renders the
    HTML side by side in that many child processes."""
    if processes <= 1:
        for item in items:
            yield item if isinstance(item, bytes) else render_plain(item)
        return
    children: list[_Child] = []
    order: deque[list[bytes | None]] = deque()
    turn = 0
    try:
        for item in items:
            if isinstance(item, bytes):
                order.append([item])
            else:
                if len(children) < processes:
                    children.append(_Child())
                child = children[turn % len(children)]
                turn += 1
                child.take()  # one part in hand per child
                slot: list[bytes | None] = [None]
                child.give(item, slot)
                order.append(slot)
            while order and order[0][0] is not None:
                yield order.popleft()[0]  # type: ignore[misc]
        for child in children:
            child.take()
        while order:
            yield order.popleft()[0]  # type: ignore[misc]
    finally:
        for child in children:
            child.close()


def _serve() -> None:
    """A child: render each HTML read from standard input; standard output carries only the
    answers (anything printed goes to standard error)."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    questions = sys.stdin.buffer
    while True:
        try:
            _kind, html = _receive(questions)
        except EOFError:
            return
        try:
            _send(answers, b"P", render_plain(html.decode()))
        except Exception:
            _send(answers, b"E", traceback.format_exc().encode())


if __name__ == "__main__":
    _serve()
