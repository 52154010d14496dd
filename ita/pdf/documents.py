"""The official documents: context dataclasses → HTML (Django templates) → PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from ita.pdf.context import MemoDoc, ReportDoc
from ita.pdf.engine import Resource, render

# Official documents are Thai whatever the reader's interface language.
DOCUMENT_LANGUAGE = "th"


def _resources(memo: MemoDoc | None) -> dict[str, Resource]:
    if memo is not None and memo.emblem is not None:
        return {"emblem": Resource(memo.emblem.data, memo.emblem.mime_type)}
    return {}


def memo_html(memo: MemoDoc, report: ReportDoc | None = None) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("pdf/memo.html", {"memo": memo, "report": report})


def report_html(report: ReportDoc) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("pdf/report.html", {"report": report})


def memo_pdf(memo: MemoDoc, report: ReportDoc | None = None) -> bytes:
    """The memo with its comment blocks, followed by the attached report when given."""
    return render(memo_html(memo, report), resources=_resources(memo))


def report_pdf(report: ReportDoc) -> bytes:
    return render(report_html(report))
