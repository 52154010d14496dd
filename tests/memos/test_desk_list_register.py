"""My desk (returned memos with the reason, what happened), the memo list (search, filters,
pages, no cap) and the outgoing register (page, PDF, XLSX): its numbers are the memos'."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ita.history.models import EventKind
from ita.history.payloads import MemoArchived
from ita.history.services import event_record
from ita.lib.thai import fiscal_year_be, thai_digits
from memos import selectors, services
from memos.models import Memo, OutgoingRegister, State
from tests import digits
from tests.memos.conftest import bring_to, fresh, make_memo
from tests.pdf.extract import pdftotext

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _bulk(org, n: int, start: int = 1000, **fields: object) -> None:
    """``n`` decided memos with numbers from ``start``, written directly (fast, many)."""
    year = fiscal_year_be(timezone.localdate())
    Memo.objects.bulk_create(
        Memo(
            organisation=org.organisation,
            author=org["author"],
            state=State.DECIDED,
            outcome="approved",
            round=1,
            unit_name="สำนักปลัด",
            letter_code="ตง 78201",
            register_year=year,
            register_number=start + i,
            subject=f"เรื่องที่ {start + i}",
            addressee="นายก",
            body="ข้อความ",
            signature_name="ชื่อauthor ทดสอบ",
            signature_position="นิติกร",
            sent_at=timezone.now(),
            **fields,
        )
        for i in range(n)
    )


def test_a_returned_memo_waits_on_the_authors_desk_with_the_reason(client, org) -> None:
    memo = bring_to(org, "returned")  # the head returned it: "แก้ไขตัวเลข"
    client.force_login(org["author"])
    home = client.get("/").content.decode()
    assert 'class="nav-desk"' in home
    assert '<span class="badge" title="บันทึกของท่านที่ถูกส่งคืนให้แก้ไข">1</span>' in home
    response = client.get(reverse("memos:desk"))
    desk = response.context["desk"]
    assert [m.pk for m in desk.returned] == [memo.pk]
    assert desk.returned[0].return_signoff.comment == "แก้ไขตัวเลข"
    html = response.content.decode()
    assert "แก้ไขตัวเลข" in html and reverse("memos:edit", args=[memo.pk]) in html
    # What happened: the head's return, from the history, not the author's own send.
    actions = [(e.actor.pk if e.actor else None, e.action) for e in desk.events]
    assert actions == [(org["head"].pk, "memo.return")]
    # Sent again, it leaves the to-do list and the count.
    services.memo_send(memo=fresh(memo), actor=org["author"])
    assert client.get(reverse("memos:desk")).context["desk"].returned == []
    assert selectors.nav_counts(org["author"]) == {"inbox": 0, "returned": 0}
    assert selectors.nav_counts(org["head"]) == {"inbox": 1, "returned": 0}


def test_the_desk_makes_the_same_number_of_queries_for_few_or_many_memos(client, org) -> None:
    client.force_login(org["author"])
    bring_to(org, "returned")
    small = _queries(client, reverse("memos:desk"))
    for _ in range(4):
        bring_to(org, "returned")
        bring_to(org, "deputy")
    assert _queries(client, reverse("memos:desk")) == small


def test_the_desks_sections_read_an_index_in_their_order() -> None:
    """The desk's returned memos and drafts (an author's memos at a step, latest changed first)
    and the navigation's returned count are read on one index, whatever the author wrote."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Memo._meta.db_table)
    columns = [c["columns"] for c in found.values() if c["index"] and not c["unique"]]
    assert ["author_id", "state", "updated_at"] in columns
    assert ["author_id", "state"] not in columns  # its prefix serves what that one served


def test_the_list_has_no_cap_and_pages_through_every_memo(client, org) -> None:
    _bulk(org, 260)
    client.force_login(org["author"])
    first = client.get(reverse("memos:list"))
    assert first.context["page_obj"].paginator.count == 260
    seen = []
    for page in range(1, 7):
        seen += [m.pk for m in client.get(reverse("memos:list"), {"page": page}).context["memos"]]
    assert len(seen) == len(set(seen)) == 260  # today's cap was 200 own and 50 sent


def test_the_list_makes_the_same_number_of_queries_for_few_or_many_memos(client, org) -> None:
    client.force_login(org["author"])
    _bulk(org, 3)
    url = reverse("memos:list") + "?q=เรื่อง&page=1"
    small = _queries(client, url)
    _bulk(org, 120, start=5000)
    assert _queries(client, url) == small


def test_the_list_finds_by_subject_text_number_year_state_and_urgency(client, org) -> None:
    sent = services.memo_send(memo=make_memo(org, subject="จัดซื้อวัสดุสำนักงาน"), actor=org["author"])
    other = make_memo(org, subject="ขอลาพักผ่อน", body="ลาพักผ่อนประจำปี", urgency="urgent")
    stranger = make_memo(org, author_key="member", subject="ร่างของคนอื่น")
    client.force_login(org["author"])

    def found(**params: object) -> list[int]:
        return [m.pk for m in client.get(reverse("memos:list"), params).context["memos"]]

    assert found(q="วัสดุ") == [sent.pk]
    assert found(q="ประจำปี") == [other.pk]  # the body
    assert found(q=sent.number) == [sent.pk]  # ตง 78201/1
    assert found(q=thai_digits(sent.number)) == [sent.pk]  # ตง ๗๘๒๐๑/๑
    assert found(q=str(sent.register_number)) == [sent.pk]
    assert found(year=sent.register_year) == [sent.pk]
    assert found(state="head") == [sent.pk]
    assert found(urgency="urgent") == [other.pk]
    assert stranger.pk not in found()  # someone else's draft is theirs until sent
    assert found(q="ไม่มีเรื่องนี้") == []


def _send(org, **data: object) -> Memo:
    return services.memo_send(memo=make_memo(org, **data), actor=org["author"])


def test_the_registers_numbers_match_the_memos(client, org) -> None:
    memos = [_send(org, subject=f"หนังสือฉบับที่ {i}") for i in range(1, 6)]
    services.memo_withdraw(memo=fresh(memos[1]), actor=org["author"])
    make_memo(org, subject="ร่างยังไม่ส่ง")  # a draft takes no number
    year = memos[0].register_year
    entries = selectors.register_entries(org.organisation, year)
    last = OutgoingRegister.objects.get(organisation=org.organisation, fiscal_year=year)
    assert [e.number for e in entries] == list(range(1, last.last_number + 1))
    assert [(e.number, e.memo.pk) for e in entries] == [(m.register_number, m.pk) for m in memos]

    client.force_login(org["member"])
    page = client.get(reverse("memos:register"), {"year": year})
    rows = page.context["register"].rows
    assert [(r.number, r.reference, r.subject) for r in rows] == [
        (m.register_number, m.number, m.subject) for m in memos
    ]
    assert "ถอนเรื่อง" in rows[1].note

    xlsx = client.get(reverse("memos:register_file", args=[year, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("เลขทะเบียนส่ง", "ที่", "ลงวันที่")
    assert [(r[0], r[1], r[5]) for r in values[1:]] == [
        (m.register_number, m.number, m.subject) for m in memos
    ]

    pdf = client.get(reverse("memos:register_file", args=[year, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdftotext(b"".join(pdf.streaming_content))
    assert "ทะเบียนหนังสือส่ง" in text
    flat = "".join(text.split())  # a long subject wraps inside its cell
    for memo in memos:
        assert (
            thai_digits(memo.number) in text and "".join(thai_digits(memo.subject).split()) in flat
        )


def test_the_register_says_when_a_number_has_no_memo(org) -> None:
    memo = _send(org)
    OutgoingRegister.objects.filter(organisation=org.organisation).update(last_number=2)
    entries = selectors.register_entries(org.organisation, memo.register_year)
    assert [(e.number, e.memo and e.memo.pk) for e in entries] == [(1, memo.pk), (2, None)]


def test_outsiders_and_people_without_an_organisation_get_no_register(client, org) -> None:
    _send(org)
    year = fiscal_year_be(timezone.localdate())
    client.force_login(org["outsider"])  # their own organisation's register: empty
    assert client.get(reverse("memos:register"), {"year": year}).context["register"].rows == ()
    from tests.factories import make_user

    client.force_login(make_user("nobody"))
    assert client.get(reverse("memos:register")).status_code == 404
    assert client.get(reverse("memos:register_file", args=[year, "xlsx"])).status_code == 404
    client.logout()
    assert client.get(reverse("memos:register")).status_code == 302


def test_the_desk_shows_what_the_system_did_to_a_memo(client, org) -> None:
    """The archive is recorded with no actor (the worker stores the decided memo's PDF): the
    author's desk names the system instead of failing."""
    memo = make_memo(org)
    event_record(
        actor=None,
        action=EventKind.MEMO_ARCHIVE,
        organisation_id=memo.organisation_id,
        obj=memo,
        data=MemoArchived(sha256="0" * 64, size=1, signed_by="", level="B-B"),
    )
    client.force_login(org["author"])
    response = client.get(reverse("memos:desk"))
    assert response.status_code == 200
    assert [
        (e.actor.pk if e.actor else None, e.action) for e in response.context["desk"].events
    ] == [(None, EventKind.MEMO_ARCHIVE)]
    assert "<strong>ระบบ</strong>" in response.content.decode()


def test_no_line_mixes_thai_and_arabic_digits(client, org) -> None:
    """One digit style per line: the interface's lines (a memo's card, its lead line, its
    history, the desk, the verification page) in Arabic, the outgoing register, an official
    record, and the memo paper in Thai throughout (docs/development.md). The subject and the
    comment are typed with Thai digits, as offices type them."""
    memo = _send(org, subject="ขออนุมัติจัดซื้อครั้งที่ ๒")
    services.memo_approve(memo=fresh(memo), actor=org["head"], comment="เห็นควร ๒ ข้อ")
    memo = fresh(memo)
    client.force_login(org["author"])
    pages = {
        "register": client.get(reverse("memos:register"), {"year": memo.register_year}),
        "list": client.get(reverse("memos:list")),
        "detail": client.get(reverse("memos:detail", args=[memo.pk])),
        "desk": client.get(reverse("memos:desk")),
        "verify": client.get(reverse("verify"), {"code": memo.verify_code}),
    }
    html = {name: response.content.decode() for name, response in pages.items()}
    assert {name: digits.mixed_lines(page) for name, page in html.items()} == dict.fromkeys(
        html, []
    )
    assert "ตง ๗๘๒๐๑/๑" in html["register"] and "ตง 78201/1" in html["list"]
    lead = re.search(r'<p class="lead">(.*?)</p>', html["detail"], re.S)
    assert lead is not None and "ตง 78201/1" in lead.group(1)
    assert "ตง ๗๘๒๐๑/๑" in html["detail"]  # on the paper
    verified = html["verify"].split('class="verify-memo"')[1]
    assert "ตง 78201/1" in verified and not digits.THAI.search(verified)


def test_the_digit_scan_finds_a_line_that_mixes_them() -> None:
    page = (
        "<ul><li>7 ธันวาคม 2569 <a>ตง ๗๘๒๐๑/๑</a></li><li>ตง ๗๘๒๐๑/๑</li></ul><p>COVID-19 ๒๕๖๔</p>"
    )
    assert digits.mixed_lines(page) == ["7 ธันวาคม 2569 ตง ๗๘๒๐๑/๑"]


def test_the_desk_shows_a_few_of_each_and_links_the_rest(client, org, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "DESK_SIZE", 2)
    for _ in range(3):
        bring_to(org, State.RETURNED)
        make_memo(org)
    client.force_login(org["author"])
    with CaptureQueriesContext(connection) as small:
        page = client.get(reverse("memos:desk"))
    desk = page.context["desk"]
    assert len(desk.returned) == 2 and desk.more_returned
    assert len(desk.drafts) == 2 and desk.more_drafts
    text = page.content.decode()
    assert "?state=returned&amp;mine=1" in text and "?state=draft&amp;mine=1" in text
    assert '<span class="badge">3</span>' in text  # the count is all of them
    for _ in range(4):
        bring_to(org, State.RETURNED)
    with CaptureQueriesContext(connection) as large:
        again = client.get(reverse("memos:desk"))
    assert len(again.context["desk"].returned) == 2 and len(large) == len(small)
