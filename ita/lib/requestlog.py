"""Structured logs: one line per request (``ita.request``) and the formatter for every line.

A line is ``key=value`` pairs (values with spaces or quotes quoted), or a JSON object with
``LOG_FORMAT=json``. Loggers give their fields as ``extra={"fields": {...}}``; other libraries'
lines come out with their message only.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

request_logger = logging.getLogger("ita.request")


def _value(value: object) -> str:
    text = str(value)
    if text == "" or any(c in text for c in ' "=\n\t'):
        return json.dumps(text, ensure_ascii=False)
    return text


class StructuredFormatter(logging.Formatter):
    def __init__(self, *args: Any, json: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_json = json

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        if self.as_json:
            return json.dumps(fields, ensure_ascii=False, default=str)
        return " ".join(f"{key}={_value(value)}" for key, value in fields.items())


def _user_id(request: HttpRequest) -> int | str:
    """The user's id, without a query of its own: only when the request already read it."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return "-"
    return user.pk if user.is_authenticated else "-"


class RequestLogMiddleware:
    """One line per request: method, path, status, duration in ms, user id. First in the list,
    so the time covers every other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user": _user_id(request),
        }
        # Errors themselves reach ADMINS through django.request; this line only counts them.
        level = logging.WARNING if response.status_code >= 500 else logging.INFO
        request_logger.log(level, "request", extra={"fields": fields})
        return response
