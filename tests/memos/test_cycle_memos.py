"""The memo side of the year's cycle: the memo written from the report in one action, its check
of the year it names (seen by the author and every executive), and where each person lands
after logging in."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.html import escape

from ita.demo.seed import DEMO_PASSWORD
from measures.services.report import report_prepare
from memos import drafting
from memos import services as memo_services
from memos.checks import memo_year_checks
from memos.models import Memo
from tests.measures.test_cycle import TODAY, _assessment_2565, _import_2565

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(demo):
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    report_prepare(assessment=assessment, actor=demo.users["legal"], today=TODAY)
    return assessment


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_memo_is_written_from_the_reports_figures_in_thai_digits(demo, year) -> None:
    legal = _client(demo.users["legal"])
    response = legal.post(f"/memos/from-report/{demo.home.pk}/2565/")
    memo = Memo.objects.get(organisation=demo.home, report_year__year=2565)
    assert response["Location"] == f"/memos/{memo.pk}/"
    assert memo.author == demo.users["legal"] and memo.state == "draft"
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๕" in memo.subject
    total = f"{year.total:.2f}".translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert f"คือ {total} คะแนน" in memo.body
    # The flagged lowest indicator of each tool, named with its score.
    assert "ตัวชี้วัดที่ ๒" in memo.body and "ตัวชี้วัดที่ ๘" in memo.body
    assert "ตัวชี้วัดที่ ๑๐" in memo.body and "(๘๖.๓๐ คะแนน)" in memo.body
    assert not re.search("[0-9]", memo.subject + memo.body)
    assert memo.addressee and memo.signature_position == "นิติกรปฏิบัติการ"
    assert memo_year_checks(memo) == []
    # Asked again while it is on its way: the same memo, not a second one.
    again = legal.post(f"/memos/from-report/{demo.home.pk}/2565/")
    assert again["Location"] == response["Location"]
    assert Memo.objects.filter(report_year__year=2565).count() == 1
    # Everything stays editable before sending.
    edited = memo_services.memo_update(
        memo=memo, data={"body": memo.body + "\n\nเพิ่มเติม"}, actor=demo.users["legal"]
    )
    assert edited.body.endswith("เพิ่มเติม")


def test_a_memo_naming_another_year_is_questioned_before_the_author_and_every_executive(
    demo, year
) -> None:
    memo = drafting.memo_for_report(assessment=year, actor=demo.users["legal"])
    memo = memo_services.memo_update(
        memo=memo,
        data={"subject": memo.subject.replace("๒๕๖๕", "๒๕๖๔")},
        actor=demo.users["legal"],
    )
    [problem] = memo_year_checks(memo)
    assert "2564" in problem and "2565" in problem
    author = _client(demo.users["legal"])
    assert escape(problem) in author.get(f"/memos/{memo.pk}/").content.decode()
    memo_services.memo_send(memo=memo, actor=demo.users["legal"])
    for username in ("head", "deputy", "clerk", "mayor"):
        page = _client(demo.users[username]).get(f"/memos/{memo.pk}/").content.decode()
        assert escape(problem) in page, username
        if username != "mayor":
            memo_services.memo_approve(
                memo=Memo.objects.get(pk=memo.pk), actor=demo.users[username], comment="ทราบ"
            )


def test_the_body_naming_another_year_is_questioned_too_but_not_the_following_year_of_what_was_done(
    demo, year
) -> None:
    memo = drafting.memo_for_report(assessment=year, actor=demo.users["legal"])
    memo.body += "\n\nตามผลประจำปี ๒๕๖๓"
    assert [p for p in memo_year_checks(memo) if "2563" in p]
    memo.body = memo.body.replace("ประจำปี ๒๕๖๓", "ในปีงบประมาณ 2566")
    assert memo_year_checks(memo)  # the yearly report's memo: only its own year
    memo.implementation_id = 1  # what was done may run into the following fiscal year
    assert memo_year_checks(memo) == []


def test_each_person_lands_on_their_work_after_logging_in(demo, year) -> None:
    users = demo.users
    assert _client(users["legal"]).get("/memos/start/")["Location"] == "/memos/desk/"
    assert _client(users["admin"]).get("/memos/start/")["Location"] == "/"
    assert _client(users["outsider"]).get("/memos/start/")["Location"] == "/memos/desk/"
    memo = drafting.memo_for_report(assessment=year, actor=users["legal"])
    memo_services.memo_send(memo=memo, actor=users["legal"])
    # The head has one memo waiting: straight to it. The mayor has nothing yet.
    assert _client(users["head"]).get("/memos/start/")["Location"] == f"/memos/{memo.pk}/"
    assert _client(users["mayor"]).get("/memos/start/")["Location"] == "/memos/desk/"
    for username in ("head", "deputy", "clerk"):
        memo_services.memo_approve(
            memo=Memo.objects.get(pk=memo.pk), actor=users[username], comment="ทราบ"
        )
    assert _client(users["mayor"]).get("/memos/start/")["Location"] == f"/memos/{memo.pk}/"
    memo_services.memo_approve(
        memo=Memo.objects.get(pk=memo.pk),
        actor=users["mayor"],
        comment="",
        outcome=Memo.Outcome.APPROVED,
    )
    # Decided: its author lands on it, where the report waits to be published.
    assert _client(users["legal"]).get("/memos/start/")["Location"] == f"/memos/{memo.pk}/"
    # Logging in goes there.
    response = Client().post(
        "/accounts/login/", {"username": "legal", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/memos/{memo.pk}/"
