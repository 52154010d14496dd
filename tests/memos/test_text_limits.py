"""A memo's text has limits of its own, said in Thai with the field and the numbers.

Without them a 500,000-character body was saved and then cost 6.7 s of CPU at every render;
the limits (``memos.models``: BODY_MAX_LENGTH, COMMENT_MAX_LENGTH) are far beyond a real memo.
A draft over the limit is refused and shown again with everything typed; nothing is written.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ita.history.models import Event
from memos import services
from memos.models import BODY_MAX_LENGTH, COMMENT_MAX_LENGTH, Memo, SignOff
from tests.memos.conftest import MEMO_DATA, bring_to, fresh, make_memo

pytestmark = pytest.mark.django_db

# Paragraphs as typed; the last words show the text came back whole.
LONG_BODY = ("ย่อหน้ายาว " * 2_800 + "\n\n") * 2 + "คำสุดท้ายที่พิมพ์ไว้"


def test_a_body_at_the_limit_is_saved_and_one_character_more_is_refused_naming_both(
    org,
) -> None:
    at_limit = "ก" * BODY_MAX_LENGTH
    memo = services.memo_create(
        organisation=org.organisation, data={**MEMO_DATA, "body": at_limit}, actor=org["author"]
    )
    assert len(memo.body) == BODY_MAX_LENGTH
    with pytest.raises(ValidationError) as refused:
        services.memo_update(memo=memo, data={"body": at_limit + "ข"}, actor=org["author"])
    (message,) = refused.value.message_dict["body"]
    assert message == (
        "ข้อความของบันทึกยาว 30,001 ตัวอักษร ข้อความของบันทึกหนึ่งฉบับยาวได้ไม่เกิน 30,000 "
        "ตัวอักษร โปรดย่อให้สั้นลง หรือแนบเนื้อหาที่ยาวเป็นไฟล์"
    )
    assert fresh(memo).body == at_limit
    assert not Event.objects.filter(action="memo.update").exists()


def test_a_draft_over_the_limit_is_shown_again_with_everything_typed(client, org) -> None:
    assert len(LONG_BODY) > BODY_MAX_LENGTH
    client.force_login(org["author"])
    response = client.post("/memos/new/", {**MEMO_DATA, "body": LONG_BODY})
    assert response.status_code == 400
    form = response.context["form"]
    assert "30,000" in form.errors["body"][0] and "ข้อความของบันทึก" in form.errors["body"][0]
    page = response.content.decode()
    assert form.errors["body"][0] in page
    assert "คำสุดท้ายที่พิมพ์ไว้" in page and page.count("ย่อหน้ายาว") >= 5_600
    assert MEMO_DATA["subject"] in page
    assert not Memo.objects.exists()

    memo = make_memo(org)
    data = {**MEMO_DATA, "body": LONG_BODY, "expected_state": "draft", "expected_round": 0}
    response = client.post(f"/memos/{memo.pk}/edit/", data)
    assert response.status_code == 400 and "คำสุดท้ายที่พิมพ์ไว้" in response.content.decode()
    assert fresh(memo).body == MEMO_DATA["body"]


def test_a_comment_over_its_limit_is_refused_and_nothing_is_signed(org) -> None:
    memo = bring_to(org, "head")
    with pytest.raises(ValidationError) as refused:
        services.memo_approve(
            memo=memo, actor=org["head"], comment="ค" * (COMMENT_MAX_LENGTH + 1), outcome=""
        )
    assert "4,000" in refused.value.messages[0] and "ความเห็น" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.memo_return(memo=memo, actor=org["head"], reason="ค" * (COMMENT_MAX_LENGTH + 1))
    assert not SignOff.objects.filter(memo=memo, step="head").exists()
    assert fresh(memo).state == "head"
