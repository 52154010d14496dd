"""Benchmark: the results pages, the overview pages and the API at nationwide size.

    .venv/bin/python bench/pages.py [--organisations 8400] [--years 5] [--runs 15] [--reset]

Builds (once, then reuses) a synthetic nationwide data set — 8,400 organisations in 77 provinces
and 900 districts, every indicator scored, over the last ``--years`` fiscal years up to 2567 —
in its own SQLite file under bench/out/, or in the database of ``DATABASE_URL`` when that is set
(it refuses to touch a database holding other data unless given ``--reset``, which empties it).

For each page it prints the number of queries and the median time of ``--runs`` requests through
Django's test client (full middleware stack, as a visitor: public pages come from the cache of
``ita.history.published``), and the ratio of that median to a bare Django view (one small query,
a plain HttpResponse) measured in the same run on the same database. "cold" rows empty the
cache before each request (the first visitor after an import), "shared" rows only this
process's copy (a page another app server rendered), "304" rows revalidate with the ETag. The
pages use the largest province and an organisation of it with results in every year.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")

LAST_YEAR = 2567


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=8400)
    parser.add_argument("--provinces", type=int, default=77)
    parser.add_argument("--districts", type=int, default=900)
    parser.add_argument("--years", type=int, default=5, help="fiscal years, ending in 2567")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    return parser.parse_args()


ARGS = _arguments() if __name__ == "__main__" else None
if ARGS is not None and not os.environ.get("DATABASE_URL"):
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    name = f"nationwide-{ARGS.organisations}-{ARGS.years}y.sqlite3"
    os.environ["SQLITE_PATH"] = str(out / name)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from ita.demo import synthetic  # noqa: E402
from ita.history import published  # noqa: E402
from ita.organisations.models import Organisation, Province  # noqa: E402
from ita.results.models import Assessment  # noqa: E402


def bare(request: HttpRequest) -> HttpResponse:
    """The baseline: one small query and a plain response, through the same middleware."""
    return HttpResponse(Province.objects.values_list("name", flat=True).first() or "")


urlpatterns = [path("bench/bare/", bare), path("", include("ita.urls"))]


def _prepare(args: argparse.Namespace) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    synthetic_provinces = Province.objects.filter(name__startswith=synthetic.PROVINCE_PREFIX)
    ready = (
        synthetic_provinces.count() == args.provinces
        and Organisation.objects.count() == args.organisations
        and Assessment.objects.values("year").distinct().count() == args.years
    )
    if ready and not args.reset:
        print(f"Reusing the data set in {connection.settings_dict['NAME']}")
        return
    if Organisation.objects.exists() and not args.reset:
        sys.exit(
            f"{connection.settings_dict['NAME']} holds other data; run with --reset to empty it "
            "(or unset DATABASE_URL to use a file under bench/out/)."
        )
    if args.reset:
        call_command("flush", verbosity=0, interactive=False)
    started = time.perf_counter()
    synthetic.build(
        organisations=args.organisations,
        provinces=args.provinces,
        districts=args.districts,
        years=list(range(LAST_YEAR - args.years + 1, LAST_YEAR + 1)),
        progress=lambda message: print("  " + message, flush=True),
    )
    # Fresh statistics, as PostgreSQL's autovacuum keeps them in production; without them
    # SQLite's planner walks a whole year's assessments to find one province's.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Built the data set in {time.perf_counter() - started:.0f} s")


def _forget() -> None:
    """Empty the public pages' cache, shared and local: the next request renders."""
    published.local.clear()
    cache.clear()


def _measure(client: Client, url: str, runs: int, mode: str = "") -> tuple[int, float, int]:
    """(queries, median seconds, response bytes) after two warm-up requests.

    ``mode`` "cold": the cache is emptied before each request (a render after an import);
    "shared": only this process's copy is (another app server rendered the page);
    "304": the request carries the ETag of the page (a browser or proxy revalidating)."""
    headers = {}
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    if mode == "304":
        headers["if_none_match"] = response["ETag"]
    before = {"cold": _forget, "shared": published.local.clear}.get(mode, lambda: None)
    # The query log is a bounded deque: emptied first, so its length measures this request.
    before()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    # Counted now: the next requests empty the log again (request_started → reset_queries).
    queries = len(captured)
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
    return queries, statistics.median(times), len(response.content)


def _paired(client: Client, page: str, csv: str, runs: int) -> tuple[float, float]:
    """Median seconds of a cold render of ``page`` and of ``csv``, measured in turn (one of
    each, ``runs`` times), so that the machine's noise falls on both alike."""
    times: dict[str, list[float]] = {page: [], csv: []}
    for _ in range(runs):
        for url in (page, csv):
            _forget()
            started = time.perf_counter()
            response = client.get(url)
            times[url].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times[page]), statistics.median(times[csv])


def main(args: argparse.Namespace) -> None:
    settings.DEBUG = False  # no query log kept while building or timing
    _prepare(args)
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["testserver"]

    year = LAST_YEAR
    province = (
        Province.objects.annotate(n=Count("districts__organisations")).order_by("-n", "pk").first()
    )
    org_id = (
        Assessment.objects.filter(organisation__district__province=province, total__isnull=False)
        .values("organisation")
        .order_by("organisation")
        .annotate(n=Count("pk"))
        .filter(n=args.years)
        .values_list("organisation", flat=True)
        .first()
    )
    p, o = province.pk, org_id
    pages = [
        ("bare Django view (baseline)", "/bench/bare/"),
        ("province results, cold render", f"/results/{year}/{p}/", "cold"),
        ("province results, CSV, cold", f"/results/{year}/{p}/?format=csv", "cold"),
        ("province results, shared cache", f"/results/{year}/{p}/", "shared"),
        ("province results, revalidated 304", f"/results/{year}/{p}/", "304"),
        ("province results (issue 2)", f"/results/{year}/{p}/"),
        ("province results, CSV", f"/results/{year}/{p}/?format=csv"),
        ("organisation page, cold render", f"/organisations/{o}/", "cold"),
        ("province overview, cold render", f"/results/{year}/{p}/overview/", "cold"),
        ("API assessments (1000), cold", f"/api/v1/assessments?year={year}&limit=1000", "cold"),
        ("organisation page (issue 2)", f"/organisations/{o}/"),
        ("province overview", f"/results/{year}/{p}/overview/"),
        ("province overview, highlighted", f"/results/{year}/{p}/overview/?highlight={o}"),
        (
            "overview table as XLSX",
            f"/results/{year}/{p}/overview/?highlight={o}&download=province-ranking&format=xlsx",
        ),
        ("organisation insights", f"/organisations/{o}/insights/"),
        ("API organisations (100)", "/api/v1/organisations"),
        ("API organisations, by result", f"/api/v1/organisations?year={year}&passed=true"),
        ("API assessments (1000)", f"/api/v1/assessments?year={year}&limit=1000"),
        ("API assessments, deep page", "/api/v1/assessments?offset=40000&limit=100"),
        ("API scores (1000)", f"/api/v1/scores?year={year}&kind=sao&limit=1000"),
        ("API years", "/api/v1/years"),
        ("API openapi.json", "/api/v1/openapi.json"),
    ]
    organisations = Organisation.objects.filter(district__province=province).count()
    print(
        f"{connection.vendor}: {Organisation.objects.count()} organisations, "
        f"{Assessment.objects.count()} assessments; province {province.pk} has {organisations} "
        f"organisations; {args.runs} runs each\n"
    )
    client = Client()
    baseline = None
    print(f"{'page':<34} {'queries':>7} {'median ms':>10} {'× bare':>7} {'KiB':>7}")
    for label, url, *mode in pages:
        queries, median, size = _measure(client, url, args.runs, *mode)
        baseline = baseline or median
        print(
            f"{label:<34} {queries:>7} {median * 1000:>10.1f} {median / baseline:>7.1f} "
            f"{size / 1024:>7.0f}",
            flush=True,
        )
    page, csv = _paired(
        client, f"/results/{year}/{p}/", f"/results/{year}/{p}/?format=csv", args.runs
    )
    print(
        f"\nprovince results: a cold render costs {page / csv:.2f}× its CSV (rows: {organisations}; "
        f"{page * 1000:.1f} and {csv * 1000:.1f} ms, measured in turn)"
    )


if __name__ == "__main__":
    main(ARGS)
