"""The seed's memo, from the legal officer to the mayor, as a draft (recognition errors mended)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from ita.demo.seed import HOME_NAME
from ita.organisations.models import Organisation
from ita.results.models import AssessmentYear
from memos import services

SUBJECT = (
    "รายงานผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ"
    " (Integrity and Transparency Assessment : ITA) ประจำปีงบประมาณ พ.ศ. ๒๕๖๔"
)
BODY = "\n\n".join(
    [
        "ตามที่คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ ได้พัฒนาเครื่องมือการประเมินเชิงบวก"
        "เพื่อเป็นมาตรการป้องกันการทุจริตและเป็นกลไกในการสร้างความตระหนักให้หน่วยงานภาครัฐ"
        "มีการดำเนินงานอย่างโปร่งใสและมีคุณธรรม โดยใช้ชื่อว่า การประเมินคุณธรรมและความโปร่งใส"
        "ในการดำเนินงานของหน่วยงานภาครัฐ (Integrity and Transparency Assessment : ITA)"
        " และได้ให้หน่วยงานภาครัฐทุกภาคส่วนให้ความร่วมมือและเข้าร่วมการประเมินฯ"
        " เพื่อปรับปรุงพัฒนาองค์กรให้มีประสิทธิภาพทั้งในด้านการปฏิบัติงาน การให้บริการ"
        " และการอำนวยความสะดวกต่อประชาชน ภายในปีงบประมาณ พ.ศ. ๒๕๖๔ ที่ผ่านมานั้น",
        "บัดนี้ ข้าพเจ้านายณัชพล รังสิปการ ตำแหน่ง นิติกรปฏิบัติการ สำนักปลัดองค์การบริหารส่วนตำบลสุโสะ"
        " ได้เข้าร่วมและให้ความร่วมมือแก่คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติในโครงการฯ"
        " ดังกล่าวข้างต้น เพื่อดำเนินการประเมินในส่วนขององค์การบริหารส่วนตำบลสุโสะ"
        " ผลคะแนนการประเมินรวมขององค์การบริหารส่วนตำบลสุโสะ คือ ๙๓.๒๖ คะแนน ซึ่งอยู่ในระดับ A"
        " ผ่านเกณฑ์การประเมินในปีงบประมาณ ๒๕๖๔ นี้ ทั้งนี้ข้าพเจ้าฯ ได้จัดทำรายงานผลการประเมิน"
        "คุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (Integrity and Transparency"
        " Assessment : ITA) ประจำปีงบประมาณ พ.ศ. ๒๕๖๔ (แนบท้ายบันทึกฉบับนี้)"
        " พร้อมวิเคราะห์ประเด็นที่ต้องแก้ไขปรับปรุงพร้อมทั้งข้อเสนอแนะเพื่อพิจารณา"
        "และพัฒนาการดำเนินงานขององค์การบริหารส่วนตำบลสุโสะให้ดียิ่งขึ้นต่อไป",
        "จึงเรียนมาเพื่อโปรดทราบและพิจารณา",
    ]
)


def load() -> dict[str, int]:
    home = Organisation.objects.get(name=HOME_NAME)
    author = get_user_model().objects.get(username="legal")
    memo = services.memo_create(
        organisation=home,
        actor=author,
        data={
            "unit_name": "งานกฎหมายและคดี สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ",
            "unit_phone": home.phone,
            "letter_code": home.letter_code,
            "subject": SUBJECT,
            "addressee": "นายกองค์การบริหารส่วนตำบลสุโสะ",
            "body": BODY,
            "signature_name": "นายณัชพล รังสิปการ",
            "signature_position": "นิติกรปฏิบัติการ",
            "report_year": AssessmentYear.objects.filter(year=2564).first(),
            # The seed's date line reads "สิงหาคม ๒๕๖๔" (its day lost in the scan): the checks of
            # the attached report compare the measures' periods with it.
            "date": dt.date(2021, 8, 25),
        },
    )
    return {"memos": 1, "demo_memo": memo.pk}
