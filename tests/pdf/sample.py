"""The seed document's memo as a ``MemoDoc``, the reference document of the PDF tests.

Built from the demo's people (``ita.demo.seed``) and the seed memo's text, dated 25 สิงหาคม 2564 with
the number ตง ๗๘๒๐๑/๑๒๓. The memo app builds real memos (``memos.documents``); no part of the
application uses this one.
"""

from __future__ import annotations

import datetime as dt

from ita.documents.data import MemoDoc, ReportDoc
from ita.organisations.models import Organisation, Position
from ita.organisations.selectors import emblem_of
from ita.results.models import Assessment
from measures.documents import organisation_report
from memos.documents import document_names, report_enclosure, sign_block, unit_line
from memos.register import number_text

MEMO_DATE = dt.date(2021, 8, 25)
REGISTER_NUMBER = 123
UNIT = "งานกฎหมายและคดี สำนักปลัด"
SUBJECT = (
    "รายงานผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ"
    " (Integrity and Transparency Assessment : ITA) ประจำปีงบประมาณ พ.ศ. ๒๕๖๔"
)
ADDRESSEE = "นายกองค์การบริหารส่วนตำบลสุโสะ"
BODY = (
    "ตามที่คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ ได้พัฒนาเครื่องมือการประเมินเชิงบวก"
    "เพื่อเป็นมาตรการป้องกันการทุจริตและเป็นกลไกในการสร้างความตระหนักให้หน่วยงานภาครัฐ"
    "มีการดำเนินงานอย่างโปร่งใสและมีคุณธรรมโดยใช้ชื่อว่า การประเมินคุณธรรมและความโปร่งใส"
    "ในการดำเนินงานของหน่วยงานภาครัฐ (Integrity and Transparency Assessment : ITA)"
    " และได้ให้หน่วยงานรัฐทุกภาคส่วนให้ความร่วมมือและเข้าร่วมการประเมินฯ"
    " เพื่อปรับปรุงพัฒนาองค์กรให้มีประสิทธิภาพทั้งในด้านการปฏิบัติงาน การให้บริการ"
    " และการอำนวยความสะดวกต่อประชาชน ภายในปีงบประมาณ พ.ศ. ๒๕๖๔ ที่ผ่านมานั้น\n\n"
    "บัดนี้ ข้าพเจ้านายณัชพล รังสิปการ ตำแหน่ง นิติกรปฏิบัติการ สำนักปลัดองค์การบริหารส่วนตำบลสุโสะ"
    " ได้เข้าร่วมและให้ความร่วมมือแก่คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติในโครงการฯ"
    " ดังกล่าวข้างต้น เพื่อดำเนินการประเมินในส่วนขององค์การบริหารส่วนตำบลสุโสะ"
    " ผลคะแนนการประเมินรวมขององค์การบริหารส่วนตำบลสุโสะ คือ ๙๓.๒๖ คะแนน ซึ่งอยู่ในระดับ A"
    " ผ่านเกณฑ์การประเมินในปีงบประมาณ ๒๕๖๔ นี้ ทั้งนี้ข้าพเจ้าฯ"
    " ได้จัดทำรายงานผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ"
    " (Integrity and Transparency Assessment : ITA) ประจำปีงบประมาณ พ.ศ. ๒๕๖๔"
    " (แนบท้ายบันทึกฉบับนี้) พร้อมวิเคราะห์ประเด็นที่ต้องแก้ไขปรับปรุงพร้อมทั้งข้อเสนอแนะ"
    "เพื่อพิจารณาและพัฒนาการดำเนินงานขององค์การบริหารส่วนตำบลสุโสะให้ดียิ่งขึ้นต่อไป\n\n"
    "จึงเรียนมาเพื่อโปรดทราบและพิจารณา"
)
# Two executives have signed; the clerk and the mayor have not (their blocks print empty).
COMMENTS = {
    Position.Role.HEAD_OF_OFFICE: ("เห็นควรเสนอปลัดเพื่อโปรดพิจารณา", dt.date(2021, 8, 26)),
    Position.Role.DEPUTY_CLERK: ("ทราบ เห็นควรนำเสนอนายกเพื่อโปรดทราบ", dt.date(2021, 8, 27)),
}
CHAIN = (
    Position.Role.HEAD_OF_OFFICE,
    Position.Role.DEPUTY_CLERK,
    Position.Role.CLERK,
    Position.Role.MAYOR,
)


def demo_memo(organisation: Organisation, *, body: str = BODY) -> MemoDoc:
    """The seed memo of ``organisation`` (the demo's สุโสะ), its people in chain order."""
    positions = {
        p.role: p
        for p in Position.objects.filter(organisation=organisation).select_related(
            "holder", "organisation"
        )
    }
    steps = []
    for role in CHAIN:
        comment, signed_on = COMMENTS.get(role, ("", None))
        steps.append(sign_block(positions[role], comment=comment, signed_on=signed_on))
    author = sign_block(positions[Position.Role.STAFF], author=True)
    return MemoDoc(
        unit=unit_line(organisation, UNIT),
        number=number_text(organisation.letter_code, REGISTER_NUMBER, pending="-"),
        date=MEMO_DATE,
        subject=SUBJECT,
        addressee=ADDRESSEE,
        body=body,
        author=author,
        steps=tuple(steps),
        emblem=emblem_of(organisation),
        organisation=organisation.name,
        enclosures=(report_enclosure(2564),),
        names=document_names(organisation, [author.name, *(s.name for s in steps)]),
    )


def demo_report(organisation: Organisation, year: int = 2564) -> ReportDoc:
    author = (
        Position.objects.filter(organisation=organisation, role=Position.Role.STAFF)
        .select_related("holder")
        .first()
    )
    report = organisation_report(organisation, year, author=author)
    if report is None:
        raise Assessment.DoesNotExist(f"{organisation} has no assessment for {year}")
    return report
