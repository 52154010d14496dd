"""Pages and API lists make the same number of queries whatever the data size.

Two synthetic provinces are built in one database, one with 10 organisations and one with 500
(three years, every indicator scored), and each page is requested for both.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ita.demo import synthetic
from ita.organisations.models import Organisation, Province
from ita.results.models import Assessment

pytestmark = pytest.mark.django_db

YEARS = (2564, 2565, 2566)
# A page may grow (a new chart), but must never grow with the data: a generous fixed ceiling.
CEILING = 16


@pytest.fixture(autouse=True)
def _cache_in_memory(settings) -> None:
    # The pages' own queries, plus the version of the published data: the shared cache's own
    # queries (the database's, by default) are not the page's.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def sizes() -> dict[str, tuple[Province, Organisation]]:
    small = synthetic.build(organisations=10, provinces=1, districts=3, years=YEARS, seed=1)
    large = synthetic.build(organisations=500, provinces=1, districts=20, years=YEARS, seed=2)
    return {"small": _pick(small), "large": _pick(large)}


def _pick(data: synthetic.Dataset) -> tuple[Province, Organisation]:
    """An organisation with a total in every year, so both sizes show the same sections."""
    province = data.provinces[0]
    full = (
        Assessment.objects.filter(organisation__district__province=province, total__isnull=False)
        .values("organisation")
        .order_by("organisation")
    )
    counts: dict[int, int] = {}
    for row in full:
        counts[row["organisation"]] = counts.get(row["organisation"], 0) + 1
    org_id = next(pk for pk, n in counts.items() if n == len(YEARS))
    return province, Organisation.objects.get(pk=org_id)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


PAGES = {
    "province results": lambda p, o: f"/results/2565/{p.pk}/",
    "province results, filtered and sorted": lambda p, o: (
        f"/results/2565/{p.pk}/?kind=sao&passed=yes&sort=-total"
    ),
    "province results as CSV": lambda p, o: f"/results/2565/{p.pk}/?format=csv",
    "organisation page": lambda p, o: f"/organisations/{o.pk}/",
    "province overview": lambda p, o: f"/results/2565/{p.pk}/overview/",
    "province overview, highlighted": lambda p, o: (
        f"/results/2565/{p.pk}/overview/?highlight={o.pk}"
    ),
    "province overview, XLSX download": lambda p, o: (
        f"/results/2565/{p.pk}/overview/?highlight={o.pk}&download=districts&format=xlsx"
    ),
    "organisation insights": lambda p, o: f"/organisations/{o.pk}/insights/",
    "organisation insights, other year": lambda p, o: f"/organisations/{o.pk}/insights/?year=2564",
    "API organisations": lambda p, o: f"/api/v1/organisations?province={p.pk}&limit=1000",
    "API organisations by result": lambda p, o: (
        f"/api/v1/organisations?province={p.pk}&year=2565&passed=true"
    ),
    "API districts": lambda p, o: f"/api/v1/districts?province={p.pk}",
    "API assessments": lambda p, o: f"/api/v1/assessments?province={p.pk}&limit=1000",
    "API scores": lambda p, o: f"/api/v1/scores?province={p.pk}&year=2565&limit=1000",
    "API organisation": lambda p, o: f"/api/v1/organisations/{o.pk}",
}


def test_every_page_makes_as_many_queries_for_500_organisations_as_for_10(
    sizes: dict, client: Client
) -> None:
    # One data set for every page (building it is the slow part); every mismatch is reported.
    counts = {
        page: (_queries(client, url(*sizes["small"])), _queries(client, url(*sizes["large"])))
        for page, url in PAGES.items()
    }
    differ = {page: c for page, c in counts.items() if c[0] != c[1] or not 0 < c[1] <= CEILING}
    assert not differ, f"queries for (10, 500) organisations: {differ}"


def test_the_large_province_really_is_larger(sizes: dict) -> None:
    small, large = (sizes[k][0] for k in ("small", "large"))
    count = Organisation.objects.filter
    assert count(district__province=small).count() == 10
    assert count(district__province=large).count() == 500
    assert Assessment.objects.filter(organisation__district__province=large).count() > 1400
