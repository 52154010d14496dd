"""The second half of the cycle: what was done about the year's measures is drafted from their
progress, carried up the chain by its own memo, signed, and published beside the report with
the evidence its author chose, one file at a time.

The year is 2565 (imported here: not the demo's), its report prepared by the legal officer; two
of its three measures have progress with evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ita.history.models import Event, EventKind
from ita.imports.services import import_commit
from ita.lib.thai import date_th
from ita.results import services as results_services
from ita.results.models import Assessment
from measures import implementation
from measures.models import (
    Evidence,
    ImplementationReport,
    Measure,
    OitItem,
    OitStatus,
    PublishedImplementation,
)
from measures.services.checklist import oit_checklist_open
from measures.services.progress import progress_add
from measures.services.report import report_prepare
from memos import documents, drafting, publishing
from memos import services as memo_services
from memos.checks import memo_year_checks
from memos.models import Memo, State
from tests.imports.helpers import indicator_csv
from tests.imports.test_services import _preview
from tests.readers import pdfminer

pytestmark = pytest.mark.django_db

YEAR = 2565
TODAY = dt.date(2022, 11, 15)
SCORES = [
    Decimal(v) for v in ("97.5", "88.1", "96", "93.4", "99", "91.2", "90.75", "86.3", "94", "81.25")
]
# Names and notes without digits: the printed report writes digits in Thai.
CHOSEN, PRIVATE = "ภาพกิจกรรมอบรม.png", "รายชื่อผู้เข้าร่วมภายใน.png"
NOTE_ONE, NOTE_TWO = "จัดอบรมเจ้าหน้าที่ QXDONEONE", "ปรับปรุงเว็บไซต์ QXDONETWO"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Year:
    demo: object
    assessment: Assessment
    measures: list[Measure]

    @property
    def org(self) -> int:
        return self.assessment.organisation_id

    @property
    def page(self) -> str:
        return f"/measures/report/{self.org}/{YEAR}/done/"

    @property
    def public(self) -> str:
        return f"/organisations/{self.org}/reports/{YEAR}/implementation/"


@pytest.fixture
def year(demo, tmp_media) -> Year:
    data = indicator_csv([("องค์การบริหารส่วนตำบลสุโสะ", "ปะเหลียน", "ตรัง", SCORES, None)])
    import_commit(batch=_preview(data, year=YEAR), actor=demo.users["admin"])
    assessment = Assessment.objects.select_related("organisation", "year").get(
        organisation=demo.home, year__year=YEAR
    )
    legal = demo.users["legal"]
    report_prepare(assessment=assessment, actor=legal, today=TODAY)
    measures = list(Measure.objects.kept().filter(assessment=assessment).order_by("table", "order"))
    progress_add(
        measure=measures[0],
        note=NOTE_ONE,
        files=[
            SimpleUploadedFile(CHOSEN, PNG, "image/png"),
            SimpleUploadedFile(PRIVATE, PNG, "image/png"),
        ],
        marks_done=True,
        actor=legal,
    )
    progress_add(measure=measures[1], note=NOTE_TWO, actor=legal)
    return Year(demo, assessment, measures)


def _draft(y: Year) -> ImplementationReport:
    return implementation.implementation_draft(
        assessment=y.assessment, actor=y.demo.users["legal"], today=timezone.localdate()
    )


def _choose(report: ImplementationReport, names: list[str], actor) -> None:
    rows = implementation.implementation_rows(report)
    implementation.implementation_update(
        report=report,
        summary=report.summary,
        entries={
            r.entry.pk: implementation.EntryData(
                done=r.entry.done,
                when=r.entry.when,
                result=r.entry.result,
                evidence=[f.pk for f in r.evidence if f.original_name in names],
            )
            for r in rows
        },
        actor=actor,
    )


def _memo(report: ImplementationReport) -> Memo:
    return Memo.objects.filter(implementation=report).latest("pk")


def _decide(memo: Memo, users: dict) -> Memo:
    memo_services.memo_send(memo=memo, actor=users["legal"])
    for username in ("head", "deputy", "clerk", "mayor"):
        memo_services.memo_approve(
            memo=Memo.objects.get(pk=memo.pk),
            actor=users[username],
            comment="ทราบ",
            outcome=Memo.Outcome.APPROVED if username == "mayor" else "",
        )
    return Memo.objects.get(pk=memo.pk)


# Drafting ----------------------------------------------------------------------------------------


def test_each_measure_is_reported_from_its_progress_in_thai(year) -> None:
    report = _draft(year)
    entries = {e.measure_id: e for e in report.entries.all()}
    assert list(entries) == [m.pk for m in year.measures]
    one, two, three = (entries[m.pk] for m in year.measures)
    today = timezone.localdate()
    assert one.done == NOTE_ONE and one.status == "done"
    assert one.when == date_th(today, digits=True) and re.search("[๐-๙]", one.when)
    assert one.result.startswith("ดำเนินการแล้วเสร็จ เมื่อ")
    assert two.done == NOTE_TWO and two.status != "done"
    assert three.done == "" and three.when == ""
    # The period runs from the measures' first month to the month of the last update.
    assert report.start_month == year.measures[0].start_month
    assert report.end_month == today.replace(day=1)
    event = Event.objects.get(action=EventKind.IMPLEMENTATION_DRAFT)
    assert event.to_state == "drafted" and event.organisation_id == year.org
    # Evidence is listed for its measure; none is chosen to publish yet.
    rows = implementation.implementation_rows(report)
    assert sorted(f.original_name for f in rows[0].evidence) == sorted([CHOSEN, PRIVATE])
    assert all(not r.public for r in rows)


def test_a_period_before_the_work_reports_nothing_done_and_a_reversed_one_is_refused(year) -> None:
    legal = year.demo.users["legal"]
    report = implementation.implementation_draft(
        assessment=year.assessment,
        actor=legal,
        today=TODAY,
        start_month=dt.date(2022, 12, 1),
        end_month=dt.date(2023, 2, 1),
    )
    assert report.period_display and all(e.done == "" for e in report.entries.all())
    before = (report.start_month, report.end_month)
    with pytest.raises(ValidationError) as refused:
        implementation.implementation_draft(
            assessment=year.assessment,
            actor=legal,
            today=TODAY,
            start_month=dt.date(2023, 2, 1),
            end_month=dt.date(2022, 12, 1),
        )
    assert "ก่อน" in " ".join(refused.value.messages) or "before" in str(refused.value)
    report.refresh_from_db()
    assert (report.start_month, report.end_month) == before


def test_a_report_without_measures_drafts_nothing_and_says_why(demo, tmp_media) -> None:
    data = indicator_csv([("องค์การบริหารส่วนตำบลสุโสะ", "ปะเหลียน", "ตรัง", SCORES, None)])
    import_commit(batch=_preview(data, year=YEAR), actor=demo.users["admin"])
    client = Client()
    client.force_login(demo.users["legal"])
    response = client.post(f"/measures/report/{demo.home.pk}/{YEAR}/done/draft/", follow=True)
    assert "ไม่มีมาตรการ" in response.content.decode()
    assert not ImplementationReport.objects.exists()


def test_evidence_of_another_measure_is_refused_and_nothing_changes(year) -> None:
    report = _draft(year)
    rows = implementation.implementation_rows(report)
    theirs = rows[0].evidence[0]
    with pytest.raises(ValidationError):
        implementation.implementation_update(
            report=report,
            summary="สรุปใหม่",
            entries={
                rows[1].entry.pk: implementation.EntryData(
                    done="แก้", when="", result="", evidence=[theirs.pk]
                )
            },
            actor=year.demo.users["legal"],
        )
    report.refresh_from_db()
    assert report.summary == "" and rows[1].entry.done == NOTE_TWO
    assert not Evidence.objects.filter(implementation_entries__report=report).exists()


# The memo ----------------------------------------------------------------------------------------


def test_the_memo_writes_itself_in_thai_digits_and_carries_the_report(year) -> None:
    report = _draft(year)
    memo = drafting.memo_for_implementation(report=report, actor=year.demo.users["legal"])
    assert memo.implementation_id == report.pk and memo.report_year.year == YEAR
    assert "๒๕๖๕" in memo.subject and not re.search("[0-9]", memo.subject + memo.body)
    assert "จำนวน ๓ มาตรการ ดำเนินการแล้วเสร็จ ๑ มาตรการ" in memo.body
    assert memo_year_checks(memo) == []
    assert documents.enclosures(memo, [])[0].endswith("๒๕๖๕")
    # A second "write the memo" opens the same one while it is on its way.
    client = Client()
    client.force_login(year.demo.users["legal"])
    response = client.post(f"/memos/from-implementation/{year.org}/{YEAR}/")
    assert response["Location"] == f"/memos/{memo.pk}/"
    assert Memo.objects.filter(implementation=report).count() == 1


def test_the_pdf_prints_what_was_done_in_thai_with_buddhist_era_dates(year) -> None:
    report = _draft(year)
    _choose(report, [CHOSEN], year.demo.users["legal"])
    memo = drafting.memo_for_implementation(report=report, actor=year.demo.users["legal"])
    # Thai has no spaces between words: the extracted lines are compared without any.
    text = "".join(pdfminer(documents.memo_pdf(memo)).split())
    assert "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส" in text
    assert "ปีงบประมาณพ.ศ.๒๕๖๕" in text and "QXDONEONE" in text and "QXDONETWO" in text
    # The day the work was recorded, in the Buddhist era and Thai digits.
    assert "".join(date_th(timezone.localdate(), digits=True).split()) in text
    # No Arabic digit but in the verification code and address (typed as they are printed).
    printed = re.sub(r"รหัสตรวจสอบ[A-Z0-9]{5}-[A-Z0-9]{5}|https?://\S+?/verify/", "", text)
    assert not re.search("[0-9]", printed), re.findall(".{20}[0-9]+.{20}", printed)[:5]
    assert CHOSEN in text and PRIVATE not in text


# Who may do what, at each stage ----------------------------------------------------------------


def _status(client: Client, method: str, path: str) -> int:
    response = client.post(path) if method == "post" else client.get(path)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return 401
    return response.status_code


def test_who_sees_and_does_what_at_each_stage(year) -> None:
    users = year.demo.users
    clients = {}
    for who in ("legal", "head", "mayor", "outsider", "admin"):
        clients[who] = Client()
        clients[who].force_login(users[who])
    clients["anonymous"] = Client()

    def private_pages() -> list[tuple[str, str]]:
        pages = [("get", year.page)]
        memo = Memo.objects.filter(implementation__isnull=False).order_by("pk").last()
        if memo is not None:
            pages += [("get", f"/memos/{memo.pk}/"), ("get", f"/memos/{memo.pk}/pdf/")]
        return pages

    def check(stage: str, published: bool) -> None:
        for who, client in clients.items():
            for method, path in private_pages():
                status = _status(client, method, path)
                if who in ("legal", "head", "mayor"):
                    assert status == 200, (stage, who, path, status)
                elif who == "anonymous":
                    assert status == 401, (stage, who, path, status)
                else:  # another organisation's member; an administrator is no member
                    assert status == 404, (stage, who, path, status)
            # The writes: outsiders are not told the report exists.
            for path in (
                f"/measures/report/{year.org}/{YEAR}/done/draft/",
                f"/memos/from-implementation/{year.org}/{YEAR}/",
            ):
                if who in ("outsider", "admin"):
                    assert _status(client, "post", path) == 404, (stage, who, path)
                if who == "anonymous":
                    assert _status(client, "post", path) == 401, (stage, who, path)
            # The public address: nothing before publication, for anyone.
            for path in (year.public, year.public + "pdf/"):
                status = _status(client, "get", path)
                assert status == (200 if published else 404), (stage, who, path, status)
            for evidence in Evidence.objects.filter(update__measure__assessment=year.assessment):
                path = f"{year.public}evidence/{evidence.pk}/"
                public = published and evidence.original_name == CHOSEN
                assert _status(client, "get", path) == (200 if public else 404), (
                    stage,
                    who,
                    evidence.original_name,
                )

    check("no report", False)
    report = _draft(year)
    _choose(report, [CHOSEN], users["legal"])
    check("drafted", False)
    memo = drafting.memo_for_implementation(report=report, actor=users["legal"])
    check("memo drafted", False)
    memo_services.memo_send(memo=memo, actor=users["legal"])
    check("memo with the head", False)
    # Nobody but the author or the clerk publishes, and only once the mayor has approved.
    with pytest.raises(PermissionDenied):
        publishing.memo_publish_report(memo=_memo(report), actor=users["legal"])
    for username in ("head", "deputy", "clerk", "mayor"):
        memo_services.memo_approve(
            memo=_memo(report),
            actor=users[username],
            comment="ทราบ",
            outcome=Memo.Outcome.APPROVED if username == "mayor" else "",
        )
    assert _memo(report).state == State.DECIDED
    check("decided", False)
    for who in ("head", "mayor", "outsider", "admin"):
        with pytest.raises(PermissionDenied):
            publishing.memo_publish_report(memo=_memo(report), actor=users[who])
        assert _status(clients[who], "post", f"/memos/{memo.pk}/publish/") in (403, 404)
    assert not PublishedImplementation.objects.exists()
    assert _status(clients["legal"], "post", f"/memos/{memo.pk}/publish/") == 302
    check("published", True)
    # The public page names the file chosen, never the one kept private nor the memo's body.
    page = clients["anonymous"].get(year.public).content.decode()
    assert CHOSEN in page and "QXDONEONE" in page
    assert PRIVATE not in page


def test_a_not_approved_implementation_report_is_not_published(year) -> None:
    users = year.demo.users
    report = _draft(year)
    memo = drafting.memo_for_implementation(report=report, actor=users["legal"])
    memo_services.memo_send(memo=memo, actor=users["legal"])
    for username in ("head", "deputy", "clerk", "mayor"):
        memo_services.memo_approve(
            memo=_memo(report),
            actor=users[username],
            comment="ไม่อนุมัติ" if username == "mayor" else "ทราบ",
            outcome=Memo.Outcome.NOT_APPROVED if username == "mayor" else "",
        )
    with pytest.raises(PermissionDenied):
        publishing.memo_publish_report(memo=_memo(report), actor=users["legal"])
    assert not PublishedImplementation.objects.exists()


# Publication ------------------------------------------------------------------------------------


def test_the_files_published_are_the_ones_chosen_when_the_memo_was_sent(year) -> None:
    """What the executives signed is what the public gets: a file ticked after the memo left
    is not published with it (it waits for a later memo)."""
    users = year.demo.users
    report = _draft(year)
    _choose(report, [CHOSEN], users["legal"])
    memo = drafting.memo_for_implementation(report=report, actor=users["legal"])
    memo_services.memo_send(memo=memo, actor=users["legal"])
    _choose(report, [CHOSEN, PRIVATE], users["legal"])  # while the memo is with the head
    memo = Memo.objects.get(pk=memo.pk)
    for username in ("head", "deputy", "clerk", "mayor"):
        memo_services.memo_approve(
            memo=Memo.objects.get(pk=memo.pk),
            actor=users[username],
            comment="ทราบ",
            outcome=Memo.Outcome.APPROVED if username == "mayor" else "",
        )
    published = publishing.memo_publish_report(memo=_memo(report), actor=users["legal"])
    assert [e.original_name for e in published.evidence.all()] == [CHOSEN]


def test_publication_fills_next_years_item_on_what_was_done_at_a_stable_address(year) -> None:
    users = year.demo.users
    report = _draft(year)
    _decide(drafting.memo_for_implementation(report=report, actor=users["legal"]), users)
    published = publishing.memo_publish_report(memo=_memo(report), actor=users["legal"])
    # The next year opens afterwards: its copied list's item on what was done is filled.
    following = results_services.year_create(year=YEAR + 1, actor=None)
    assert oit_checklist_open(year=following, actor=None) > 0
    item = OitItem.objects.get(year=following, from_implementation=True)
    status = OitStatus.objects.get(organisation_id=year.org, item=item)
    assert status.evidence_url.endswith(year.public) and status.state == OitStatus.State.PUBLISHED
    # A later memo of the same report publishes again at the same address.
    _decide(drafting.memo_for_implementation(report=report, actor=users["legal"]), users)
    again = publishing.memo_publish_report(memo=_memo(report), actor=users["legal"])
    assert again.pk == published.pk
    assert PublishedImplementation.objects.count() == 1
    assert Event.objects.filter(action=EventKind.IMPLEMENTATION_PUBLISH).count() == 2


def test_the_pages_read_as_many_queries_for_three_measures_as_for_nine(year) -> None:
    """The implementation page and its public page: a fixed number of queries, whatever the
    number of measures, updates and files."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    users = year.demo.users
    client = _client_for(users["legal"])

    def count(path: str, who: Client, *, warm: bool = True) -> int:
        if warm:  # the session's and the navigation's first reads
            who.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert who.get(path).status_code == 200
        return len(queries)

    report = _draft(year)
    _choose(report, [CHOSEN], users["legal"])
    small = count(year.page, client)
    _decide(drafting.memo_for_implementation(report=report, actor=users["legal"]), users)
    publishing.memo_publish_report(memo=_memo(report), actor=users["legal"])
    anonymous = Client()
    public = count(year.public, anonymous, warm=False)  # published: not cached yet
    for k in range(6):
        measure = Measure.objects.get(pk=year.measures[k % 3].pk)
        measure.pk = None
        measure.title = f"มาตรการเพิ่ม {k}"
        measure.save()
        progress_add(
            measure=measure,
            note=f"ทำแล้ว {k}",
            files=[SimpleUploadedFile(f"หลักฐาน{k}.png", PNG, "image/png")],
            actor=users["legal"],
        )
    report = _draft(year)
    assert report.entries.count() == 9
    _choose(report, [CHOSEN, "หลักฐาน0.png", "หลักฐาน1.png"], users["legal"])
    assert count(year.page, client) == small
    _decide(drafting.memo_for_implementation(report=report, actor=users["legal"]), users)
    publication = publishing.memo_publish_report(memo=_memo(report), actor=users["legal"])
    assert publication.evidence.count() == 3
    assert count(year.public, anonymous, warm=False) == public


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
