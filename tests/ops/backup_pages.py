"""Build a database with files, or snapshot every page of one, for ``test_backup.py``.

Run with this tree as the working directory, the database and MEDIA_ROOT given by the
environment::

    python tests/ops/backup_pages.py build PLAN_JSON     # migrate, demo, files; crawl the pages
    python tests/ops/backup_pages.py snapshot PLAN_JSON OUT_JSON

``build`` loads the demo, attaches a PDF to the demo memo and takes it to the mayor's decision,
records progress with a PDF of evidence, uploads an emblem, then crawls the site as each demo
person (every link on every page reached, downloads and PDFs included) and writes that list.
``snapshot`` fetches every page of the list (``tests/upgrade/snapshot.py`` normalises them:
CSRF tokens blanked, PDFs by their text, files by their hash).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from collections import Counter, deque
from pathlib import Path

import django

django.setup()

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "upgrade"))
import snapshot  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

# Each person crawls from their seeds, following links under the seeds' paths only.
CRAWLS = {None: ("/",), "legal": ("/memos/", "/measures/"), "clerk": ("/memos/",)}
# Not pages of data (log out, language, admin, probes), forms, and the same table re-sorted.
# The register's PDF and XLSX are built by the task worker when first asked for (202 meanwhile,
# memos.register_files) and named by the register's version: the register page, compared here,
# holds what they print, and a restored site builds them again from the same rows.
SKIP = re.compile(
    r"^/(accounts|i18n|admin|static|health|ops)/|/(edit|new|delete)/|[?&](sort|o)="
    r"|^/memos/register/\d+\.\w+$"
)
# Files: fetched by the snapshot, not read for links.
FILES = re.compile(r"/pdf/$|/attachments/\d+/$|/evidence/\d+/$|/image/$|[?&](format|download)=")
LIMIT = 60  # pages per person: the crawl reaches every kind of page well before
PER_SHAPE = 2


def pdf(text: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (90, 120), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def build() -> None:
    from measures.models import Measure
    from measures.services.progress import progress_add
    from memos import archive, settings_services
    from memos import services as memos
    from memos.models import Memo

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=io.StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    # The demo's draft (its memo of 2564 is decided already, and its archival PDF stored).
    memo = Memo.objects.filter(state=Memo.State.DRAFT).order_by("pk").first()
    assert memo is not None
    home = memo.organisation
    settings_services.emblem_set(
        organisation=home, data=png(), filename="garuda.png", actor=users["clerk"]
    )
    memos.attachment_add(
        memo=memo,
        upload=SimpleUploadedFile("รายงาน.pdf", pdf("รายงาน ITA 2564"), "application/pdf"),
        actor=users["legal"],
    )
    measure = Measure.objects.filter(assessment__organisation=home, draft=False).first()
    assert measure is not None
    progress_add(
        measure=measure,
        note="ออกหนังสือกำชับพนักงานทุกคนแล้ว",
        files=[SimpleUploadedFile("หนังสือกำชับ.pdf", pdf("หนังสือกำชับ"), "application/pdf")],
        actor=users["legal"],
        today=dt.date(2021, 3, 15),
    )
    memos.memo_send(memo=Memo.objects.get(pk=memo.pk), actor=users["legal"])
    for role in ("head", "deputy", "clerk"):
        memos.memo_approve(memo=Memo.objects.get(pk=memo.pk), actor=users[role], comment="เห็นควร")
    memos.memo_approve(
        memo=Memo.objects.get(pk=memo.pk), actor=users["mayor"], comment="ทราบ", outcome="approved"
    )
    # The worker's part: the decision queued its archive; stored now, before the site is crawled
    # (else the crawl's download of its PDF would store it between two pages of the snapshot).
    archive.memo_archive(memo.pk)


def crawl() -> list[dict]:
    clients = snapshot.Clients()
    pages: list[dict] = []
    for user, seeds in CRAWLS.items():
        seen: set[str] = set()
        shapes: Counter[str] = Counter()  # a few of each kind of page, not all 85 organisations
        todo = deque(seeds)
        while todo and len(seen) < LIMIT:
            url = todo.popleft()
            if url in seen or SKIP.search(url) or not url.startswith(seeds):
                continue
            shape = re.sub(r"\d+", "N", url)
            if shapes[shape] >= PER_SHAPE:
                continue
            shapes[shape] += 1
            seen.add(url)
            pages.append({"url": url, "user": user, "key": snapshot.key_of(user, url)})
            if FILES.search(url):
                continue
            response = clients(user).get(url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            for href in re.findall(r'(?:href|src)="([^"#]+)"', response.content.decode()):
                href = href.replace("&amp;", "&")
                if href.startswith("?"):
                    href = url.split("?")[0] + href
                if href.startswith("/") and not href.startswith("//"):
                    todo.append(href)
    return pages


def main() -> None:
    mode, plan = sys.argv[1], Path(sys.argv[2])
    if mode == "build":
        build()
        plan.write_text(json.dumps(crawl(), ensure_ascii=False, indent=1))
        return
    pages = json.loads(plan.read_text())
    out = Path(sys.argv[3])
    taken = snapshot.take(pages=pages, commands=[], tables={}, work=out.parent / "work")
    out.write_text(json.dumps(taken, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
