"""The yearly report page at two data sizes, against the home page measured in the same run.

Usage: .venv/bin/python bench/measures_report.py   (a throw-away SQLite database in /tmp,
or the DATABASE_URL given). Prints queries and median milliseconds per page, and each page's
time as a ratio of the home page's; and for the report, its ratio to its floor: the same rows
(measures, steps, findings, their links, indicators and OIT items) fetched as plain values and
serialised to JSON by a view behind the same middleware, measured in the same run. The report should stay a constant number of
queries and a few times its floor whatever the number of findings, measures and updates.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402

RUNS = 15


def floor(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The rows the report shows, fetched as plain values and serialised to JSON by a view
    behind the same middleware: what any page showing them must at least do."""
    from ita.results.models import Assessment, Indicator
    from measures.models import Finding, Measure, MeasureStep, OitItem

    assessment = Assessment.objects.get(pk=assessment_id)
    mine = {"measure__assessment": assessment}
    data = {
        "measures": Measure.objects.filter(assessment=assessment).annotate(n=Count("updates")),
        "steps": MeasureStep.objects.filter(**mine),
        "findings": Finding.objects.filter(assessment=assessment),
        "measure_indicators": Measure.indicators.through.objects.filter(**mine),
        "measure_items": Measure.oit_items.through.objects.filter(**mine),
        "measure_findings": Measure.findings.through.objects.filter(**mine),
        "finding_items": OitItem.findings.through.objects.filter(finding__assessment=assessment),
        "indicators": Indicator.objects.filter(year=assessment.year),
        "oit_items": OitItem.objects.filter(year=assessment.year),
    }
    rows = {k: list(v.values()) for k, v in data.items()}
    return HttpResponse(json.dumps(rows, default=str, ensure_ascii=False))


urlpatterns = [path("bench/floor/<int:assessment_id>/", floor), path("", include("ita.urls"))]


def timed(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    return statistics.median(times) * 1000, len(q)


def grow(assessment, n: int) -> None:
    from ita.results.models import Indicator
    from measures.services.findings import finding_create
    from measures.services.measures import MeasureData, measure_create
    from measures.services.progress import progress_add

    indicator = Indicator.objects.get(year=assessment.year, number=6)
    items = list(assessment.year.oit_items.all()[:3])
    for k in range(n):
        f = finding_create(
            assessment=assessment, tool="EIT", indicator=indicator, text=f"ประเด็นทดสอบ {k}",
            oit_items=items, actor=None,
        )  # fmt: skip
        m = measure_create(
            assessment=assessment,
            data=MeasureData(
                title=f"มาตรการทดสอบ {k}", steps=["ขั้นที่ ๑", "ขั้นที่ ๒", "ขั้นที่ ๓"],
                responsible_unit="สำนักปลัดฯ", follow_up="รายงาน", findings=[f],
                indicators=[indicator], oit_items=items,
            ),
            actor=None,
        )  # fmt: skip
        for j in range(3):
            progress_add(measure=m, note=f"ความคืบหน้า {j}", actor=None)


def main() -> None:
    settings.ROOT_URLCONF = __name__
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--reset", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from ita.results.models import Assessment

    assessment = Assessment.objects.get(organisation__name__endswith="สุโสะ", year__year=2564)
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="legal"))
    org = assessment.organisation_id
    pages = {
        "report": f"/measures/report/{org}/2564/",
        "oit checklist": f"/measures/report/{org}/2564/oit/",
        "measures list": "/measures/",
    }
    print(f"{'size':>14} {'page':<14} {'queries':>7} {'ms':>8} {'× home':>7} {'× floor':>8}")
    for label, extra in (("seed (3)", 0), ("+300 measures", 300)):
        grow(assessment, extra)
        home_ms, home_q = timed(client, "/")
        print(f"{label:>14} {'home':<14} {home_q:>7} {home_ms:>8.1f} {1:>7.2f}")
        floor_ms, _ = timed(client, f"/bench/floor/{assessment.pk}/")
        print(f"{label:>14} {'floor (rows)':<14} {'':>7} {floor_ms:>8.1f}")
        for name, url in pages.items():
            ms, q = timed(client, url)
            ratio = f"{ms / floor_ms:>8.2f}" if name == "report" else ""
            print(f"{label:>14} {name:<14} {q:>7} {ms:>8.1f} {ms / home_ms:>7.2f} {ratio}")


if __name__ == "__main__":
    main()
