"""Benchmark: the logged-in pages, cache busting, /health/, the desk and the outgoing register at
an office's tenth year (issue 28), each against a baseline measured in the same run.

    .venv/bin/python bench/scale.py [--memos 10000] [--organisations 330] [--runs 15]
                                    [--register-rows 2000] [--reset]

Loads the demo, one synthetic province of ``--organisations`` local governments scored in 2564
(the size of นครราชสีมา) and ``--memos`` memos of the demo's office numbered in its outgoing
register of 2564, in its own SQLite file under bench/out/, or in the database of
``DATABASE_URL`` when that is set (it refuses to touch a database holding other data unless
given ``--reset``, which empties it). Works on a fresh database. Every time is the median of
``--runs`` requests through Django's test client (the whole middleware stack) in this process.

1. Member pages: the province's results page for a member (the cached visitors' page with the
   member's navigation rendered for them) against the same page for a visitor, against the
   login page, and against the page rendered whole (the cache emptied before each request, what
   every member request cost before); the inbox and a memo page against the login page; the
   bytes a member is sent with and without gzip.
2. Cache busting: a request with made-up query parameters against a visitor's cached request,
   and the cache entries such requests add (none: the parameters are dropped before the key).
3. /health/ and /health/live/ against the login page, and /health/ probing on every call
   (``HEALTH_CACHE_SECONDS=0``, as before) as the baseline.
4. The desk and the register page at ``--memos``: queries, bytes and time against a bare view.
5. The register's PDF and XLSX, built as the worker builds them, in a child process each (its
   peak memory is its own with its render processes', sampled): ``--register-rows`` numbers
   against a tenth of them (time a row and peak memory: ≈ 1.0 when the build is linear and its
   memory bounded by a part), the whole register of a tenth of the rows read at once and drawn
   in memory as the baseline; with the cores and the load average, as the times depend on
   them.
   ``--skip-pages`` runs this section alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memos", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=330)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--register-rows", type=int, default=2_000)
    parser.add_argument("--skip-register", action="store_true", help="sections 1-4 only")
    parser.add_argument("--skip-pages", action="store_true", help="section 5 only")
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    # Internal: build one register file in this (child) process and print its time and memory.
    parser.add_argument("--child", nargs=3, metavar=("FMT", "ROWS", "WAY"), help=argparse.SUPPRESS)
    return parser.parse_args()


ARGS = _arguments() if __name__ == "__main__" else None
if ARGS is not None and not os.environ.get("DATABASE_URL"):
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    name = f"scale-{ARGS.memos}-{ARGS.organisations}.sqlite3"
    os.environ["SQLITE_PATH"] = str(out / name)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.proctree import Peak  # noqa: E402
from ita.demo import load, seed, synthetic  # noqa: E402
from ita.history import published  # noqa: E402
from ita.ops import health  # noqa: E402
from ita.organisations.models import Organisation, Province  # noqa: E402
from memos import documents, register_files, selectors  # noqa: E402
from memos.models import Memo, OutgoingRegister, State  # noqa: E402
from memos.services import CONTENT_FIELDS  # noqa: E402

YEAR = 2564


def bare(request: HttpRequest) -> HttpResponse:
    """The baseline of section 4: one small query and a plain response, same middleware."""
    return HttpResponse(Province.objects.values_list("name", flat=True).first() or "")


urlpatterns = [path("bench/bare/", bare), path("", include("ita.urls"))]


def _prepare(args: argparse.Namespace) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    home = Organisation.objects.filter(name=seed.HOME_NAME).first()
    ready = (
        home is not None
        and Memo.objects.filter(organisation=home).count() >= args.memos
        and Province.objects.filter(name__startswith=synthetic.PROVINCE_PREFIX).exists()
    )
    if ready and not args.reset:
        print(f"Reusing the data in {connection.settings_dict['NAME']}")
        return
    if Organisation.objects.exists():
        if not args.reset:
            sys.exit("The database holds other data; run again with --reset to empty it.")
        call_command("flush", interactive=False, verbosity=0)
    print(f"Loading the demo, {args.organisations} organisations and {args.memos:,} memos…")
    started = time.perf_counter()
    load.load_all()
    synthetic.build(
        organisations=args.organisations,
        provinces=1,
        districts=max(1, args.organisations // 11),
        years=[YEAR],
    )
    home = Organisation.objects.get(name=seed.HOME_NAME)
    author = get_user_model().objects.get(username="legal")
    template = Memo.objects.filter(organisation=home).order_by("pk").first()
    content = {name: getattr(template, name) for name in CONTENT_FIELDS}
    cycle = [State.HEAD, State.DEPUTY, State.CLERK, State.MAYOR, State.DECIDED, State.RETURNED]
    register = OutgoingRegister.objects.filter(organisation=home, fiscal_year=YEAR).first()
    first = (register.last_number if register else 0) + 1
    now = timezone.now()
    rows = [
        Memo(
            organisation=home,
            author=author,
            state=State.HEAD if i % 4 == 0 else cycle[i % len(cycle)],
            round=1,
            register_year=YEAR,
            register_number=first + i,
            sent_at=now - timezone.timedelta(minutes=args.memos - i),
            **{**content, "subject": f"{content['subject']} ({first + i})"},
        )
        for i in range(args.memos)
    ]
    Memo.objects.bulk_create(rows, batch_size=1000)
    OutgoingRegister.objects.update_or_create(
        organisation=home, fiscal_year=YEAR, defaults={"last_number": first + args.memos - 1}
    )
    published.bump()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Built in {time.perf_counter() - started:.0f} s")


def _median(
    call: Callable[[], object], runs: int, before: Callable[[], object] = lambda: 0
) -> float:
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _get(client: Client, url: str, **headers: str) -> HttpResponse:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _page(client: Client, url: str, runs: int, before: Callable[[], object] = lambda: 0, **h: str):
    """(median seconds, bytes, queries) of ``url`` after two warm-up requests."""
    for _ in range(2):
        _get(client, url, **h)
    before()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = _get(client, url, **h)
    size = len(response.content)
    return _median(lambda: _get(client, url, **h), runs, before), size, len(queries)


def _forget() -> None:
    published.local.clear()
    cache.clear()


def _cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ita_cache")
        return int(cursor.fetchone()[0])


def _line(label: str, seconds: float, *ratios: tuple[str, float], extra: str = "") -> None:
    text = "  ".join(f"{ratio:>6.2f}× {name}" for name, ratio in ratios)
    print(f"  {label:<44} {seconds * 1000:>8.1f} ms  {text}{extra}")


def members(args: argparse.Namespace) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    province = (
        Province.objects.filter(name__startswith=synthetic.PROVINCE_PREFIX).order_by("pk").first()
    )
    url = f"/results/{YEAR}/{province.pk}/"
    own = {"accept-encoding": "gzip", "sec-fetch-site": "same-origin"}
    visitor = Client()
    member = Client()
    member.force_login(users["legal"])
    head = Client()
    head.force_login(users["head"])
    memo = Memo.objects.filter(signoffs__isnull=False).order_by("pk").first()

    print(
        f"\n1. Member pages ({Organisation.objects.filter(district__province=province).count()}"
        " organisations in the province; ratios of time: < 1 is faster than the baseline)"
    )
    login, _size, _q = _page(Client(), "/accounts/login/", args.runs)
    _line("login page (baseline)", login)
    seen, v_size, _q = _page(visitor, url, args.runs)
    _line("results page, visitor", seen, ("login", seen / login))
    plain, m_size, m_queries = _page(member, url, args.runs)
    packed, m_packed, _q = _page(member, url, args.runs, **own)
    whole, _s, w_queries = _page(member, url, max(3, args.runs // 3), before=_forget)
    _line(
        "results page, member, rendered whole (before)",
        whole,
        ("login", whole / login),
        extra=f"  {w_queries} queries",
    )
    _line(
        "results page, member",
        plain,
        ("login", plain / login),
        ("visitor", plain / seen),
        ("whole", plain / whole),
        extra=f"  {m_queries} queries",
    )
    _line("results page, member, gzip", packed, ("login", packed / login))
    print(
        f"  bytes: member {m_size:,} plain, {m_packed:,} gzip ({m_packed / m_size:.2f}×);"
        f" visitor {v_size:,}"
    )
    for label, client, page in (
        ("inbox (head of office)", head, "/memos/inbox/"),
        ("memo page (head of office)", head, f"/memos/{memo.pk}/"),
    ):
        took, size, queries = _page(client, page, args.runs, **own)
        _line(label, took, ("login", took / login), extra=f"  {queries} queries, {size:,} B gz")

    print("\n2. Cache busting (a visitor's request with made-up parameters)")
    _forget()
    _get(visitor, url)
    rows = _cache_rows()
    cached = _median(lambda: _get(visitor, url), args.runs)
    counter = iter(range(10**9))
    busting = _median(
        lambda: _get(visitor, f"{url}?utm_source=x{next(counter)}&_={time.time()}"), args.runs
    )
    cold = _median(lambda: _get(visitor, url), max(3, args.runs // 3), before=_forget)
    _line("cached page (baseline)", cached)
    _line("page rendered (cache emptied)", cold, ("cached", cold / cached))
    _line(
        "made-up parameters",
        busting,
        ("cached", busting / cached),
        extra=f"  cache entries added: {_cache_rows() - rows}",
    )

    print("\n3. /health/ (ratios to the login page: < 1 is cheaper)")
    anonymous = Client()
    _line("login page (baseline)", login)
    settings.HEALTH_CACHE_SECONDS = 0
    health.recent.clear()
    probing, _s, probe_q = _page(anonymous, "/health/", args.runs)
    settings.HEALTH_CACHE_SECONDS = 5
    health.recent.clear()
    kept, _s, kept_q = _page(anonymous, "/health/", args.runs)
    live, _s, live_q = _page(anonymous, "/health/live/", args.runs)
    _line(
        "/health/, probing every call (before)",
        probing,
        ("login", probing / login),
        extra=f"  {probe_q} queries",
    )
    _line(
        "/health/, kept 5 s",
        kept,
        ("login", kept / login),
        ("probing", kept / probing),
        extra=f"  {kept_q} queries",
    )
    _line("/health/live/", live, ("login", live / login), extra=f"  {live_q} queries")

    print(f"\n4. The desk and the register page at {Memo.objects.count():,} memos")
    legal = Client()
    legal.force_login(users["legal"])
    floor, _s, _q = _page(legal, "/bench/bare/", args.runs)
    _line("bare view (baseline)", floor)
    for label, page in (
        ("legal officer's desk", "/memos/desk/"),
        ("outgoing register page", f"/memos/register/?year={YEAR}"),
    ):
        took, size, queries = _page(legal, page, args.runs)
        _line(label, took, ("bare", took / floor), extra=f"  {queries} queries, {size:,} B")
    last = selectors.register_last(Organisation.objects.get(name=seed.HOME_NAME), YEAR)
    print(f"  (the register holds {last:,} numbers; the page shows {selectors.REGISTER_PAGE_SIZE})")


def _child(fmt: str, rows: int, way: str) -> None:
    """Build one register file of ``rows`` numbers and print seconds, the peak memory of this
    process with any it starts (MB, sampled every 50 ms) and their CPU time."""
    home = Organisation.objects.get(name=seed.HOME_NAME)
    cache.clear()
    start = time.perf_counter()
    with Peak() as peak, open(os.devnull, "wb") as sink:
        if way == "parts":
            register_files.WRITERS[fmt](home, YEAR, rows, sink)
        else:  # the whole register read at once and drawn in memory
            from ita.documents import render

            sink.write(render.register_pdf(documents.register_doc(home, YEAR, 1, rows)))
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu = own.ru_utime + own.ru_stime + peak.children_cpu
    mb = max(peak.mb, own.ru_maxrss / 1024)
    print(json.dumps({"seconds": seconds, "mb": mb, "cpu": cpu}))


def _run_child(fmt: str, rows: int, way: str) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        f"--memos={ARGS.memos}",
        f"--organisations={ARGS.organisations}",
        "--child",
        fmt,
        str(rows),
        way,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def registers(args: argparse.Namespace) -> None:
    rows = args.register_rows
    small = max(register_files.CHUNK_ROWS, rows // 10)
    print(
        f"\n5. The register's files, built as the worker builds them ({small:,} and {rows:,}"
        f" numbers; a child process each; {os.cpu_count()} cores, {_load()})"
    )
    baseline = _run_child("pdf", small, "whole")
    print(
        f"  PDF, {small:,} read at once and drawn in memory: {baseline['seconds']:.1f} s,"
        f" {baseline['mb']:.0f} MB"
    )
    for fmt in ("pdf", "xlsx"):
        a = _run_child(fmt, small, "parts")
        b = _run_child(fmt, rows, "parts")
        per_row = (b["seconds"] / rows) / (a["seconds"] / small)
        print(
            f"  {fmt.upper():<4} {small:>6,}: {a['seconds']:>7.1f} s {a['mb']:>6.0f} MB;"
            f" {rows:>6,}: {b['seconds']:>7.1f} s {b['mb']:>6.0f} MB"
            f" ({b['cpu']:.0f} s of CPU);"
            f" time a row {per_row:.2f}×, peak memory {b['mb'] / a['mb']:.2f}×"
            + (
                f"; vs read at once: time {a['seconds'] / baseline['seconds']:.2f}×,"
                f" memory {a['mb'] / baseline['mb']:.2f}×"
                if fmt == "pdf"
                else ""
            )
        )
    print(f"  ({_load()} at the end)")


def main(args: argparse.Namespace) -> None:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # No worker runs beside the bench: the demo's queued mail would make /health/ answer 503.
    settings.HEALTH_TASK_MAX_WAIT_SECONDS = 10**9
    if args.child:
        fmt, rows, way = args.child
        _child(fmt, int(rows), way)
        return
    _prepare(args)
    print(f"Database: {connection.vendor}; {Memo.objects.count():,} memos")
    if not args.skip_pages:
        members(args)
    if not args.skip_register:
        registers(args)


if __name__ == "__main__":
    main(ARGS)
