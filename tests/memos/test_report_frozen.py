"""What the executives sign stays as they signed it: the attached report is frozen when sent."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ita.demo import memos as demo_memos
from ita.results.models import Assessment
from measures.models import Measure
from memos import services
from memos.models import Memo
from tests import factories
from tests.pdf import extract

pytestmark = pytest.mark.django_db

EDITED = "แก้ไขหลังลงนามแล้ว"


def _memo() -> Memo:
    """The seed's memo written again as a draft (the demo's own was decided in 2564), and the
    same memo at each later call."""
    memo = (
        Memo.objects.select_related("organisation", "report_year")
        .filter(author__username="legal", report_year__year=2564)
        .exclude(pk=factories.decided_2564().pk)
        .order_by("pk")
        .last()
    )
    if memo is None:
        demo_memos.seed_draft()
        return _memo()
    return memo


def _pdf_text(client: Client, memo: Memo) -> str:
    response = client.get(f"/memos/{memo.pk}/pdf/")
    assert response.status_code == 200
    return extract.pdftotext(b"".join(response.streaming_content), "-raw")


def _decide(users: dict) -> Memo:
    services.memo_send(memo=_memo(), actor=users["legal"])
    for username in ("head", "deputy", "clerk", "mayor"):
        outcome = Memo.Outcome.APPROVED if username == "mayor" else ""
        services.memo_approve(memo=_memo(), actor=users[username], comment="ทราบ", outcome=outcome)
    return _memo()


def test_a_decided_memo_prints_the_report_as_it_was_signed(demo) -> None:
    memo = _decide(demo.users)
    assert memo.state == Memo.State.DECIDED and memo.report_sent
    client = Client()
    client.force_login(demo.users["legal"])
    before = _pdf_text(client, memo)

    measure = Measure.objects.filter(assessment__organisation=demo.home).first()
    Measure.objects.filter(pk=measure.pk).update(follow_up=EDITED)
    Assessment.objects.filter(organisation=demo.home, year__year=2564).update(level="B")

    after = _pdf_text(client, _memo())
    assert EDITED not in after
    assert after == before


def test_every_signature_covers_the_report_as_sent(demo) -> None:
    memo = _decide(demo.users)
    hashes = {s.content_hash for s in memo.signoffs.all()}
    assert hashes == {memo.content_hash()}
    memo.report_sent += "<p>changed</p>"
    assert memo.content_hash() not in hashes


def test_a_draft_prints_the_report_as_the_data_stands(demo) -> None:
    memo = _memo()
    assert memo.report_sent == ""
    Measure.objects.filter(assessment__organisation=demo.home).update(follow_up=EDITED)
    client = Client()
    client.force_login(demo.users["legal"])
    assert EDITED in _pdf_text(client, memo).replace("\n", "")


def test_the_report_as_sent_sets_its_widths_by_class_for_the_pages_policy(demo) -> None:
    """The memo and published pages show the report as sent under a Content-Security-Policy that
    ignores style attributes: its column widths come from classes their stylesheets know."""
    sent = factories.decided_2564().report_sent
    assert sent and ' style="' not in sent
    assert '<table class="grid tool-scores">' in sent and '<col class="indicator">' in sent
    static = Path(settings.BASE_DIR) / "static"
    for sheet in ("memos/desk.css", "measures/published.css", "pdf/document.css"):
        css = (static / sheet).read_text()
        assert re.search(r"\.tool-scores col\.indicator \{ width: 70%; \}", css), sheet
