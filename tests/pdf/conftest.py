"""Rendered once per test process: the demo memo with its report (WeasyPrint takes about a second;
the modules that read it share one rendering, as they share the demo).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction

from ita.documents import engine
from ita.documents import render as documents
from ita.documents.data import MemoDoc, ReportDoc
from tests.pdf import extract, sample


@dataclass
class Rendered:
    memo: MemoDoc
    report: ReportDoc
    html: str
    result: engine.RenderResult
    text: str

    @property
    def pdf(self) -> bytes:
        return self.result.pdf


def build_demo_docs(snapshot) -> tuple[MemoDoc, ReportDoc]:
    """The demo's memo and report as plain data (the database rolled back afterwards)."""
    with transaction.atomic():
        demo = snapshot.restore()
        memo = sample.demo_memo(demo.home)
        report = sample.demo_report(demo.home)
        transaction.set_rollback(True)
    return memo, report


@pytest.fixture(scope="session")
def demo_docs(demo_snapshot, django_db_blocker) -> tuple[MemoDoc, ReportDoc]:
    with django_db_blocker.unblock():
        return build_demo_docs(demo_snapshot)


@pytest.fixture(scope="session")
def rendered(demo_docs) -> Rendered:
    memo, report = demo_docs
    html = documents.memo_html(memo, report)
    result = engine.render_document(html)
    return Rendered(memo, report, html, result, extract.pdftotext(result.pdf))


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/pdf/" in str(item.fspath):
            item.add_marker(pytest.mark.pdf)
