"""Memos that write themselves: from the report, one action makes the memo that carries it.

The subject and body are drafted from the year's figures (year, total, level, pass, the flagged
lowest indicators) in Thai digits, in the seed memo's register; the unit, number code, addressee
and signature come from the author's position (as a new memo's form offers them). Everything
stays editable before sending.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history.services import AnyUser
from ita.lib.thai import thai_digits
from ita.organisations import membership
from ita.organisations.models import Organisation, Position
from ita.organisations.people import person_name
from ita.results.models import Assessment
from measures.models import ImplementationReport
from measures.selectors import lowest_indicators
from memos import services
from memos.models import Memo

ITA = (
    "การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ"
    " (Integrity and Transparency Assessment : ITA)"
)
REPORT_SUBJECT = "รายงานผล{ita} ประจำปีงบประมาณ พ.ศ. {year}"
IMPLEMENTATION_SUBJECT = (
    "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
    " ตามผล{ita} ประจำปีงบประมาณ พ.ศ. {year}"
)


def memo_defaults(user: AnyUser, position: Position) -> dict[str, str]:
    """What a new memo by ``user`` in ``position`` starts with: the unit, code, addressee and
    signature (the new memo's form and the drafted memos alike)."""
    organisation = position.organisation
    mayor = organisation.positions.filter(role=Position.Role.MAYOR).first()
    unit = position.unit.strip()
    return {
        "unit_name": f"{unit} {organisation.name}".strip(),
        "unit_phone": organisation.phone,
        "letter_code": organisation.letter_code,
        "addressee": mayor.title if mayor else "",
        "signature_name": person_name(user) if user.is_authenticated else "",
        "signature_position": position.title,
    }


def _position(user: AnyUser, organisation: Organisation) -> Position:
    position = (
        membership.positions_of(user).filter(organisation=organisation).order_by("pk").first()
    )
    if position is None:
        raise PermissionDenied(_("You are not a member of this organisation."))
    return position


def _score(value: object) -> str:
    return thai_digits(f"{value:.2f}") if value is not None else "–"


def report_body(assessment: Assessment, author: str, position: Position) -> str:
    """The seed memo's body with this year's figures (Thai digits: the paper's)."""
    organisation = assessment.organisation.name
    year = thai_digits(str(assessment.year.year))
    verdict = (
        "ผ่านเกณฑ์การประเมิน"
        if assessment.passed
        else "ไม่ผ่านเกณฑ์การประเมิน"
        if assessment.passed is False
        else "ยังไม่มีผลเทียบกับเกณฑ์การประเมิน"
    )
    level = f" ซึ่งอยู่ในระดับ {thai_digits(assessment.level)}" if assessment.level else ""
    lowest = lowest_indicators(assessment)
    flagged = ""
    if lowest:
        names = " ".join(
            f"ตัวชี้วัดที่ {thai_digits(str(line.indicator.number))} {line.indicator.name}"
            f" ({_score(line.score)} คะแนน)"
            for line in lowest
        )
        flagged = (
            f" โดยตัวชี้วัดที่ได้คะแนนต่ำที่สุดของแต่ละแบบวัด ได้แก่ {names}"
            " ซึ่งรายงานฉบับนี้ได้วิเคราะห์ประเด็นที่ต้องแก้ไขปรับปรุงและกำหนดมาตรการไว้แล้ว"
        )
    return "\n\n".join(
        [
            "ตามที่คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ ได้พัฒนาเครื่องมือการประเมินเชิงบวก"
            "เพื่อเป็นมาตรการป้องกันการทุจริตและเป็นกลไกในการสร้างความตระหนักให้หน่วยงานภาครัฐ"
            f"มีการดำเนินงานอย่างโปร่งใสและมีคุณธรรม โดยใช้ชื่อว่า {ITA}"
            " และได้ให้หน่วยงานภาครัฐทุกภาคส่วนให้ความร่วมมือและเข้าร่วมการประเมินฯ"
            " เพื่อปรับปรุงพัฒนาองค์กรให้มีประสิทธิภาพทั้งในด้านการปฏิบัติงาน การให้บริการ"
            f" และการอำนวยความสะดวกต่อประชาชน ภายในปีงบประมาณ พ.ศ. {year} ที่ผ่านมานั้น",
            f"บัดนี้ ข้าพเจ้า{author} ตำแหน่ง {position.title} {organisation}"
            " ได้เข้าร่วมและให้ความร่วมมือแก่คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติในโครงการฯ"
            f" ดังกล่าวข้างต้น เพื่อดำเนินการประเมินในส่วนของ{organisation}"
            f" ผลคะแนนการประเมินรวมของ{organisation} คือ {_score(assessment.total)} คะแนน{level}"
            f" {verdict}ในปีงบประมาณ {year} นี้{flagged} ทั้งนี้ข้าพเจ้าฯ ได้จัดทำรายงานผล{ITA}"
            f" ประจำปีงบประมาณ พ.ศ. {year} (แนบท้ายบันทึกฉบับนี้)"
            " พร้อมวิเคราะห์ประเด็นที่ต้องแก้ไขปรับปรุงพร้อมทั้งข้อเสนอแนะเพื่อพิจารณา"
            f"และพัฒนาการดำเนินงานของ{organisation}ให้ดียิ่งขึ้นต่อไป",
            "จึงเรียนมาเพื่อโปรดทราบและพิจารณา",
        ]
    )


@transaction.atomic(durable=True)
def memo_for_report(*, assessment: Assessment, actor: AnyUser) -> Memo:
    """A draft memo by ``actor`` carrying the report of ``assessment``, its text drafted."""
    position = _position(actor, assessment.organisation)
    defaults = memo_defaults(actor, position)
    data = {
        **defaults,
        "subject": REPORT_SUBJECT.format(ita=ITA, year=thai_digits(str(assessment.year.year))),
        "body": report_body(assessment, defaults["signature_name"], position),
        "report_year": assessment.year,
    }
    return services.memo_create(organisation=assessment.organisation, data=data, actor=actor)


def implementation_body(report: ImplementationReport, author: str, position: Position) -> str:
    assessment = report.assessment
    organisation = assessment.organisation.name
    year = thai_digits(str(assessment.year.year))
    entries = list(report.entries.all())
    done = sum(1 for e in entries if e.status == "done")
    return "\n\n".join(
        [
            f"ตามที่{organisation} ได้จัดทำรายงานผล{ITA} ประจำปีงบประมาณ พ.ศ. {year}"
            " พร้อมกำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
            " และผู้บริหารได้พิจารณาให้ความเห็นชอบแล้ว นั้น",
            f"บัดนี้ ข้าพเจ้า{author} ตำแหน่ง {position.title}"
            f" ได้ติดตามผลการดำเนินการตามมาตรการดังกล่าว ในช่วง {report.period_display}"
            f" จำนวน {thai_digits(str(len(entries)))} มาตรการ ดำเนินการแล้วเสร็จ"
            f" {thai_digits(str(done))} มาตรการ"
            " รายละเอียดปรากฏตามรายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส"
            "ภายในหน่วยงาน (แนบท้ายบันทึกฉบับนี้) เพื่อเผยแพร่เป็นหลักฐานการดำเนินการต่อสาธารณะ",
            "จึงเรียนมาเพื่อโปรดทราบและพิจารณา",
        ]
    )


@transaction.atomic(durable=True)
def memo_for_implementation(*, report: ImplementationReport, actor: AnyUser) -> Memo:
    """A draft memo by ``actor`` carrying the implementation report, its text drafted."""
    assessment = report.assessment
    position = _position(actor, assessment.organisation)
    defaults = memo_defaults(actor, position)
    data = {
        **defaults,
        "subject": IMPLEMENTATION_SUBJECT.format(
            ita=ITA, year=thai_digits(str(assessment.year.year))
        ),
        "body": implementation_body(report, defaults["signature_name"], position),
        "report_year": assessment.year,
    }
    memo = services.memo_create(organisation=assessment.organisation, data=data, actor=actor)
    # The carried report is set once, by this service only (the form does not offer it).
    Memo.objects.filter(pk=memo.pk).update(implementation=report)
    memo.implementation = report
    return memo
