"""One privacy rule: the report is private until the mayor's decision and its publication; then
the public page shows exactly the report as the memo sent it.

The report is filled with marker strings; every public page and API route of the URL map
(``tests.urlmap``, so pages added later are walked too) is read as an anonymous visitor and as
a member of another organisation, before and after publication.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ita.demo import memos as demo_memos
from ita.history.models import Event, EventKind
from ita.organisations.models import Notice, Organisation, Province
from ita.results.models import AssessmentYear
from measures.models import Evidence, Finding, Measure, OitItem, OitStatus, PublishedReport
from measures.services.checklist import OitAnswer, oit_checklist_load, oit_statuses_set
from measures.services.findings import finding_create, finding_update
from measures.services.progress import progress_add
from memos import archive, publishing
from memos import services as memo_services
from memos.models import Memo
from tests.factories import decided_2564
from tests.measures.helpers import home_assessment, make_measure
from tests.urlmap import all_paths

pytestmark = pytest.mark.django_db

# Markers without digits: the printed report writes digits in Thai.
IN_REPORT = ["QXFINDINGMARK", "QXMEASUREMARK", "QXSTEPMARK"]
NEVER_PUBLIC = ["QXOITNOTEMARK", "QXOITURLMARK", "QXPROGRESSMARK", "QXMEMOBODYMARK"]
LATE = "QXLATEEDITMARK"


@pytest.fixture
def marked(demo, tmp_media):
    """The demo's report of 2564 with a marker in every kind of private record."""
    legal = demo.users["legal"]
    assessment = home_assessment(demo)
    finding = finding_create(
        assessment=assessment, tool="OIT", indicator=None, text=IN_REPORT[0], actor=legal
    )
    measure = make_measure(assessment, title=IN_REPORT[1], findings=[finding], actor=legal)
    measure.steps.update(text=IN_REPORT[2])
    item = OitItem.objects.get(year__year=2564, number=2)
    oit_statuses_set(
        organisation=demo.home,
        year=assessment.year,
        answers={
            item.pk: OitAnswer(
                state=OitStatus.State.INCOMPLETE,
                evidence_url=f"https://example.go.th/{NEVER_PUBLIC[1]}",
                note=NEVER_PUBLIC[0],
            )
        },
        actor=legal,
    )
    progress_add(
        measure=measure,
        note=NEVER_PUBLIC[2],
        files=[SimpleUploadedFile("ev.pdf", b"%PDF-1.4 " + NEVER_PUBLIC[2].encode())],
        actor=legal,
    )
    # A new draft of the seed's memo (the demo's own memo of 2564 is decided already).
    memo = demo_memos.seed_draft()
    memo_services.memo_update(
        memo=memo, data={"body": memo.body + "\n\n" + NEVER_PUBLIC[3]}, actor=legal
    )
    return demo


def _memo() -> Memo:
    """The marked memo: the newest of the legal officer's memos of 2564."""
    return (
        Memo.objects.select_related("organisation", "report_year")
        .filter(author__username="legal", report_year__year=2564)
        .latest("pk")
    )


def _decide(users: dict, outcome: str = Memo.Outcome.APPROVED) -> Memo:
    memo_services.memo_send(memo=_memo(), actor=users["legal"])
    for username in ("head", "deputy", "clerk", "mayor"):
        memo_services.memo_approve(
            memo=_memo(),
            actor=users[username],
            comment="ไม่อนุมัติ"
            if outcome == Memo.Outcome.NOT_APPROVED and username == "mayor"
            else "ทราบ",
            outcome=outcome if username == "mayor" else "",
        )
    return _memo()


def _public_paths(demo) -> list[str]:
    """Every route of the URL map, each parameter filled with the ids of the rows of the model
    it names (``tests.urlmap.typed_paths``): every memo, measure, evidence and notice, the
    marked findings, the two organisations; of the kinds that hold no marker, one row. A
    parameter of a kind not known there takes the ids of every kind."""
    marked = {
        Organisation: [demo.home.pk, demo.other.pk],
        Finding: list(Finding.objects.filter(text__startswith="QX").values_list("pk", flat=True)),
    }
    holds_a_marker = {Memo, Measure, Evidence, Notice}

    def ids(model) -> list[str]:
        rows = model._base_manager.order_by("pk").values_list("pk", flat=True)
        found = marked.get(model) or (rows if model in holds_a_marker else rows[:1])
        return [str(pk) for pk in found]

    every = sorted(
        {
            demo.home.pk,
            demo.other.pk,
            *Memo.objects.values_list("pk", flat=True),
            *Measure.objects.values_list("pk", flat=True),
            *marked[Finding],
            *PublishedReport.objects.values_list("pk", flat=True),
        }
    )
    values = {
        "year": ["2564"],
        "province_id": [str(p) for p in Province.objects.values_list("pk", flat=True)[:2]],
        "kind": ["results"],
        "fmt": ["csv"],
    }
    paths = all_paths(values, [str(i) for i in every], ids=ids)
    # The API's lists, narrowed to the organisation as well.
    api = [p for p in paths if p.startswith("/api/") and "{" not in p]
    paths += [f"{p}?organisation={demo.home.pk}" for p in api if p.rstrip("/").count("/") == 3]
    paths += [f"/organisations/{demo.home.pk}/insights/?year=2564"]
    return paths


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _leaks(demo, markers: list[str]) -> list[str]:
    anonymous = Client()
    outsider = Client()
    outsider.force_login(demo.users["outsider"])
    leaks = []
    for path in _public_paths(demo):
        for who, client in (("anonymous", anonymous), ("outsider", outsider)):
            response = client.get(path)
            assert response.status_code < 500, (who, path)
            body = _body(response)
            leaks += [f"{who} {path}: {m}" for m in markers if m in body]
    return leaks


def test_nothing_of_the_report_reaches_a_public_page_or_the_api_before_publication(
    marked,
) -> None:
    markers = IN_REPORT + NEVER_PUBLIC
    # The markers are there to find: a member sees them on the private pages.
    member = Client()
    member.force_login(marked.users["legal"])
    report = _body(member.get(f"/measures/report/{marked.home.pk}/2564/"))
    assert IN_REPORT[0] in report and IN_REPORT[1] in report
    assert _leaks(marked, markers) == []
    # Approved by the mayor but not yet published: still private.
    _decide(marked.users)
    assert _leaks(marked, markers) == []
    assert Client().get(f"/organisations/{marked.home.pk}/reports/2564/").status_code == 404
    assert Client().get(f"/organisations/{marked.home.pk}/reports/2564/pdf/").status_code == 404


def test_the_published_page_shows_exactly_the_report_as_sent(marked) -> None:
    memo = _decide(marked.users)
    sent = memo.report_sent
    legal = Client()
    legal.force_login(marked.users["legal"])
    confirm = legal.get(f"/memos/{memo.pk}/publish/")
    assert confirm.status_code == 200 and "form" in confirm.content.decode()
    response = legal.post(f"/memos/{memo.pk}/publish/")
    address = f"/organisations/{marked.home.pk}/reports/2564/"
    assert response.status_code == 302 and response["Location"] == address
    # An edit after sending does not reach the published report.
    finding = Finding.objects.get(text=IN_REPORT[0])
    finding_update(
        finding=finding,
        tool=finding.tool,
        indicator=None,
        text=LATE,
        oit_items=[],
        actor=marked.users["legal"],
    )
    page = Client().get(address)
    assert page.status_code == 200
    html = page.content.decode()
    assert sent in html
    assert PublishedReport.objects.get().report_html == sent
    assert all(m in html for m in IN_REPORT)
    assert LATE not in html
    # Still nothing but the report: the checklist, progress and the memo's body stay private.
    assert _leaks(marked, NEVER_PUBLIC + [LATE]) == []
    pdf = Client().get(address + "pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    served = b"".join(pdf.streaming_content)
    # The document of record: the bytes stored and signed at the decision, as /verify/ knows them.
    stored = archive.archive_of(memo)
    assert stored is not None and served == archive.stored_bytes(stored)
    # The public organisation page lists it.
    assert address in Client().get(f"/organisations/{marked.home.pk}/").content.decode()
    event = Event.objects.get(action=EventKind.REPORT_PUBLISH)
    assert event.organisation_id == marked.home.pk and event.actor == marked.users["legal"]


def test_only_the_author_or_the_clerk_publishes_an_approved_or_acknowledged_report(
    marked,
) -> None:
    memo = _memo()
    legal = Client()
    legal.force_login(marked.users["legal"])
    assert legal.post(f"/memos/{memo.pk}/publish/").status_code == 403  # a draft
    memo = _decide(marked.users, Memo.Outcome.ACKNOWLEDGED)
    for username, status in (("outsider", 404), ("head", 403), ("mayor", 403)):
        client = Client()
        client.force_login(marked.users[username])
        assert client.post(f"/memos/{memo.pk}/publish/").status_code == status, username
    assert not PublishedReport.objects.exists()
    clerk = Client()
    clerk.force_login(marked.users["clerk"])
    assert clerk.get(f"/memos/{memo.pk}/publish/").status_code == 200
    assert clerk.post(f"/memos/{memo.pk}/publish/").status_code == 302
    assert PublishedReport.objects.get().decision == "ทราบ"


def test_a_not_approved_report_cannot_be_published(marked) -> None:
    memo = _decide(marked.users, Memo.Outcome.NOT_APPROVED)
    legal = Client()
    legal.force_login(marked.users["legal"])
    assert legal.post(f"/memos/{memo.pk}/publish/").status_code == 403
    assert "memos:publish" not in legal.get(f"/memos/{memo.pk}/").content.decode()
    assert not PublishedReport.objects.exists()


def test_the_next_years_oit_items_on_internal_measures_take_the_address(marked) -> None:
    memo = _decide(marked.users)
    # The next year's checklist exists before publication: filled at publication.
    year_2565 = AssessmentYear.objects.create(year=2565)
    oit_checklist_load(year=year_2565, actor=marked.users["legal"])
    assert set(
        OitItem.objects.filter(year=year_2565, from_report=True).values_list("number", flat=True)
    ) == {42}
    # O43 (what was done about the measures) waits for the implementation report.
    assert set(
        OitItem.objects.filter(year=year_2565, from_implementation=True).values_list(
            "number", flat=True
        )
    ) == {43}
    legal = Client()
    legal.force_login(marked.users["legal"])
    legal.post(f"/memos/{memo.pk}/publish/")
    statuses = OitStatus.objects.filter(
        organisation=marked.home, item__year=year_2565, item__from_report=True
    )
    address = f"/organisations/{marked.home.pk}/reports/2564/"
    assert sorted((s.item.number, s.state) for s in statuses) == [(42, "published")]
    assert not OitStatus.objects.filter(item__year=year_2565, item__number=43).exists()
    assert all(s.evidence_url.endswith(address) for s in statuses)
    assert all(s.evidence_url.startswith("http") for s in statuses)
    # A checklist loaded after publication is filled as it is loaded.
    year_2566 = AssessmentYear.objects.create(year=2566)
    oit_checklist_load(year=year_2566, actor=marked.users["legal"])
    assert not OitStatus.objects.filter(item__year=year_2566).exists()  # 2565 not published


def test_a_later_memo_of_the_same_year_republishes_at_the_same_address(marked) -> None:
    legal = marked.users["legal"]
    first = _decide(marked.users)
    publishing.memo_publish_report(memo=first, actor=legal)
    old_pdf = PublishedReport.objects.get().pdf.name
    # A corrected report, carried by a new memo, approved in turn.
    finding = Finding.objects.get(text=IN_REPORT[0])
    finding_update(
        finding=finding, tool="OIT", indicator=None, text=LATE, oit_items=[], actor=legal
    )
    second = memo_services.memo_create(
        organisation=marked.home,
        data={
            **{f: getattr(first, f) for f in ("unit_name", "letter_code", "addressee", "body")},
            "subject": "รายงานฉบับแก้ไข",
            "signature_name": first.signature_name,
            "signature_position": first.signature_position,
            "report_year": first.report_year,
        },
        actor=legal,
    )
    memo_services.memo_send(memo=second, actor=legal)
    for username in ("head", "deputy", "clerk", "mayor"):
        memo_services.memo_approve(
            memo=Memo.objects.get(pk=second.pk),
            actor=marked.users[username],
            outcome=Memo.Outcome.APPROVED if username == "mayor" else "",
        )
    second = Memo.objects.get(pk=second.pk)
    publishing.memo_publish_report(memo=second, actor=legal)
    publication = PublishedReport.objects.get()  # still one, at the same address
    assert publication.report_html == second.report_sent and LATE in publication.report_html
    assert publication.memo_subject == "รายงานฉบับแก้ไข" and publication.pdf.name != old_pdf
    html = Client().get(f"/organisations/{marked.home.pk}/reports/2564/").content.decode()
    assert LATE in html and IN_REPORT[0] not in html
    events = Event.objects.filter(action=EventKind.REPORT_PUBLISH).order_by("pk")
    assert [e.data["replaces"] for e in events] == [None, first.number_display]


def test_an_older_decided_memo_does_not_replace_the_newer_public_report(tmp_media, marked) -> None:
    """The demo's memo of 2564 was decided in 2021; the marked memo is decided today. Once the
    newer report is public, publishing the older one asks first and names the public one."""
    legal = marked.users["legal"]
    newer = _decide(marked.users)
    publishing.memo_publish_report(memo=newer, actor=legal)
    older = decided_2564()
    assert older.decided_at is not None and newer.decided_at is not None
    assert older.decided_at < newer.decided_at
    public = PublishedReport.objects.get()
    before = (public.memo_number, public.report_html, public.pdf.name)
    events = Event.objects.count()

    with pytest.raises(ValidationError) as refused:
        publishing.memo_publish_report(memo=older, actor=legal)
    assert newer.number in " ".join(refused.value.messages)
    public.refresh_from_db()
    assert (public.memo_number, public.report_html, public.pdf.name) == before
    assert Event.objects.count() == events

    client = Client()
    client.force_login(legal)
    page = client.get(f"/memos/{older.pk}/publish/").content.decode()
    assert newer.number in page and "หลังบันทึกข้อความนี้" in page  # said in Thai
    assert 'name="replace_newer"' in page
    response = client.post(f"/memos/{older.pk}/publish/")
    assert response.status_code == 400
    assert newer.number in response.content.decode()
    public.refresh_from_db()
    assert public.memo_number == before[0]
    html = Client().get(f"/organisations/{marked.home.pk}/reports/2564/").content.decode()
    assert IN_REPORT[0] in html

    # Asked and confirmed: the older report takes the address, the history says which it replaced.
    response = client.post(f"/memos/{older.pk}/publish/", {"replace_newer": "1"})
    assert response.status_code == 302
    public.refresh_from_db()
    assert public.memo_number == older.number_display
    event = Event.objects.filter(action=EventKind.REPORT_PUBLISH).latest("pk")
    assert event.data["replaces"] == newer.number_display


def test_a_newer_memo_replaces_the_older_public_report_without_asking(tmp_media, marked) -> None:
    legal = marked.users["legal"]
    older = decided_2564()
    publishing.memo_publish_report(memo=older, actor=legal)
    newer = _decide(marked.users)
    publishing.memo_publish_report(memo=newer, actor=legal)
    assert PublishedReport.objects.get().memo_number == newer.number_display
