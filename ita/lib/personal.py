"""The personal parts of a shared page: the navigation (a member's links, counts, name, tokens)
and any block that shows the member their own things.

A page's template writes each such part with ``{% personal "template.html" %}``: the part is
rendered from its own template and marked in the page. A visitor's page is cached and shared
with the parts as a visitor sees them (``ita.history.published``); a member gets the same cached
page with each marked part rendered again for them, so a member's page of public data costs the
cached page plus what is theirs. A marker can only come from a template: anything a user typed is
escaped, and ``<!--`` never survives escaping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

START = "<!--personal:{name}-->"
END = "<!--/personal-->"
# A part's template name, as written in the marker (the same characters as a template path).
PARTS = re.compile(rb"<!--personal:([A-Za-z0-9_./-]+)-->.*?<!--/personal-->", re.DOTALL)


def mark(name: str, html: str) -> str:
    return START.format(name=name) + html + END


def split(content: bytes) -> Iterator[tuple[int, int, str]]:
    """Each marked part of ``content``: (start, end, template name), in order."""
    for found in PARTS.finditer(content):
        yield found.start(), found.end(), found.group(1).decode()
