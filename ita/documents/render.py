"""The official documents: context dataclasses → HTML (Django templates) → PDF."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ita.documents import table_pdf
from ita.documents.data import ImplementationDoc, MemoDoc, RegisterDoc, ReportDoc
from ita.documents.engine import Resource, render

# Official documents are Thai whatever the reader's interface language.
DOCUMENT_LANGUAGE = "th"


class CatalogueMissing(RuntimeError):
    """The Thai catalogue is not compiled: the document would print its labels in English."""

    def __init__(self) -> None:
        super().__init__(
            "The Thai translation catalogue is not compiled (locale/th/LC_MESSAGES/django.mo): "
            "an official document never prints English labels. Run "
            "`python manage.py compilemessages --ignore=.venv` (make install does). "
            "ยังไม่ได้คอมไพล์คำแปลภาษาไทย เอกสารราชการจึงยังพิมพ์ไม่ได้ "
            "ให้ผู้ดูแลระบบสั่ง python manage.py compilemessages"
        )


def _render(template: str, context: dict) -> str:
    """The template in Thai; refused when the Thai catalogue is not there to print it."""
    with translation.override(DOCUMENT_LANGUAGE):
        if gettext("Internal memo") == "Internal memo":
            raise CatalogueMissing
        return render_to_string(template, context)


def _resources(memo: MemoDoc | None) -> dict[str, Resource]:
    if memo is not None and memo.emblem is not None:
        return {"emblem": Resource(memo.emblem.data, memo.emblem.mime_type)}
    return {}


def memo_html(memo: MemoDoc, report: ReportDoc | None = None, *, report_part: str = "") -> str:
    """``report_part``: a report already rendered by ``report_part_html`` (a frozen copy)."""
    return _render(
        "pdf/memo.html",
        {"memo": memo, "report": report, "report_part": mark_safe(report_part)},
    )


def report_part_html(report: ReportDoc) -> str:
    """The report as the part of a memo's document that follows the memo (to freeze it)."""
    return _render("pdf/_report.html", {"report": report})


def implementation_part_html(report: ImplementationDoc) -> str:
    """What was done about the measures, as the part of a memo's document after the memo."""
    return _render("pdf/_implementation.html", {"report": report})


def report_html(report: ReportDoc) -> str:
    return _render("pdf/report.html", {"report": report})


def memo_pdf(memo: MemoDoc, report: ReportDoc | None = None, *, report_part: str = "") -> bytes:
    """The memo with its comment blocks, followed by the attached report when given."""
    return render(memo_html(memo, report, report_part=report_part), resources=_resources(memo))


def register_pdf(register: RegisterDoc) -> bytes:
    """The outgoing register of a fiscal year (ทะเบียนหนังสือส่ง), A4 landscape: a plain PDF (a
    working list, not a document of record), drawn by ``table_pdf`` (the register files build it
    straight into a file, ``memos.register_files``)."""
    out = io.BytesIO()
    table_pdf.write_register(
        out,
        organisation=register.organisation,
        year=register.year,
        names=register.names,
        rows=register.rows,
    )
    return out.getvalue()
