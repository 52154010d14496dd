"""Two app servers (two gunicorn processes) against one database agree: a session, an upload
and an import applied through one are seen through the other, and every public page and the
API show the new figures on both at the next request, although both had them cached."""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfWriter

from tests.imports.helpers import seed_text
from tests.servers import AppServer, Browser, manage, stack_env

pytestmark = pytest.mark.serve

PASSWORD = "ita-demo-2564"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, AppServer]]:
    root: Path = tmp_path_factory.mktemp("two-servers")
    env = stack_env(
        SQLITE_PATH=str(root / "db.sqlite3"),
        MEDIA_ROOT=str(root / "media"),
        RENDER_LOCK_DIR=str(root / "slots"),
        DEBUG="true",
    )
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    a = AppServer(env, log=root / "a.log").start()
    b = AppServer(env, log=root / "b.log").start()
    try:
        yield a.wait(), b.wait()
    finally:
        a.stop()
        b.stop()


def _province_and_pao(browser: Browser, server: AppServer) -> tuple[str, str]:
    query = urllib.parse.urlencode({"q": "องค์การบริหารส่วนจังหวัดตรัง"})
    item = json.loads(browser.get(f"{server.url}/api/v1/organisations?{query}").body)["results"][0]
    return str(item["province"]["id"]), str(item["id"])


def test_an_import_through_one_server_shows_on_both(servers: tuple[AppServer, AppServer]) -> None:
    a, b = servers
    visitor = Browser()
    province, pao = _province_and_pao(visitor, a)
    pages = [
        f"/results/2564/{province}/",
        f"/results/2564/{province}/overview/",
        f"/organisations/{pao}/",
        f"/api/v1/assessments?organisation={pao}",
    ]
    before = {}
    for server in (a, b):
        for page in pages:
            response = visitor.get(server.url + page)
            assert response.status == 200 and "96.76" in response.text, (server.url, page)
            again = visitor.get(server.url + page, if_none_match=response.headers["ETag"])
            assert again.status == 304  # cached, and the cache answers on this server
            before[server.url, page] = response.headers["ETag"]

    admin = Browser()
    admin.log_in(a.url, "admin", PASSWORD)
    # The session made through A is good on B: sessions live in the database.
    assert admin.get(b.url + "/imports/").status == 200

    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    preview = admin.post(a.url + "/imports/", {"text": text, "year": "2564"})
    assert preview.status == 200, preview.text[:1000]
    batch = re.search(r"/imports/(\d+)/", preview.url)
    assert batch, preview.url
    for _ in range(20):
        if "/commit/" in preview.text:
            break
        preview = admin.post(f"{a.url}/imports/{batch.group(1)}/check/", {})
    queued = admin.post(f"{a.url}/imports/{batch.group(1)}/commit/", {})
    assert queued.status == 200
    # The apply is the task worker's (issue 21): the worker, a process of its own, runs it.
    manage(a.env, "worker", "--batch", "--queue-name=*", "--no-startup-delay")
    assert "97.76" in admin.get(f"{b.url}/imports/{batch.group(1)}/").text

    for server in (b, a):
        for page in pages:
            etag = before[server.url, page]
            response = visitor.get(server.url + page, if_none_match=etag)
            assert response.status == 200, (server.url, page)
            assert "97.76" in response.text, (server.url, page)
            assert response.headers["ETag"] != etag


def test_a_file_uploaded_through_one_server_downloads_through_the_other(
    servers: tuple[AppServer, AppServer],
) -> None:
    a, b = servers
    legal = Browser()
    legal.log_in(a.url, "legal", PASSWORD)
    memos = legal.get(b.url + "/memos/")
    memo = re.search(r'href="/memos/(\d+)/"', memos.text)
    assert memo, memos.text[:2000]
    # Attachments are checked by content (ita.lib.filetypes): plain text is refused, a PDF is not.
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "หลักฐานการประชุม วันที่ ๑ ธันวาคม"})
    out = io.BytesIO()
    writer.write(out)
    content = out.getvalue()
    uploaded = legal.post(
        f"{a.url}/memos/{memo.group(1)}/attachments/", {}, {"file": ("minutes.pdf", content)}
    )
    assert uploaded.status == 200
    link = re.search(rf'href="(/memos/{memo.group(1)}/attachments/\d+/[^"]*)"', uploaded.text)
    assert link, uploaded.text[:3000]
    downloaded = legal.get(b.url + link.group(1))
    assert downloaded.status == 200 and downloaded.body == content
