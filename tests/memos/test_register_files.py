"""The outgoing register grows with the office: its page is paged, and its PDF and XLSX are built
by the task worker in parts (memory bounded by a part), stored under the register's version,
served at once while current and offered when ready (``memos.register_files``)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from ita.lib.thai import thai_digits
from memos import documents, register_files, selectors, services
from memos.models import OutgoingRegister
from tests.memos.conftest import make_memo
from tests.ops.conftest import DB_TASKS, work
from tests.pdf.extract import pdfinfo_pages, pdftotext

pytestmark = pytest.mark.django_db


def _send(org, n: int) -> list:
    return [
        services.memo_send(memo=make_memo(org, subject=f"หนังสือฉบับที่ {i}"), actor=org["author"])
        for i in range(1, n + 1)
    ]


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_the_register_page_shows_a_page_of_numbers_the_newest_first(
    client, org, monkeypatch
) -> None:
    monkeypatch.setattr(selectors, "REGISTER_PAGE_SIZE", 3)
    memos = _send(org, 7)
    year = memos[0].register_year
    client.force_login(org["member"])
    url = reverse("memos:register")
    last = client.get(url, {"year": year})
    assert [r.number for r in last.context["register"].rows] == [7]
    assert last.context["pages"] == 3
    first = client.get(url, {"year": year, "page": 1})
    assert [r.subject for r in first.context["register"].rows] == [m.subject for m in memos[:3]]
    assert f"?year={year}&amp;page=2" in first.content.decode()
    # A page reads the same few rows whatever the register's size.
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"year": year, "page": 2})
    _send(org, 7)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url, {"year": year, "page": 2})
    assert len(large) == len(small)
    assert [r.number for r in page.context["register"].rows] == [4, 5, 6]


@pytest.fixture
def queued(settings, tmp_media, monkeypatch):
    settings.TASKS = DB_TASKS  # built by the worker, as in production
    # The worker runs inside the test's transaction: its check for stale connections would
    # close it (PostgreSQL: autocommit is off inside the transaction).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_file_is_built_by_the_worker_then_served_from_storage(client, org, queued, fmt) -> None:
    memos = _send(org, 3)
    year = memos[0].register_year
    client.force_login(org["member"])
    url = reverse("memos:register_file", args=[year, fmt])
    waiting = client.get(url)
    assert waiting.status_code == 202 and int(waiting["Retry-After"]) >= 1
    assert "no-store" in waiting["Cache-Control"]
    assert client.get(url).status_code == 202
    assert DBTaskResult.objects.count() == 1  # one build per version, however often asked
    assert work() == 1
    body = _body(client.get(url))
    if fmt == "pdf":
        assert thai_digits(memos[2].number) in pdftotext(body)
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [1, 2, 3]
    # A new number makes a new version: built again, the old file removed.
    old = register_files.current(org.organisation, year, fmt)
    _send(org, 1)
    assert client.get(url).status_code == 202
    assert work() == 1
    assert _body(client.get(url))
    assert not default_storage.exists(old)


def test_the_build_holds_one_part_at_a_time_and_numbers_its_pages_over_the_year(
    org, tmp_media, monkeypatch
) -> None:
    monkeypatch.setattr(register_files, "CHUNK_ROWS", 4)
    memos = _send(org, 10)
    OutgoingRegister.objects.filter(organisation=org.organisation).update(last_number=11)
    year = memos[0].register_year
    held: list[int] = []
    real = documents.register_doc

    def spy(organisation, year, first=1, last=None):
        doc = real(organisation, year, first, last)
        held.append(len(doc.rows))
        return doc

    monkeypatch.setattr(documents, "register_doc", spy)
    out = io.BytesIO()
    register_files.write_pdf(org.organisation, year, 11, out)
    assert held == [4, 4, 3]  # never more than a part's rows read at once
    text = pdftotext(out.getvalue())
    flat = "".join(text.split())
    assert flat.count("ทะเบียนหนังสือส่ง") == 1  # one heading: the parts continue it
    places = [flat.index("".join(thai_digits(memo.subject).split())) for memo in memos]
    assert places == sorted(places)  # every number, in the register's order
    assert "ไม่พบบันทึกที่ใช้เลขนี้" in flat  # number 11, which no memo holds
    # One file whose pages are counted over the whole year, whichever part they came from.
    pages = text.split("\f")[:-1]
    assert len(pages) == pdfinfo_pages(out.getvalue()) > 1
    assert [re.findall(r"หน้า (\S+)", page) for page in pages] == [
        [thai_digits(n)] for n in range(1, len(pages) + 1)
    ]
    # The column headings head every page.
    assert all("หมายเหตุ" in page for page in pages)
    held.clear()
    out = io.BytesIO()
    register_files.write_xlsx(org.organisation, year, 11, out)
    assert held == [4, 4, 3]
    rows = list(load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == list(range(1, 12))
