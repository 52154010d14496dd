"""The memo page's timeline: each step said once, with words that fit a verb."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.memos.conftest import bring_to, make_memo

pytestmark = pytest.mark.django_db


def _timeline(client, org, memo) -> str:
    client.force_login(org["author"])
    with translation.override("th"):
        html = client.get(f"/memos/{memo.pk}/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    return html[html.index('<ol class="timeline">') : html.index("</ol>", html.index("timeline"))]


def test_the_mayors_decision_reads_as_a_verb_with_its_outcome(client, org) -> None:
    timeline = _timeline(client, org, bring_to(org, "decided"))
    assert "สั่งการ: อนุมัติ" in timeline
    assert "วันที่สั่งการ" not in timeline  # the field label "decided at" is not the verb


def test_forwarding_says_its_decision_once(client, org) -> None:
    timeline = _timeline(client, org, bring_to(org, "decided"))
    assert timeline.count("เห็นชอบและเสนอต่อ") == 3  # head, deputy clerk, clerk
    assert "เห็นชอบและเสนอต่อ: " not in timeline


def test_returning_says_its_decision_once(client, org) -> None:
    timeline = _timeline(client, org, bring_to(org, "returned", make_memo(org)))
    assert "ส่งคืนเจ้าของเรื่อง" in timeline and "ส่งคืนเจ้าของเรื่อง: ส่งคืนเจ้าของเรื่อง" not in timeline
