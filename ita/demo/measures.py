"""The seed's report for สุโสะ 2564: the OIT checklist, the items its findings cite, and both
measures tables exactly as the seed prints them (the first with the period ม.ค.๖๔ – มี.ค.๖๔, which
ends before the memo's date, สิงหาคม ๒๕๖๔: the checks catch it)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from ita.demo.seed import HOME_NAME
from ita.results.models import Assessment, AssessmentYear
from measures.models import Finding, MeasureTemplate, OitItem, OitStatus
from measures.services.checklist import OitAnswer, oit_checklist_load, oit_statuses_set
from measures.services.measures import MeasureData, measure_create
from measures.template_texts import shipped

# The seed's issues to improve, recognition errors mended: (tool, indicator number, text).
HOME_FINDINGS = [
    (
        "IIT",
        4,
        "เพิ่มกลไกกำกับติดตามไม่ให้บุคลากรในหน่วยงานของท่านมีการเอาทรัพย์สินของราชการไปเป็นของส่วนตัว"
        " หรือนำไปให้กลุ่มหรือพวกพ้อง",
    ),
    ("EIT", 7, "เพิ่มช่องทางติดต่อ หรือมีช่องทางให้ผู้มาติดต่อร้องเรียนการทุจริตของเจ้าหน้าที่ในหน่วยงาน"),
    ("EIT", 7, "ส่งเสริมการเผยแพร่ผลงานหรือข้อมูลที่สาธารณชนควรรับทราบอย่างชัดเจนมากขึ้น"),
    (
        "EIT",
        7,
        "ส่งเสริมการเผยแพร่ข้อมูลของหน่วยงานที่เข้าถึงง่าย ไม่ซับซ้อน และเพิ่มช่องทางที่หลากหลายมากขึ้น",
    ),
    (
        "EIT",
        8,
        "เปิดโอกาสให้ผู้รับบริการ ผู้มาติดต่อ หรือผู้มีส่วนได้ส่วนเสีย เข้าไปมีส่วนร่วมในการปรับปรุงพัฒนา"
        "การดำเนินงาน/การให้บริการของหน่วยงานให้ดีขึ้น",
    ),
    ("EIT", 8, "เพิ่มการปรับปรุงวิธีการและขั้นตอนการดำเนินงาน/การให้บริการให้ดีขึ้น"),
    ("EIT", 8, "เพิ่มกลไกการปรับปรุงคุณภาพการปฏิบัติงาน/การให้บริการของหน่วยงานให้ดีขึ้น"),
    ("EIT", 6, "ส่งเสริมการทำงานที่คำนึงถึงประโยชน์ของประชาชนและส่วนรวมเป็นหลัก"),
    (
        "OIT",
        10,
        "แสดงการดำเนินการหรือกิจกรรมของหน่วยงานที่แสดงถึงการเสริมสร้างวัฒนธรรมองค์กรให้เจ้าหน้าที่ของหน่วยงาน"
        "มีทัศนคติ ค่านิยมในการปฏิบัติงานอย่างซื่อสัตย์สุจริตอย่างชัดเจน"
        " และเป็นการดำเนินการในปีที่รับการประเมิน",
    ),
    (
        "OIT",
        10,
        "แสดงการดำเนินการหรือกิจกรรมที่แสดงถึงการมีส่วนร่วมของผู้บริหารสูงสุดคนปัจจุบัน"
        " โดยเป็นการดำเนินการหรือกิจกรรมที่แสดงให้เห็นถึงการให้ความสำคัญกับการปรับปรุง พัฒนา"
        " และส่งเสริมหน่วยงานด้านคุณธรรมและความโปร่งใส และต้องเป็นการดำเนินการในปีที่รับการประเมิน",
    ),
    (
        "OIT",
        9,
        "แสดงช่องทางที่บุคคลภายนอกสามารถขอรับบริการกับหน่วยงานผ่านช่องทางออนไลน์"
        " เพื่อช่วยอำนวยความสะดวกแก่ผู้ขอรับบริการ"
        " โดยต้องสามารถเข้าถึงหรือเชื่อมโยงไปยังช่องทางข้างต้นได้จากเว็บไซต์หลักของหน่วยงาน",
    ),
    (
        "OIT",
        9,
        "แสดงข้อมูลของผู้บริหารสูงสุดหรือหัวหน้าหน่วยงาน และผู้ดำรงตำแหน่งทางการบริหารของหน่วยงาน"
        " โดยควรแสดงอย่างน้อยประกอบด้วยชื่อ-นามสกุล ตำแหน่ง รูปถ่าย"
        " และช่องทางการติดต่อของผู้บริหารแต่ละคนให้ชัดเจน ในกรณีเป็นองค์กรปกครองส่วนท้องถิ่น"
        " ควรครอบคลุมทั้งฝ่ายการเมือง และฝ่ายข้าราชการประจำ",
    ),
]

UNIT = "สำนักปลัดฯ"
FOLLOW_UP = "รายงานผลการดำเนินงาน"

# Which OIT items the seed's OIT findings (and the EIT complaint-channel finding) are about,
# matched by the finding's opening words.
CITATIONS = {
    "แสดงการดำเนินการหรือกิจกรรมของหน่วยงานที่แสดงถึงการเสริมสร้างวัฒนธรรมองค์กร": [38],
    "แสดงการดำเนินการหรือกิจกรรมที่แสดงถึงการมีส่วนร่วมของผู้บริหาร": [35],
    "แสดงช่องทางที่บุคคลภายนอกสามารถขอรับบริการ": [17],
    "แสดงข้อมูลของผู้บริหารสูงสุด": [2],
    "เพิ่มช่องทางติดต่อ หรือมีช่องทางให้ผู้มาติดต่อร้องเรียน": [30],
}

# (table, title, steps lead, steps, (first month, last month), indicator numbers,
#  finding indicator numbers answered, OIT items)
SEED_MEASURES = [
    (
        1,
        "แนวทางการใช้ทรัพย์สินของราชการ",
        "",
        [
            "กำชับแก่พนักงานส่วนตำบลทุกคนให้ปฏิบัติตามคู่มือการใช้ทรัพย์สินของทางราชการ",
            "สร้างระบบตรวจสอบการใช้ทรัพย์สินของทางราชการเพื่อการปฏิบัติงานเท่านั้น",
        ],
        (dt.date(2021, 1, 1), dt.date(2021, 3, 1)),
        [4],
        [4],
        [],
    ),
    (
        1,
        "แนวทางการเพิ่มประสิทธิภาพการสื่อสาร การใช้งานเว็บไซต์ การเปิดเผยข้อมูล"
        " และการปรับปรุงการทำงานการให้บริการให้ดียิ่งขึ้น",
        "ปรับปรุงเว็บไซต์ ดังนี้",
        [
            "เพิ่มช่องทางติดต่อ หรือมีช่องทางให้ผู้มาติดต่อร้องเรียนการทุจริตของเจ้าหน้าที่ในหน่วยงาน",
            "เผยแพร่ผลงานหรือข้อมูลที่สาธารณชนควรรับทราบอย่างชัดเจนมากขึ้น",
            "ปรับปรุงการเผยแพร่ข้อมูลของหน่วยงานที่เข้าถึงง่าย ไม่ซับซ้อน และเพิ่มช่องทางที่หลากหลายมากขึ้น",
            "เปิดรับความคิดเห็นของผู้ใช้บริการออนไลน์ เพื่อใช้ในการปรับปรุงบริการหน้าเว็บไซต์",
        ],
        (dt.date(2021, 1, 1), dt.date(2021, 3, 1)),
        [7, 8],
        [7, 8],
        [30],
    ),
    (
        2,
        "แนวทางการเปิดเผยข้อมูลและการบริการผ่านช่องทางออนไลน์",
        "",
        [
            "เผยแพร่การดำเนินการหรือกิจกรรมของหน่วยงานที่แสดงถึงการเสริมสร้างวัฒนธรรมองค์กร"
            "ให้เจ้าหน้าที่ของหน่วยงานมีทัศนคติ ค่านิยมในการปฏิบัติงานอย่างซื่อสัตย์สุจริตอย่างชัดเจน",
            "เผยแพร่การดำเนินการหรือกิจกรรมที่แสดงถึงการมีส่วนร่วมของผู้บริหารสูงสุดคนปัจจุบัน"
            " โดยเป็นการดำเนินการหรือกิจกรรมที่แสดงให้เห็นถึงการให้ความสำคัญกับการปรับปรุง พัฒนา"
            " และส่งเสริมหน่วยงานด้านคุณธรรมและโปร่งใส",
            "เผยแพร่ช่องทางที่สามารถขอรับบริการกับหน่วยงานผ่านช่องทางออนไลน์"
            " เพื่อช่วยอำนวยความสะดวกแก่ผู้ขอรับบริการ"
            " โดยต้องสามารถเข้าถึงหรือเชื่อมโยงไปยังช่องทางข้างต้นได้จากเว็บไซต์หลักของหน่วยงาน",
            "เผยแพร่ข้อมูลของผู้บริหารสูงสุดหรือหัวหน้าหน่วยงาน และผู้ดำรงตำแหน่งทางการบริหารของหน่วยงาน"
            " โดยควรแสดงอย่างน้อยประกอบด้วยชื่อ-นามสกุล ตำแหน่ง รูปถ่าย"
            " และช่องทางการติดต่อของผู้บริหารแต่ละคนให้ชัดเจน ในกรณีเป็นองค์กรปกครองส่วนท้องถิ่น"
            " ควรครอบคลุมทั้งฝ่ายการเมือง และฝ่ายข้าราชการประจำ",
        ],
        (dt.date(2022, 1, 1), dt.date(2022, 3, 1)),
        [9, 10],
        [9, 10],
        [38, 35, 17, 2],
    ),
]


def load_findings() -> None:
    """The seed's issues to improve on สุโสะ's 2564 report, as its report printed them."""
    home_2564 = Assessment.objects.get(organisation__name=HOME_NAME, year__year=2564)
    indicators = {i.number: i for i in home_2564.year.indicators.all()}
    Finding.objects.bulk_create(
        Finding(assessment=home_2564, tool=tool, indicator=indicators[n], text=text, order=k)
        for k, (tool, n, text) in enumerate(HOME_FINDINGS)
    )


def templates_restore() -> int:
    """The measure templates a fresh install has (migration 0002), if the table is empty: a
    reset (or a test's flush) erases them with the rest, and "prepare this year's report" and
    "suggest measures" draft from them."""
    if MeasureTemplate.objects.exists():
        return 0
    return len(MeasureTemplate.objects.bulk_create(shipped(MeasureTemplate)))


@transaction.atomic
def load() -> dict[str, int]:
    year = AssessmentYear.objects.prefetch_related("indicators").get(year=2564)
    items = {i.number: i for i in oit_checklist_load(year=year, actor=None)}
    assessment = Assessment.objects.get(organisation__name=HOME_NAME, year=year)
    author = get_user_model().objects.filter(username="legal").first()
    findings = list(Finding.objects.filter(assessment=assessment).select_related("indicator"))

    for finding in findings:
        for opening, numbers in CITATIONS.items():
            if finding.text.startswith(opening):
                finding.oit_items.add(*(items[n] for n in numbers))
    # The seed's OIT findings say these items were missing or incomplete on the website.
    oit_statuses_set(
        organisation=assessment.organisation,
        year=year,
        answers={items[n].pk: OitAnswer(state=OitStatus.State.INCOMPLETE) for n in (2, 17, 35, 38)},
        actor=author,
    )

    indicators = {i.number: i for i in year.indicators.all()}
    created = 0
    for table, title, lead, steps, (start, end), ind, answered, oit in SEED_MEASURES:
        measure_create(
            assessment=assessment,
            data=MeasureData(
                title=title,
                steps=steps,
                steps_lead=lead,
                responsible_unit=UNIT,
                start_month=start,
                end_month=end,
                follow_up=FOLLOW_UP,
                table=table,
                findings=[f for f in findings if f.indicator and f.indicator.number in answered],
                indicators=[indicators[n] for n in ind],
                oit_items=[items[n] for n in oit],
            ),
            actor=author,
        )
        created += 1
    return {"oit_items": OitItem.objects.filter(year=year).count(), "measures": created}
