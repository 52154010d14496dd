"""The attached report's checks (measures.checks) are shown to the author on the memo page."""

import pytest
from django.urls import reverse

from ita.demo import memos as demo_memos
from measures.models import Measure
from memos.models import Memo

pytestmark = pytest.mark.django_db


def _demo_memo() -> Memo:
    """The seed's memo as a draft (the demo's own was decided in 2564): written once per test."""
    draft = Memo.objects.filter(
        author__username="legal", report_year__year=2564, state=Memo.State.DRAFT
    ).first()
    return draft or demo_memos.seed_draft()


def test_the_author_sees_the_seed_period_mistake_before_sending(client, demo) -> None:
    memo = _demo_memo()
    client.force_login(demo.users["legal"])
    response = client.get(reverse("memos:detail", args=[memo.pk]))
    checks = response.context["report_checks"]
    codes = [c.code for c in checks]
    # Table 1 (ม.ค.๖๔ – มี.ค.๖๔) ends before the memo's date, 25 สิงหาคม ๒๕๖๔; table 2 does not.
    late = [c for c in checks if c.code == "period_ends_before_date"]
    table1 = set(
        Measure.objects.filter(assessment__organisation=demo.home, table=1).values_list(
            "pk", flat=True
        )
    )
    assert {c.object_id for c in late} == table1
    # One kind of digit in a message: the period and the memo's date both in Thai digits.
    assert "ม.ค.๖๔ – มี.ค.๖๔" in late[0].message and "๒๕ สิงหาคม ๒๕๖๔" in late[0].message
    assert "finding_without_measure" in codes
    html = response.content.decode()
    assert "ประเด็นที่ควรตรวจสอบก่อนส่ง" in html
    # On screen, a line of the interface: in Arabic digits (docs/development.md).
    assert "25 สิงหาคม 2564" in html
    side = html.split('class="memo-side"')[1]
    assert "ม.ค.64 – มี.ค.64" in side and "ม.ค.๖๔" not in side
    back = "next=" + reverse("memos:detail", args=[memo.pk]).replace("/", "%2F")
    for check in checks:
        assert back in check.fix_url
        assert check.fix_url in html.replace("&amp;", "&")


def test_fixing_the_period_clears_its_warning(client, demo) -> None:
    memo = _demo_memo()
    Measure.objects.filter(assessment__organisation=demo.home, table=1).update(
        start_month="2021-10-01", end_month="2021-12-01"
    )
    client.force_login(demo.users["legal"])
    checks = client.get(reverse("memos:detail", args=[memo.pk])).context["report_checks"]
    assert "period_ends_before_date" not in [c.code for c in checks]


def test_executives_and_sent_memos_show_no_author_checks(client, demo) -> None:
    memo = _demo_memo()
    client.force_login(demo.users["head"])
    assert client.get(reverse("memos:detail", args=[memo.pk])).context["report_checks"] == []
