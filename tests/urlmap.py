"""Every route of the URL map, with its parameters filled from given values: the walks over
"every page" (privacy, accessibility) find the pages other parts add without being told."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(
    patterns: Iterable[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    """Every route as written ("organisations/<int:pk>/"), regular-expression routes left out
    (only the admin's catch-alls are written so)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        text = str(p.pattern)
        if text.startswith("^") or text.endswith("$"):
            continue
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, prefix + text)
        else:
            yield prefix + text


def paths(route: str, values: dict[str, list[str]], default: list[str]) -> list[str]:
    """The route with each parameter replaced by each of its values (by parameter name, else
    ``default``), every combination."""
    names = [m.group(2) for m in PARAMETER.finditer(route)]
    options = [values.get(name, default) for name in names]
    out = []
    for combination in itertools.product(*options):
        parts = PARAMETER.split(route)  # text, converter, name, text, converter, name, …
        texts = parts[::3]
        filled = "".join(t + str(v) for t, v in zip(texts, combination, strict=False))
        out.append("/" + filled + texts[-1] if combination else "/" + route)
    return out


def all_paths(
    values: dict[str, list[str]], default: list[str], skip: tuple[str, ...] = ("admin/",)
) -> list[str]:
    found: list[str] = []
    for route in routes():
        if route.startswith(skip):
            continue
        for path in paths(route, values, default):
            if path not in found:
                found.append(path)
    return found
