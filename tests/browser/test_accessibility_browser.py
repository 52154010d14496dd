"""WCAG 2.2 AA: every page of the URL map, as the user who may see it, checked with axe-core in
Chromium; no serious or critical violation. Pages are found from the URL map
(``tests.urlmap``), so pages added later are checked without being listed here; the Django
admin is left out (its own project's)."""

from __future__ import annotations

import pytest
from django.test import Client

from ita.demo import memos as demo_memos
from ita.demo.seed import DEMO_PASSWORD
from ita.imports.models import ImportBatch
from ita.organisations.models import Province
from measures.models import Evidence, Finding, Measure
from memos import publishing
from memos import services as memo_services
from memos.models import Attachment, Memo
from tests.urlmap import all_paths

pytestmark = pytest.mark.django_db(transaction=True)

# Who is tried for a page, in order: the first who gets it (200, HTML) checks it.
USERS = (None, "legal", "head", "admin")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def _prepare(demo) -> None:
    """A published report (the demo memo through the chain) and a memo waiting at the head."""
    users = demo.users
    memo = demo_memos.seed_draft()  # the demo's own memo of 2564 is decided already
    memo_services.memo_send(memo=memo, actor=users["legal"])
    for username in ("head", "deputy", "clerk", "mayor"):
        memo = Memo.objects.get(pk=memo.pk)
        memo_services.memo_approve(
            memo=memo,
            actor=users[username],
            comment="เห็นควรอนุมัติ",
            outcome=Memo.Outcome.APPROVED if username == "mayor" else "",
        )
    publishing.memo_publish_report(memo=Memo.objects.get(pk=memo.pk), actor=users["legal"])
    waiting = memo_services.memo_create(
        organisation=demo.home,
        data={
            "unit_name": "สำนักปลัด",
            "letter_code": "ตง 78201",
            "subject": "ขออนุมัติทดสอบการเข้าถึง",
            "addressee": "นายกองค์การบริหารส่วนตำบลสุโสะ",
            "body": "เพื่อโปรดพิจารณา",
            "signature_name": "นายณัชพล รังสิปการ",
            "signature_position": "นิติกรปฏิบัติการ",
        },
        actor=users["legal"],
    )
    memo_services.memo_send(memo=waiting, actor=users["legal"])


def _paths(demo) -> list[str]:
    ids = {
        demo.home.pk,
        *Memo.objects.values_list("pk", flat=True),
        *Measure.objects.values_list("pk", flat=True)[:2],
        *Finding.objects.values_list("pk", flat=True)[:1],
        *Evidence.objects.values_list("pk", flat=True)[:1],
        *Attachment.objects.values_list("pk", flat=True)[:1],
        *ImportBatch.objects.values_list("pk", flat=True)[:1],
    }
    province = Province.objects.get(name="ตรัง")
    values = {"year": ["2564"], "province_id": [str(province.pk)]}
    return all_paths(values, [str(i) for i in sorted(ids)], skip=("admin/", "api/", "i18n/"))


def _clients(demo) -> dict[str | None, Client]:
    clients: dict[str | None, Client] = {}
    for username in USERS:
        client = Client()
        if username:
            client.force_login(demo.users[username])
        clients[username] = client
    return clients


def _pages(demo) -> list[tuple[str, str | None]]:
    """(path, user) for every HTML page some user may open."""
    clients = _clients(demo)
    pages = []
    for path in _paths(demo):
        for username in USERS:
            response = clients[username].get(path)
            html = response.get("Content-Type", "").startswith("text/html")
            if response.status_code == 200 and html and not response.get("Content-Disposition"):
                pages.append((path, username))
                break
    # The executive's own view of a memo at their step (the decision panel) and the inbox.
    waiting = Memo.objects.filter(state=Memo.State.HEAD).values_list("pk", flat=True)
    pages += [(f"/memos/{pk}/", "head") for pk in waiting] + [("/memos/inbox/", "head")]
    return pages


def test_every_page_has_no_serious_or_critical_axe_violation(browser, live_server, demo) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _prepare(demo)
    pages = _pages(demo)
    assert len(pages) > 20 and ("/", None) in pages
    axe = Axe()
    found = []
    by_user: dict[str | None, list[str]] = {}
    for path, username in pages:
        by_user.setdefault(username, []).append(path)
    for username, paths in by_user.items():
        context = browser.new_context(locale="th-TH", base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_load_state()
        for path in paths:
            page.goto(path)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            for v in results.response["violations"]:
                if v["impact"] in BLOCKING:
                    targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
                    found.append(
                        f"{path} (as {username or 'anonymous'}): {v['id']} [{v['impact']}] "
                        f"{v['help']} at {targets}"
                    )
        context.close()
    assert found == [], "\n".join(found)
