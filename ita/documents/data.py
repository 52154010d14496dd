"""What the official documents print, as plain data: the templates read these and nothing else.

Each app builds its own document from its records: ``memos.documents`` the memo (``MemoDoc``),
``measures.documents`` the ITA report (``ReportDoc``) with its measures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ita.lib import thai

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")


def paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs of a typed text (a memo's body, a comment): split at blank lines, or at every
    line when there are none; the lines of a paragraph are joined with a space.

    The one rule: the memo page (``Memo.paragraphs``) and the PDF (``MemoDoc.body_paragraphs``)
    both split with it, so the page shows the memo as it prints.
    """
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ()
    parts = _PARAGRAPH_BREAK.split(text) if _PARAGRAPH_BREAK.search(text) else text.split("\n")
    return tuple(" ".join(p.split()) for p in parts if p.strip())


@dataclass(frozen=True)
class Emblem:
    """The organisation's Garuda emblem, already validated (PNG or sanitised SVG)."""

    data: bytes
    mime_type: str


@dataclass(frozen=True)
class SignBlock:
    """One signature: the author's, or an executive's comment and signature.

    ``signed_on`` is None while the step is pending: the block prints empty lines to fill in by
    hand, with the signer's name and position already there when known.
    """

    position: str
    name: str = ""
    heading: str = ""  # after "ความเห็น"; empty for the author
    acting: str = ""  # e.g. รักษาราชการแทนปลัดองค์การบริหารส่วนตำบลสุโสะ
    decision: str = ""  # printed before the comment: ทราบ, อนุมัติ, ส่งคืนเพื่อแก้ไข …
    comment: str = ""
    signed_on: dt.date | None = None

    @property
    def pending(self) -> bool:
        return self.signed_on is None

    @property
    def comment_paragraphs(self) -> tuple[str, ...]:
        return paragraphs(self.comment)


@dataclass(frozen=True)
class MemoDoc:
    """An internal memo (บันทึกข้อความ) as the correspondence regulation lays it out."""

    unit: str  # ส่วนราชการ, with the phone number
    number: str  # ที่: letter code / register number, e.g. ตง ๗๘๒๐๑/๑๒๓
    date: dt.date | None
    subject: str
    addressee: str  # เรียน
    body: str
    author: SignBlock
    steps: tuple[SignBlock, ...] = ()
    emblem: Emblem | None = None
    # Set when the author withdrew the memo: the first page says so, with the date, so a
    # printed copy of a withdrawn memo (it keeps its number) cannot pass for a live one.
    withdrawn_on: dt.date | None = None
    # ชั้นความเร็ว: ด่วนที่สุด, ด่วนมาก, ด่วน, or "" — red, at least 32 pt, at the top of the page
    # as the correspondence regulation marks it.
    urgency: str = ""
    # The code printed at the foot of every page, and where to check it (``/verify/``).
    verify_code: str = ""
    verify_url: str = ""
    # The record no longer matches what its signers signed (their content hashes): every page
    # says so, and the signatures still print.
    changed_after_signing: bool = False
    organisation: str = ""  # the PDF's author in its metadata
    # สิ่งที่ส่งมาด้วย: the attached report and every attached file, in that order.
    enclosures: tuple[str, ...] = ()
    draft: bool = False  # a draft warns of what the sent memo must have (the Garuda)
    # Names printed on one line wherever they appear (the organisation's, the signers'): Thai
    # line breaking does not know them and would break them inside (สุ/โสะ).
    names: tuple[str, ...] = ()

    @property
    def body_paragraphs(self) -> tuple[str, ...]:
        return paragraphs(self.body)

    @property
    def modified(self) -> dt.date | None:
        """The last day something was signed on it (the metadata's modification date)."""
        days = [b.signed_on for b in (self.author, *self.steps) if b.signed_on is not None]
        return max(days, default=self.date)


@dataclass(frozen=True)
class IndicatorRow:
    number: int
    name: str
    score: Decimal | None


@dataclass(frozen=True)
class ToolSection:
    tool: str
    title: str
    indicators: tuple[IndicatorRow, ...]
    score: Decimal | None
    findings: tuple[str, ...]


@dataclass(frozen=True)
class MeasureRow:
    """A remediation measure as the report prints it (the measures app builds these)."""

    title: str
    steps: tuple[str, ...]
    responsible: str
    starts: dt.date | None
    ends: dt.date | None
    follow_up: str
    lead: str = ""  # printed before the numbered steps, e.g. ปรับปรุงเว็บไซต์ ดังนี้
    table: int = 1  # a report may print its measures in several tables; numbering restarts

    @property
    def period_parts(self) -> tuple[str, ...]:
        """("ม.ค.๖๕", "มี.ค.๖๕"): the first and last month (one when they are the same)."""
        months = [thai.month_short_th(d) for d in (self.starts, self.ends) if d is not None]
        return tuple(dict.fromkeys(months))

    @property
    def period(self) -> str:
        """ม.ค.๖๕ – มี.ค.๖๕."""
        return " – ".join(self.period_parts)


@dataclass(frozen=True)
class AnnexRow:
    number: int | None
    name: str
    district: str
    total: Decimal | None
    level: str
    change: Decimal | None
    passed: bool | None
    highlighted: bool
    # Where the level and pass/fail came from: "published" (the NACC's table), "computed" (the
    # year's confirmed method) or "" (none: only the score). Printed beside them.
    level_source: str = ""
    passed_source: str = ""


@dataclass(frozen=True)
class ReportDoc:
    """The organisation's ITA report for a year, with the province's table as its annex."""

    organisation: str
    year: int
    province: str
    region: int | None
    author_name: str
    author_position: str
    total: Decimal | None
    level: str
    passed: bool | None
    pass_mark: Decimal
    tools: tuple[ToolSection, ...]
    measures: tuple[MeasureRow, ...] = ()
    annex: tuple[AnnexRow, ...] = field(default=())
    level_source: str = ""  # as AnnexRow's
    passed_source: str = ""
    # A year whose method no administrator has confirmed (2561: the NACC published scores only)
    # has no pass mark to print: the report says so instead of printing the stored default.
    method_confirmed: bool = True

    @property
    def any_computed(self) -> bool:
        """A level or pass/fail the NACC did not publish is printed (marked), here or in the annex."""
        rows: tuple[ReportDoc | AnnexRow, ...] = (self, *self.annex)
        return any("computed" in (r.level_source, r.passed_source) for r in rows)

    @property
    def any_absent(self) -> bool:
        """A score is printed without the level or pass/fail it has none of."""
        rows: tuple[ReportDoc | AnnexRow, ...] = (self, *self.annex)
        return any(r.total is not None and (not r.level or r.passed is None) for r in rows)


@dataclass(frozen=True)
class RegisterRow:
    """One line of the outgoing register (ทะเบียนหนังสือส่ง), as the regulation's form has it."""

    number: int  # เลขทะเบียนส่ง
    reference: str  # ที่: letter code / number
    date: dt.date | None  # ลงวันที่
    sender: str  # จาก
    addressee: str  # ถึง
    subject: str  # เรื่อง
    action: str = ""  # การปฏิบัติ: where the memo stands or what was decided
    note: str = ""  # หมายเหตุ: urgency, withdrawn, a number no memo holds


@dataclass(frozen=True)
class RegisterDoc:
    """An organisation's outgoing register of one fiscal year."""

    organisation: str
    year: int
    rows: tuple[RegisterRow, ...]
    names: tuple[str, ...] = ()  # kept on one line, as ``MemoDoc.names``


@dataclass(frozen=True)
class DoneRow:
    """One measure in the implementation report: what was done about it, as printed."""

    title: str
    done: str
    when: str
    # The files published with the report (chosen one by one); the others are only counted.
    evidence: tuple[str, ...]
    status: str
    result: str
    evidence_private: int = 0


@dataclass(frozen=True)
class ImplementationDoc:
    """What an organisation did about its measures of a year (รายงานผลการดำเนินการตามมาตรการ),
    over a period: the second half of the ITA cycle, carried by its own memo."""

    organisation: str
    year: int
    period: str
    summary: str
    author_name: str
    author_position: str
    rows: tuple[DoneRow, ...]
