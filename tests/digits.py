"""The lines of a rendered page that mix Thai and Arabic digits (docs/development.md: one digit
style per line on screen).

A line is the text of one block of the page (a paragraph, a list item, a heading, a table's row,
an option, …) without the blocks inside it. Digits written together with Latin letters belong to
an identifier (O17, COVID-19, an address, a hash), which keeps its Arabic digits on the paper
too (``ita.lib.thai.thai_digits``): they are not counted.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

THAI = re.compile("[๐-๙]")
ARABIC = re.compile("[0-9]")
# As ita.lib.thai: a run of Latin letters, digits and the signs of addresses; with a letter in it,
# it is an identifier.
LATIN_RUN = re.compile(r"[A-Za-z0-9._\-/:@?=&%+#~]+")
LATIN_LETTER = re.compile(r"[A-Za-z]")

BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "optgroup",
        "option",
        "p",
        "pre",
        "section",
        "select",
        "summary",
        "table",
        "tbody",
        "textarea",
        "tfoot",
        "thead",
        "tr",
        "ul",
    ]
)
BREAKS = frozenset({"br", "hr"})
HIDDEN = frozenset({"head", "script", "style", "template", "noscript"})


def _numbers(text: str) -> str:
    """The text without its identifiers (runs holding a Latin letter)."""
    return LATIN_RUN.sub(lambda m: "" if LATIN_LETTER.search(m.group(0)) else m.group(0), text)


def mixes(text: str) -> bool:
    rest = _numbers(text)
    return bool(THAI.search(rest) and ARABIC.search(rest))


class _Lines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[str]] = [[]]
        self.hidden = 0
        self.lines: list[str] = []

    def _emit(self) -> None:
        text = " ".join("".join(self.stack[-1]).split())
        if text:
            self.lines.append(text)
        self.stack[-1] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BREAKS:
            self._emit()
        elif tag in BLOCKS:
            self._emit()  # the text before the block is a line of its own
            self.stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS and len(self.stack) > 1:
            self._emit()
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.stack[-1].append(data)

    def close(self) -> None:
        super().close()
        while self.stack:
            self._emit()
            self.stack.pop()


def lines(html: str) -> list[str]:
    parser = _Lines()
    parser.feed(html)
    parser.close()
    return parser.lines


def mixed_lines(html: str) -> list[str]:
    """Each line of ``html`` (as text) that holds both Thai and Arabic digits."""
    return [line for line in lines(html) if mixes(line)]
