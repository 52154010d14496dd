"""Benchmark of the official PDF: our pipeline against WeasyPrint alone, measured in one run.

    .venv/bin/python bench/pdf.py [--runs N]

Prints ratios against a baseline measured in the same run (absolute times drift on shared
machines): our whole pipeline (queries and context, templates, WeasyPrint writing PDF/A-3b with
tags, the text-layer fix) against WeasyPrint rendering the same finished HTML alone as a plain
PDF; where the time goes, with the cost of PDF/A and of the text-layer fix on their own; what
the document's CSS choices save; the first render in a fresh process and the peak memory; the
same with the organisation's emblem and without (an office's RGBA PNG, made safe at upload).
Uses a throw-away SQLite database with the demo (or DATABASE_URL when set).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django(database: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(database)
    # The archived PDFs (memos.archive) go to the throw-away folder, not the project's media.
    os.environ["MEDIA_ROOT"] = str(database.parent / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ita.organisations.models import Organisation

    if not Organisation.objects.exists():
        from django.test.utils import override_settings

        from ita.demo import load

        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            load.load_all()
    _decide_demo_memo()


# The demo memo goes up the real chain once, so the document has its four signed blocks.
SIGN_OFFS = (
    ("head", "เห็นควรเสนอปลัดเพื่อโปรดพิจารณา", ""),
    ("deputy", "ทราบ เห็นควรนำเสนอนายกเพื่อโปรดทราบ", ""),
    ("clerk", "เห็นควรอนุมัติ", ""),
    ("mayor", "ให้ดำเนินการตามเสนอ", "approved"),
)


def _demo_memo():
    """The demo memo loaded as the download view loads it (memos.views.memo._get_memo_for_user)."""
    from memos.models import Memo

    return Memo.objects.select_related("organisation", "author", "report_year").get(
        author__username="legal", register_year=2564
    )


def _decide_demo_memo() -> None:
    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    from memos import services

    memo = _demo_memo()
    if memo.state != "draft":
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    # The notification e-mails are not the benchmark's business: kept in memory, not printed.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        services.memo_send(memo=memo, actor=users["legal"])
        for username, comment, outcome in SIGN_OFFS:
            services.memo_approve(
                memo=_demo_memo(), actor=users[username], comment=comment, outcome=outcome
            )


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _memo_and_report():
    """The view's work before the templates: the memo, its blocks, its report (all queries)."""
    from memos import documents as memo_documents

    memo = _demo_memo()
    return memo_documents.memo_doc(memo), memo_documents.memo_report(memo)


def pipeline_once(resources: dict | None = None) -> dict[str, float]:
    """Our whole pipeline, stage by stage: it returns each stage's seconds (``resources``: the
    in-memory files the document prints, its emblem)."""
    from django.db import connection, reset_queries
    from weasyprint import HTML

    from ita.documents import engine
    from ita.documents import render as documents
    from ita.documents.textlayer import TextLayerFixer

    stages: dict[str, float] = {}
    # The previous run's garbage is collected now, not inside the next measurement.
    gc.collect()
    reset_queries()
    t, (memo, report) = _timed(_memo_and_report)
    stages["queries + context"] = t
    stages["queries"] = len(connection.queries)
    t, html = _timed(lambda: documents.memo_html(memo, report))
    stages["templates"] = t
    fetcher = engine._make_fetcher(resources or {}, [])
    t, document = _timed(
        lambda: HTML(
            string=html, base_url=engine.static_dir().as_uri() + "/", url_fetcher=fetcher
        ).render()
    )
    stages["WeasyPrint: parse, style, layout"] = t
    fixer = TextLayerFixer(engine.font_registry())
    fix_time = []

    def finisher(doc: object, pdf: object) -> None:
        start = time.perf_counter()
        fixer(doc, pdf)
        fix_time.append(time.perf_counter() - start)

    t, _pdf = _timed(
        lambda: document.write_pdf(finisher=finisher, pdf_variant=engine.ARCHIVAL, pdf_tags=True)
    )
    stages["WeasyPrint: draw, fonts, write"] = t - fix_time[0]
    stages["text-layer fix"] = fix_time[0]
    # Signing and caching (the pdf-sign branch) add their stages here, timed the same way,
    # and to PIPELINE_STAGES below.
    stages["pages"] = len(document.pages)
    return stages


def baseline_once(html: str, *, our_fetcher: bool = False, archival: bool = False) -> float:
    """WeasyPrint alone on the finished HTML (its own fetcher unless told, the same base URL);
    ``archival``: writing PDF/A-3b with tags, as our pipeline does (without the text-layer fix).
    """
    from weasyprint import HTML

    from ita.documents import engine

    fetcher = engine._make_fetcher({}, []) if our_fetcher else None
    base = engine.static_dir().as_uri() + "/"
    options = {"pdf_variant": engine.ARCHIVAL, "pdf_tags": True} if archival else {}
    gc.collect()
    t, _ = _timed(
        lambda: HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(**options)
    )
    return t


PIPELINE_STAGES = (
    "queries + context",
    "templates",
    "WeasyPrint: parse, style, layout",
    "WeasyPrint: draw, fonts, write",
    "text-layer fix",
)

# What the document's CSS avoids, put back one at a time (the annex is the bulk of the layout).
CSS_VARIANTS = {
    "automatic table layout (no declared widths)": ".grid { table-layout: auto; }",
    "collapsing borders": ".grid { border-collapse: collapse; }",
    "justified text": "p, td { text-align: justify; }",
    "shadows and rounded corners on cells": (
        ".grid td { box-shadow: 0 0 1px #999; border-radius: 2px; }"
    ),
}


FRESH = r"""
import json, os, resource, sys, time
start = time.perf_counter()
sys.path.insert(0, sys.argv[1])
os.environ["DJANGO_SETTINGS_MODULE"] = "ita.settings"
import django
django.setup()
t_django = time.perf_counter()
import weasyprint  # noqa: F401  (Pango, HarfBuzz, fontconfig through cffi)
t_import = time.perf_counter()
from memos import documents
from memos.models import Memo
def load():
    return Memo.objects.select_related("organisation", "author", "report_year").get(
        author__username="legal", register_year=2564
    )
t0 = time.perf_counter()
documents.memo_pdf(load())
t_first = time.perf_counter()
documents.memo_pdf(load())
t_second = time.perf_counter()
print(json.dumps({
    "django setup": t_django - start,
    "import weasyprint": t_import - t_django,
    "first render": t_first - t0,
    "second render": t_second - t_first,
    "peak RSS MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ita-bench-pdf-"))
    _setup_django(tmp / "bench.sqlite3")

    from ita.documents import render as documents

    memo, report = _memo_and_report()
    html = documents.memo_html(memo, report)
    pipeline_once()  # warm: fonts read, WeasyPrint imported, caches filled
    baseline_once(html)

    ours, base, base_fetcher, base_archival = [], [], [], []
    stage_runs: dict[str, list[float]] = {s: [] for s in PIPELINE_STAGES}
    extra: dict[str, float] = {}
    for _ in range(args.runs):  # interleaved, so drift hits both alike
        stages = pipeline_once()
        ours.append(sum(stages[s] for s in PIPELINE_STAGES))
        for s in PIPELINE_STAGES:
            stage_runs[s].append(stages[s])
        extra = {"queries": stages["queries"], "pages": stages["pages"]}
        base.append(baseline_once(html))
        base_fetcher.append(baseline_once(html, our_fetcher=True))
        base_archival.append(baseline_once(html, archival=True))
    ours_m, base_m = statistics.median(ours), statistics.median(base)
    fetcher_m = statistics.median(base_fetcher)
    archival_m = statistics.median(base_archival)
    print(
        f"document: the demo memo (decided, four signed blocks) with its report, "
        f"{extra['pages']} pages, "
        f"{extra['queries']} queries; median of {args.runs} interleaved runs"
    )
    print(f"WeasyPrint alone on the finished HTML   {base_m:6.3f} s   1.00×")
    print(f"WeasyPrint alone, our locked fetcher    {fetcher_m:6.3f} s   {fetcher_m / base_m:.2f}×")
    print(
        f"WeasyPrint alone, PDF/A-3b and tags     {archival_m:6.3f} s   {archival_m / base_m:.2f}×"
        f"   (PDF/A and tags cost {archival_m - base_m:+.3f} s)"
    )
    print(
        f"our pipeline                            {ours_m:6.3f} s   {ours_m / base_m:.2f}×"
        f"   {ours_m / archival_m:.2f}× WeasyPrint alone writing the same PDF/A"
        " (goal ≤ 1.20×)"
    )
    print("where our pipeline's time goes:")
    for s in PIPELINE_STAGES:
        m = statistics.median(stage_runs[s])
        print(f"  {s:<38}{m:6.3f} s  {m / ours_m:6.1%}")
    fix_m = statistics.median(stage_runs["text-layer fix"])
    print(f"  of which the text-layer fix           {fix_m / base_m:6.1%} of WeasyPrint alone")
    print(f"  of which PDF/A-3b and tags            {(archival_m - base_m) / base_m:6.1%} of it")

    print("what the document's CSS avoids (WeasyPrint alone, ratio to our CSS):")
    for name, css in CSS_VARIANTS.items():
        variant = html.replace("</head>", f"<style>{css}</style></head>")
        times = sorted(baseline_once(variant) / baseline_once(html) for _ in range(args.runs))
        print(
            f"  {name:<45}{statistics.median(times):.2f}×  (range {times[0]:.2f}–{times[-1]:.2f})"
        )

    env = dict(os.environ)
    if not os.environ.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    runs = []
    for _ in range(3):  # three fresh processes; the median of each figure
        out = subprocess.run(
            [sys.executable, "-c", FRESH, str(ROOT)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    fresh = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print("a fresh process (subprocess; median of 3):")
    for key, value in fresh.items():
        unit = "" if key.endswith("MB") else " s"
        print(f"  {key:<38}{value:7.2f}{unit}")
    print(
        f"  first render / steady render            {fresh['first render'] / fresh['second render']:.2f}×"
    )

    record_costs(args.runs)
    emblem_costs(args.runs)


def office_emblem() -> bytes:
    """An emblem as offices export it: a 600×660 RGBA PNG, a drawing on a transparent ground."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 660), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((180, 0, 420, 231), fill=(200, 30, 30, 255))
    draw.polygon([(0, 198), (300, 297), (600, 198), (300, 660)], fill=(200, 162, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def emblem_costs(runs: int) -> None:
    """The same measures with the organisation's emblem and without: our pipeline against
    WeasyPrint alone writing the same PDF/A (the emblem served to both), and a cached draft's
    download. The emblem is made safe once, at upload; a render reads the stored PNG."""
    from django.contrib.auth import get_user_model
    from weasyprint import HTML

    from ita.demo import memos as demo_memos
    from ita.documents import engine
    from ita.documents import render as documents
    from ita.organisations.services import organisation_set_emblem
    from memos import archive
    from memos.models import Memo

    organisation = _demo_memo().organisation
    clerk = get_user_model().objects.get(username="clerk")
    draft = demo_memos.seed_draft()
    draft = Memo.objects.select_related("organisation", "author", "report_year").get(pk=draft.pk)

    def weasyprint_alone(html: str, memo) -> float:
        fetcher = engine._make_fetcher(documents._resources(memo), [])
        base = engine.static_dir().as_uri() + "/"
        gc.collect()
        return _timed(
            lambda: HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
                pdf_variant=engine.ARCHIVAL, pdf_tags=True
            )
        )[0]

    states = (("without an emblem", None), ("with an emblem", office_emblem()))
    times: dict[str, tuple[list[float], list[float], list[float]]] = {
        label: ([], [], []) for label, _data in states
    }
    for _ in range(runs):  # interleaved, so drift hits both alike
        for label, data in states:
            organisation_set_emblem(
                organisation=organisation, data=data, filename="garuda.png", actor=clerk
            )
            memo, report = _memo_and_report()
            html = documents.memo_html(memo, report)
            archive.memo_pdf_bytes(draft)  # the first download renders and fills the cache
            ours, alone, cached = times[label]
            stages = pipeline_once(resources=documents._resources(memo))
            ours.append(sum(stages[s] for s in PIPELINE_STAGES))
            alone.append(weasyprint_alone(html, memo))
            cached.append(_timed(lambda: archive.memo_pdf_bytes(draft))[0])
    results = {label: tuple(statistics.median(t) for t in lists) for label, lists in times.items()}
    print(f"the organisation's emblem (median of {runs}; a 600×660 RGBA PNG as offices export it):")
    for label, (ours_m, alone_m, cached_m) in results.items():
        print(
            f"  {label:<18} our pipeline {ours_m:6.3f} s   {ours_m / alone_m:.2f}× WeasyPrint"
            f" alone writing the same PDF/A (goal ≤ 1.20×); cached draft download {cached_m:6.3f} s"
        )
    with_cached, without_cached = results["with an emblem"][2], results["without an emblem"][2]
    print(f"  cached download with / without the emblem  {with_cached / without_cached:.2f}×")
    organisation_set_emblem(organisation=organisation, data=None, actor=clerk)


def record_costs(runs: int) -> None:
    """The document of record (memos.archive): signing the decided PDF, and a download served
    from the stored file or from the cache, each against a fresh render of the same memo."""
    from ita.demo import memos as demo_memos
    from ita.documents import signing
    from memos import archive
    from memos import documents as memo_documents
    from memos.models import Memo, MemoArchive

    decided = _demo_memo()
    credentials = signing.make_test_credentials("bench")
    draft = demo_memos.seed_draft()  # the same document as a draft: its PDF is cached
    draft = Memo.objects.select_related("organisation", "author", "report_year").get(pk=draft.pk)
    MemoArchive.objects.filter(memo=decided).delete()
    archive.memo_archive(decided.pk)  # stored (and signed) once, as at the decision
    archive.memo_pdf_bytes(draft)  # the first download renders and fills the cache
    fresh, signed, stored, cached = [], [], [], []
    for _ in range(runs):
        gc.collect()
        t, pdf = _timed(lambda: memo_documents.memo_pdf(_demo_memo()))
        fresh.append(t)
        signed.append(_timed(lambda: signing.sign_pdf(pdf, credentials, reason="bench"))[0])  # noqa: B023
        stored.append(_timed(lambda: archive.memo_pdf_bytes(_demo_memo()))[0])
        cached.append(_timed(lambda: archive.memo_pdf_bytes(draft))[0])
    fresh_m = statistics.median(fresh)
    print(f"the document of record (median of {runs}; ratio to a fresh render of the memo):")
    print(f"  fresh render (memos.documents.memo_pdf)   {fresh_m:7.3f} s   1.00×")
    for name, times in (
        ("signing it (PAdES, incremental, pyHanko)", signed),
        ("download of the decided memo (stored)", stored),
        ("download of a draft, cached render", cached),
    ):
        m = statistics.median(times)
        print(f"  {name:<42}{m:7.3f} s   {m / fresh_m:.3f}×")


if __name__ == "__main__":
    main()
