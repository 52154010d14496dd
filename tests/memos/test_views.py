import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memos import services
from memos.models import Attachment, Memo, SignOff, State
from tests.memos.conftest import MEMO_DATA, bring_to, fresh, make_memo

pytestmark = pytest.mark.django_db

POST_VIEWS = ("send", "withdraw", "decide", "attachments")


def test_memo_pages_need_login(client, org) -> None:
    memo = make_memo(org)
    for url in ("/memos/", "/memos/inbox/", "/memos/new/", f"/memos/{memo.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "path", ["", "edit/", "send/", "withdraw/", "decide/", "attachments/", "attachments/1/"]
)
def test_an_outsider_gets_404_for_every_memo_url(client, org, path: str) -> None:
    memo = bring_to(org, "head")
    client.force_login(org["outsider"])
    method = client.post if path in {f"{v}/" for v in POST_VIEWS} else client.get
    assert method(f"/memos/{memo.pk}/{path}").status_code == 404


@pytest.mark.parametrize("view", [v for v in POST_VIEWS if v != "send"])
def test_write_views_reject_get(client, org, view: str) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    assert client.get(f"/memos/{memo.pk}/{view}/").status_code == 405


def test_a_member_who_is_not_the_signer_gets_403_and_nothing_changes(client, org) -> None:
    memo = bring_to(org, "head")
    client.force_login(org["member"])
    assert client.get(f"/memos/{memo.pk}/").status_code == 200
    response = client.post(
        f"/memos/{memo.pk}/decide/",
        {"expected_state": "head", "expected_round": 1, "action": "forward"},
    )
    assert response.status_code == 403
    assert client.get(f"/memos/{memo.pk}/edit/").status_code == 403
    assert fresh(memo).state == State.HEAD and not SignOff.objects.exists()


def test_the_author_writes_a_draft_in_the_browser(client, org) -> None:
    client.force_login(org["author"])
    form = client.get("/memos/new/")
    assert form.status_code == 200
    assert form.context["form"].initial["letter_code"] == "ตง 78201"
    response = client.post("/memos/new/", MEMO_DATA)
    memo = Memo.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/memos/{memo.pk}/"
    assert memo.author == org["author"] and memo.state == State.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "บันทึกข้อความ" in page and "ย่อหน้าที่สอง" in page


def test_a_validation_error_keeps_everything_typed(client, org) -> None:
    client.force_login(org["author"])
    data = {**MEMO_DATA, "subject": "", "body": "ข้อความยาวที่พิมพ์ไว้\n\nอีกย่อหน้า"}
    response = client.post("/memos/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "ข้อความยาวที่พิมพ์ไว้" in page and "อีกย่อหน้า" in page
    assert "งานกฎหมายและคดี สำนักปลัด" in page
    assert not Memo.objects.exists()


def test_text_posted_after_the_session_expired_comes_back_after_login(client, org) -> None:
    memo = make_memo(org)
    data = {
        **MEMO_DATA,
        "expected_state": "draft",
        "expected_round": 0,
        "body": "ข้อความใหม่ที่ยังไม่ได้บันทึก",
    }
    response = client.post(f"/memos/{memo.pk}/edit/", data)  # no session: it has expired
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/memos/")
    assert fresh(memo).body == MEMO_DATA["body"]  # nothing written without a login

    login = client.post(
        "/accounts/login/",
        {"username": "author", "password": "pw", "next": f"/memos/{memo.pk}/edit/"},
    )
    assert login.status_code == 302 and login["Location"] == f"/memos/{memo.pk}/edit/"
    page = client.get(login["Location"])
    assert page.context["form"].initial["body"] == "ข้อความใหม่ที่ยังไม่ได้บันทึก"
    assert "ข้อความใหม่ที่ยังไม่ได้บันทึก" in page.content.decode()
    # Once only: the next visit shows the saved text again.
    assert (
        client.get(f"/memos/{memo.pk}/edit/").context["form"].initial["body"] == MEMO_DATA["body"]
    )


def test_a_comment_typed_when_the_session_expired_comes_back_on_the_memo(client, org) -> None:
    memo = bring_to(org, "head")
    data = {
        "expected_state": "head",
        "expected_round": 1,
        "action": "return",
        "comment": "เหตุผลยาว ๆ",
    }
    response = client.post(f"/memos/{memo.pk}/decide/", data)
    assert response["Location"] == f"/accounts/login/?next=/memos/{memo.pk}/"
    client.post("/accounts/login/", {"username": "head", "password": "pw"})
    page = client.get(f"/memos/{memo.pk}/")
    assert page.context["decision_form"].initial["comment"] == "เหตุผลยาว ๆ"
    assert fresh(memo).state == State.HEAD


def test_returning_without_a_reason_shows_the_error_and_keeps_the_page(client, org) -> None:
    memo = bring_to(org, "head")
    client.force_login(org["head"])
    response = client.post(
        f"/memos/{memo.pk}/decide/",
        {"expected_state": "head", "expected_round": 1, "action": "return", "comment": ""},
    )
    assert response.status_code == 400
    assert response.context["decision_form"].errors["comment"]
    assert fresh(memo).state == State.HEAD


def test_the_inbox_and_its_count_show_what_awaits_the_user(client, org) -> None:
    memo = bring_to(org, "head")
    bring_to(org, "deputy")
    client.force_login(org["head"])
    response = client.get("/memos/inbox/")
    assert [m.pk for m in response.context["memos"]] == [memo.pk]
    assert '<span class="badge"' in response.content.decode()
    assert response.context["memo_inbox_count"] == 1
    client.force_login(org["author"])
    assert client.get("/memos/inbox/").context["memos"] == []


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_inbox_makes_the_same_number_of_queries_for_2_or_20_memos(client, org) -> None:
    client.force_login(org["head"])
    for _ in range(2):
        bring_to(org, "head")
    small = _queries(client, "/memos/inbox/")
    for _ in range(18):
        bring_to(org, "head")
    assert _queries(client, "/memos/inbox/") == small
    assert _queries(client, "/memos/") == _queries(client, "/memos/")


def test_the_memo_page_makes_the_same_number_of_queries_whatever_its_history(client, org) -> None:
    client.force_login(org["mayor"])
    short = bring_to(org, "mayor")
    small = _queries(client, f"/memos/{short.pk}/")
    long = bring_to(org, "clerk")
    for _ in range(3):
        services.memo_return(memo=fresh(long), actor=org["clerk"], reason="แก้")
        services.memo_send(memo=fresh(long), actor=org["author"])
        for role in ("head", "deputy"):
            services.memo_approve(memo=fresh(long), actor=org[role])
    services.memo_approve(memo=fresh(long), actor=org["clerk"])
    assert fresh(long).state == State.MAYOR
    assert _queries(client, f"/memos/{long.pk}/") == small


def test_the_printed_memo_uses_thai_digits_and_shows_earlier_comments(client, org) -> None:
    memo = bring_to(org, "clerk")
    client.force_login(org["clerk"])
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert "ตง ๗๘๒๐๑/๑" in page
    assert "ความเห็นหัวหน้าสำนักปลัด" in page and "ความเห็นรองปลัด อบต." in page
    assert page.count("เห็นควรอนุมัติ") >= 2
    assert "ชื่อhead ทดสอบ" in page


def test_attachments_are_served_to_members_only(client, org, tmp_media) -> None:
    memo = make_memo(org)
    without_file = memo.content_hash()
    client.force_login(org["author"])
    upload = SimpleUploadedFile("รายงาน ITA.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(f"/memos/{memo.pk}/attachments/", {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "รายงาน ITA.pdf" and attachment.size == 13
    assert "รายงาน" not in attachment.file.name  # stored under its hash, not the user's name
    assert fresh(memo).content_hash() != without_file  # a signature covers the files too

    client.force_login(org["member"])
    url = f"/memos/{memo.pk}/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(org["outsider"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302

    services.memo_send(memo=memo, actor=org["author"])
    client.force_login(org["author"])
    response = client.post(f"/memos/{memo.pk}/attachments/{attachment.pk}/delete/")
    assert Attachment.objects.count() == 1  # a sent memo keeps its files


def test_an_empty_or_oversized_file_is_refused_with_its_name(
    client, org, tmp_media, settings
) -> None:
    settings.MAX_UPLOAD_BYTES = 10
    memo = make_memo(org)
    client.force_login(org["author"])
    response = client.post(
        f"/memos/{memo.pk}/attachments/",
        {"file": SimpleUploadedFile("big.xlsx", b"x" * 11)},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("big.xlsx" in m for m in messages), messages
    assert not Attachment.objects.exists()


def test_send_and_withdraw_through_the_pages(client, org) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    response = client.post(
        f"/memos/{memo.pk}/send/", {"expected_state": "draft", "expected_round": 0}, follow=True
    )
    assert fresh(memo).state == State.HEAD
    assert any("ตง ๗๘๒๐๑/๑" in str(m) for m in response.context["messages"])
    client.post(f"/memos/{memo.pk}/withdraw/", {"expected_state": "head", "expected_round": 1})
    assert fresh(memo).state == State.WITHDRAWN


def test_the_date_field_shows_and_takes_a_buddhist_era_date(client, org) -> None:
    import datetime as dt

    memo = make_memo(org, date=dt.date(2021, 8, 20))
    client.force_login(org["author"])
    page = client.get(f"/memos/{memo.pk}/edit/").content.decode()
    assert 'type="text" name="date" value="20/08/2564"' in page and 'type="date"' not in page
    response = client.post(f"/memos/{memo.pk}/edit/", {**MEMO_DATA, "date": "๒๕ ส.ค. ๒๕๖๔"})
    assert response.status_code == 302
    assert fresh(memo).date == dt.date(2021, 8, 25)


def test_a_christian_era_date_is_refused_by_name_and_nothing_changes(client, org) -> None:
    import datetime as dt

    memo = make_memo(org, date=dt.date(2021, 8, 20))
    client.force_login(org["author"])
    response = client.post(
        f"/memos/{memo.pk}/edit/", {**MEMO_DATA, "subject": "ใหม่", "date": "25/08/2021"}
    )
    assert response.status_code in (200, 400)
    assert "25/08/2021" in response.context["form"].errors["date"][0]
    assert (fresh(memo).date, fresh(memo).subject) == (dt.date(2021, 8, 20), MEMO_DATA["subject"])


def test_the_inbox_pages_through_many_waiting_memos_oldest_first(client, org) -> None:
    from memos.selectors import INBOX_PAGE_SIZE

    memos = [bring_to(org, "head") for _ in range(INBOX_PAGE_SIZE + 3)]
    client.force_login(org["head"])
    first = client.get("/memos/inbox/")
    assert [m.pk for m in first.context["memos"]] == [m.pk for m in memos[:INBOX_PAGE_SIZE]]
    assert first.context["memo_inbox_count"] == INBOX_PAGE_SIZE + 3
    second = client.get("/memos/inbox/?page=2")
    assert [m.pk for m in second.context["memos"]] == [m.pk for m in memos[INBOX_PAGE_SIZE:]]
    assert client.get("/memos/inbox/?page=99").context["page"] == 2
    assert client.get("/memos/inbox/?page=x").context["page"] == 1
