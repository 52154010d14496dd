"""The seed's memo, from the legal officer to the mayor (recognition errors mended).

``load`` writes it as the seed has it, a draft; ``decide`` (once the report's measures are in)
takes it up the chain as it went in 2564 — the head of the clerk's office, the deputy clerk and
the clerk comment, the mayor approves — through ``memos.services``, dated in August 2564, with the
organisation's test certificate (``make_signing_certificate``'s) so that its archival PDF is
signed; then a fresh draft for the current fiscal year stands beside it. The archival PDF is
made when the decision commits (``memos.archive``), or at the first download.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from ita.demo.seed import HOME_NAME
from ita.documents.signing import make_test_credentials
from ita.history.models import Event, EventKind
from ita.lib.thai import thai_digits
from ita.organisations.models import Organisation
from ita.results.models import AssessmentYear
from memos import archive, register, services
from memos.models import Memo, MemoArchive, SignOff
from memos.signing import install_credentials

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


def seed_draft() -> Memo:
    """The seed's memo as a draft by the legal officer, with the ITA report of 2564."""
    home = Organisation.objects.get(name=HOME_NAME)
    author = get_user_model().objects.get(username="legal")
    return services.memo_create(
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


def load() -> dict[str, int]:
    return {"memos": 1, "demo_memo": seed_draft().pk}


# The seed's comment blocks as they were filled in, day by day (2564 = 2021).
SENT_ON = dt.date(2021, 8, 25)
COMMENTS = [
    ("head", "เห็นควรเสนอปลัดเพื่อโปรดพิจารณา", dt.date(2021, 8, 26)),
    ("deputy", "ทราบ เห็นควรนำเสนอนายกเพื่อโปรดทราบ", dt.date(2021, 8, 27)),
    ("clerk", "เห็นควรอนุมัติ ให้ดำเนินการตามมาตรการ ๒ ข้อ", dt.date(2021, 8, 30)),
    ("mayor", "ให้ดำเนินการตามเสนอ", dt.date(2021, 8, 31)),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def decide() -> dict[str, int]:
    """The seed memo decided as it went in 2564, signed; a fresh draft for this fiscal year."""
    users = {u.username: u for u in get_user_model().objects.all()}
    memo = Memo.objects.get(author=users["legal"], report_year__year=2564, state=Memo.State.DRAFT)
    home = memo.organisation
    install_credentials(organisation=home, credentials=make_test_credentials(home.name))
    services.memo_send(memo=memo, actor=users["legal"], today=SENT_ON)
    for username, comment, day in COMMENTS:
        memo = Memo.objects.get(pk=memo.pk)
        outcome = Memo.Outcome.APPROVED if username == "mayor" else ""
        services.memo_approve(
            memo=memo, actor=users[username], comment=comment, outcome=outcome, today=day
        )
    # The services stamp "now"; the demo's memo went up the chain in August 2564. Only times
    # change here (what was signed, and its hashes, are the services').
    Memo.objects.filter(pk=memo.pk).update(
        sent_at=_at(SENT_ON, 10), decided_at=_at(COMMENTS[-1][2], 14)
    )
    for username, _comment, day in COMMENTS:
        SignOff.objects.filter(memo=memo, step=username).update(signed_at=_at(day, 14))
    events = Event.objects.filter(object_type=memo._meta.label_lower, object_id=str(memo.pk))
    events.filter(action=EventKind.MEMO_CREATE).update(at=_at(SENT_ON, 9))
    events.filter(action=EventKind.MEMO_SEND).update(at=_at(SENT_ON, 10))
    for (username, _comment, day), action in zip(
        COMMENTS, [EventKind.MEMO_FORWARD] * 3 + [EventKind.MEMO_DECIDE], strict=True
    ):
        events.filter(action=action, actor=users[username]).update(at=_at(day, 14))
    # Its document of record, stored and signed now rather than when a worker gets to the task
    # the decision queued (which then finds it stored and does nothing).
    archive.memo_archive(memo.pk)
    fiscal_year = register.register_year(timezone.localdate())
    draft = services.memo_create(
        organisation=home,
        actor=users["legal"],
        data={
            "unit_name": "งานกฎหมายและคดี สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ",
            "unit_phone": home.phone,
            "letter_code": home.letter_code,
            "subject": "รายงานผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ"
            f" (ITA) ประจำปีงบประมาณ พ.ศ. {thai_digits(str(fiscal_year))}",
            "addressee": "นายกองค์การบริหารส่วนตำบลสุโสะ",
            "body": "\n\n".join(
                [
                    "ตามที่องค์การบริหารส่วนตำบลสุโสะได้เข้ารับการประเมินคุณธรรมและความโปร่งใส"
                    "ในการดำเนินงานของหน่วยงานภาครัฐ (ITA) ประจำปีงบประมาณ พ.ศ. "
                    f"{thai_digits(str(fiscal_year))} นั้น",
                    "บัดนี้ (ร่าง: รอผลคะแนนที่ประกาศ จึงจะจัดทำรายงานและมาตรการแนบท้าย)",
                    "จึงเรียนมาเพื่อโปรดทราบและพิจารณา",
                ]
            ),
            "signature_name": "นายณัชพล รังสิปการ",
            "signature_position": "นิติกรปฏิบัติการ",
        },
    )
    return {"memos": 2, "demo_memo": memo.pk, "draft_memo": draft.pk}


def archived() -> list[MemoArchive]:
    """The decided memos' stored PDFs (made as the decision commits)."""
    return list(MemoArchive.objects.filter(memo__state=Memo.State.DECIDED).order_by("memo_id"))
