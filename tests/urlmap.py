"""Every route of the URL map, with its parameters filled from given values: the walks over
"every page" (privacy, accessibility) find the pages other parts add without being told."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")

# The model whose rows a route's parameter names: by the parameter's own name, or, for ``pk``,
# by the part of the route before it ("memos/<int:pk>/" a memo, "memos/organisations/<int:pk>/"
# an organisation).
MODEL_OF_PARAMETER = {
    "org_id": "organisations.Organisation",
    "invitation_id": "accounts.Invitation",
    "user_id": settings.AUTH_USER_MODEL,
    "position_id": "organisations.Position",
    "appointment_id": "organisations.ActingAppointment",
    "attachment_id": "memos.Attachment",
    "row_id": "imports.ImportRow",
}
MODEL_OF_PK = {
    "organisations": "organisations.Organisation",
    "memos": "memos.Memo",
    "notices": "organisations.Notice",
    "measures": "measures.Measure",
    "findings": "measures.Finding",
    "evidence": "measures.Evidence",
    "imports": "imports.ImportBatch",
    "invitation": "accounts.Invitation",
}
_NAMED = re.compile(r"([\w-]+)/<(?:\w+:)?(\w+)>")


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


def model_of(route: str, name: str) -> type[Model] | None:
    """The model the route's parameter ``name`` names, if known (else None)."""
    label = MODEL_OF_PARAMETER.get(name)
    if name == "pk":
        label = next(
            (MODEL_OF_PK.get(before) for before, n in _NAMED.findall(route) if n == name), None
        )
    return apps.get_model(label) if label else None


def typed_paths(
    route: str,
    values: dict[str, list[str]],
    ids: Callable[[type[Model]], list[str]],
    default: list[str],
) -> list[str]:
    """``paths`` with each parameter that names a known model (``model_of``) filled with
    ``ids(model)`` (unless ``values`` names it): no memo's id on an organisation's page. A
    parameter of an unknown kind takes ``default`` (the ids of every kind), so a route added
    later is walked all the same."""
    typed = dict(values)
    for match in PARAMETER.finditer(route):
        name = match.group(2)
        model = model_of(route, name)
        if name not in values and model is not None:
            typed[name] = ids(model)
    return paths(route, typed, default)


def all_paths(
    values: dict[str, list[str]],
    default: list[str],
    skip: tuple[str, ...] = ("admin/",),
    ids: Callable[[type[Model]], list[str]] | None = None,
) -> list[str]:
    """Every route's ``paths`` (``typed_paths`` with ``ids``), each path once."""
    found: dict[str, None] = {}
    for route in routes():
        if route.startswith(skip):
            continue
        filled = (
            paths(route, values, default)
            if ids is None
            else typed_paths(route, values, ids, default)
        )
        found.update(dict.fromkeys(filled))
    return list(found)
