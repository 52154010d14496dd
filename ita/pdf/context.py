"""What the official documents print, as plain data: the templates read these and nothing else.

The builders here read the database once per document (a constant number of queries); the memo
app builds ``MemoDoc`` from its memo and sign-off steps, the measures app supplies ``MeasureRow``s.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ita import rules, thai
from ita.models import (
    Assessment,
    Finding,
    IndicatorScore,
    Organisation,
    Position,
    Tool,
)
from ita.selectors import year_table

# The heading of each executive's comment block (ความเห็น…), by role and kind of organisation,
# as the seed memo writes them (ความเห็นปลัด อบต.); a municipality has its own titles.
_ROLE_HEADINGS = {
    Position.Role.HEAD_OF_OFFICE: "หัวหน้าสำนักปลัด",
    Position.Role.DEPUTY_CLERK: "รองปลัด{kind}",
    Position.Role.CLERK: "ปลัด{kind}",
    Position.Role.MAYOR: "นายก{kind}",
}
_KIND_IN_HEADING = {
    Organisation.Kind.SAO: " อบต.",
    Organisation.Kind.PAO: " อบจ.",
    Organisation.Kind.CITY: "เทศบาล",
    Organisation.Kind.TOWN: "เทศบาล",
    Organisation.Kind.SUBDISTRICT_MUNICIPALITY: "เทศบาล",
}
_MUNICIPAL_MAYOR = "นายกเทศมนตรี"


def role_heading(role: str, kind: str) -> str:
    """หัวหน้าสำนักปลัด, รองปลัด อบต., ปลัดเทศบาล, นายกเทศมนตรี … (after "ความเห็น")."""
    if role == Position.Role.MAYOR and _KIND_IN_HEADING.get(kind) == "เทศบาล":
        return _MUNICIPAL_MAYOR
    template = _ROLE_HEADINGS.get(role, "")
    return template.format(kind=_KIND_IN_HEADING.get(kind, ""))


def person_name(user: object | None) -> str:
    """นายณัชพล รังสิปการ: Thai names carry their title in the first name."""
    if user is None:
        return ""
    full = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
    return full or getattr(user, "username", "")


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")


def paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs of a typed text: split at blank lines, or at every line when there are none."""
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

    @property
    def body_paragraphs(self) -> tuple[str, ...]:
        return paragraphs(self.body)


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


def _tool_titles() -> dict[str, str]:
    return {
        Tool.IIT: _("Internal stakeholders' perception survey (IIT)"),
        Tool.EIT: _("External stakeholders' perception survey (EIT)"),
        Tool.OIT: _("Open information assessment (OIT)"),
    }


def report_doc(
    *,
    assessment: Assessment,
    measures: Sequence[MeasureRow] = (),
    author: Position | None = None,
) -> ReportDoc:
    """The report of ``assessment`` (its scores, issues and the province's table).

    Five queries whatever the province's size: the assessment with its method, scores and
    findings, then the province's table (``ita.selectors.year_table``).
    """
    assessment = (
        Assessment.objects.select_related("organisation__district__province", "year")
        .prefetch_related(
            "year__indicators",
            "year__levels",
            Prefetch("scores", queryset=IndicatorScore.objects.select_related("indicator")),
            Prefetch("findings", queryset=Finding.objects.order_by("tool", "order", "pk")),
        )
        .get(pk=assessment.pk)
    )
    organisation = assessment.organisation
    province = organisation.district.province
    year = assessment.year
    scores = assessment.scores_by_number()
    titles = _tool_titles()
    tools = []
    tool_scores = rules.tool_scores(year.indicator_specs, scores)
    findings = list(assessment.findings.all())
    for tool in Tool.values:
        indicators = tuple(
            IndicatorRow(i.number, i.name, scores.get(i.number))
            for i in sorted(year.indicators.all(), key=lambda i: i.number)
            if i.tool == tool
        )
        if not indicators:
            continue
        tools.append(
            ToolSection(
                tool=tool,
                title=titles[tool],
                indicators=indicators,
                score=tool_scores.get(tool),
                findings=tuple(f.text for f in findings if f.tool == tool),
            )
        )
    rows = year_table(year, province)
    published_order = all(r.assessment.rank is not None for r in rows)
    if published_order:
        rows = sorted(rows, key=lambda r: r.assessment.rank)
    annex = tuple(
        AnnexRow(
            number=r.assessment.rank if published_order else r.rank,
            name=r.organisation.name,
            district=r.organisation.district.name,
            total=r.assessment.total,
            level=r.assessment.level,
            change=r.assessment.change,
            passed=r.assessment.passed,
            highlighted=r.organisation.pk == organisation.pk,
        )
        for r in rows
    )
    return ReportDoc(
        organisation=organisation.name,
        year=year.year,
        province=province.name,
        region=province.region,
        author_name=person_name(author.holder) if author else "",
        author_position=author.title if author else "",
        total=assessment.total,
        level=assessment.level,
        passed=assessment.passed,
        pass_mark=year.pass_mark,
        tools=tuple(tools),
        measures=tuple(measures),
        annex=annex,
    )


def sign_block(
    position: Position,
    *,
    comment: str = "",
    signed_on: dt.date | None = None,
    acting: str = "",
    author: bool = False,
) -> SignBlock:
    """The block of ``position``'s holder (select_related ``organisation`` and ``holder``)."""
    heading = "" if author else role_heading(position.role, position.organisation.kind)
    return SignBlock(
        position=position.title,
        name=person_name(position.holder),
        heading=heading or ("" if author else position.title),
        acting=acting,
        comment=comment,
        signed_on=signed_on,
    )


def unit_line(organisation: Organisation, unit: str = "") -> str:
    """ส่วนราชการ: the unit, the organisation and its phone (โทร. ๐๗๕-๒๘๙๖๘๙)."""
    parts = [unit, organisation.name]
    if organisation.phone:
        parts.append(f"โทร. {organisation.phone}")
    return " ".join(p for p in parts if p)


def memo_number(organisation: Organisation, register_number: int | str | None) -> str:
    """ที่: the letter code, "/", the outgoing register number (ตง ๗๘๒๐๑/๑๒๓).

    Without a number yet (a draft) the number is left to be written in, as the seed prints it:
    ตง ๗๘๒๐๑/-.
    """
    return letter_number(organisation.letter_code, register_number)


def letter_number(letter_code: str, register_number: int | str | None) -> str:
    """ตง 78201/123, or ตง 78201/- before the outgoing register gives a number."""
    number = "" if register_number in (None, "") else str(register_number)
    return f"{letter_code}/{number or '-'}"


def emblem_of(organisation: Organisation) -> Emblem | None:
    """The organisation's uploaded emblem (checked again: files can change under us)."""
    from ita.pdf.emblem import check_emblem

    if not organisation.emblem:
        return None
    try:
        with organisation.emblem.open("rb") as file:
            checked = check_emblem(file.read(), organisation.emblem.name)
    except (OSError, ValidationError):
        return None
    return Emblem(checked.data, checked.mime_type)


def measure_rows(assessment: Assessment) -> tuple[MeasureRow, ...]:
    """The assessment's kept measures (the measures app's), as the report prints them.

    Two queries (measures, then their steps), whatever the number of measures.
    """
    from measures.models import Measure, MeasureStep

    measures = (
        Measure.objects.filter(assessment=assessment)
        .kept()
        .prefetch_related(Prefetch("steps", queryset=MeasureStep.objects.order_by("order")))
        .order_by("table", "order", "pk")
    )
    return tuple(
        MeasureRow(
            title=m.title,
            steps=tuple(step.text for step in m.steps.all()),
            responsible=m.responsible_unit,
            starts=m.start_month,
            ends=m.end_month,
            follow_up=m.follow_up,
            lead=m.steps_lead,
            table=m.table,
        )
        for m in measures
    )


def organisation_report(
    organisation: Organisation, year: int, *, author: Position | None = None
) -> ReportDoc | None:
    """The report a memo attaches for ``year`` (with the measures app's measures), if scored."""
    assessment = Assessment.objects.filter(organisation=organisation, year__year=year).first()
    if assessment is None:
        return None
    return report_doc(assessment=assessment, measures=measure_rows(assessment), author=author)
