"""The official documents: context dataclasses → HTML (Django templates) → PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from ita.documents.data import MemoDoc, RegisterDoc, ReportDoc
from ita.documents.engine import Resource, render

# Official documents are Thai whatever the reader's interface language.
DOCUMENT_LANGUAGE = "th"


def _resources(memo: MemoDoc | None) -> dict[str, Resource]:
    if memo is not None and memo.emblem is not None:
        return {"emblem": Resource(memo.emblem.data, memo.emblem.mime_type)}
    return {}


def memo_html(memo: MemoDoc, report: ReportDoc | None = None, *, report_part: str = "") -> str:
    """``report_part``: a report already rendered by ``report_part_html`` (a frozen copy)."""
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "pdf/memo.html",
            {"memo": memo, "report": report, "report_part": mark_safe(report_part)},  # noqa: S308
        )


def report_part_html(report: ReportDoc) -> str:
    """The report as the part of a memo's document that follows the memo (to freeze it)."""
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("pdf/_report.html", {"report": report})


def report_html(report: ReportDoc) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("pdf/report.html", {"report": report})


def memo_pdf(memo: MemoDoc, report: ReportDoc | None = None, *, report_part: str = "") -> bytes:
    """The memo with its comment blocks, followed by the attached report when given."""
    return render(memo_html(memo, report, report_part=report_part), resources=_resources(memo))


def report_pdf(report: ReportDoc) -> bytes:
    return render(report_html(report))


def register_html(register: RegisterDoc) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("pdf/register.html", {"register": register})


def register_pdf(register: RegisterDoc) -> bytes:
    """The outgoing register of a fiscal year (ทะเบียนหนังสือส่ง), A4 landscape."""
    return render(register_html(register))
