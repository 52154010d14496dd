"""The API's answers and OpenAPI document, byte for byte, for a fixed dataset built here.

The golden files (tests/api/golden/) were recorded from the API as it was before it moved onto
ninja's own filtering, pagination and response schemas: clients see the same bytes, errors
included. Record again (only for a deliberate change of what clients see) with
``ITA_RECORD_GOLDEN=1 .venv/bin/python -m pytest -n 0 tests/api/test_golden.py``.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from ita.organisations.models import District, Organisation, Province
from ita.results.models import Assessment, AssessmentYear, Indicator, IndicatorScore, RatingLevel

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
RECORD = os.environ.get("ITA_RECORD_GOLDEN") == "1"

# Ids far above what the migrations' gazetteer uses, so they are the same on every database.
P, D1, D2 = 9001, 9101, 9102
O1, O2, O3 = 9201, 9202, 9203

QUERIES = [
    # The index, and lists with their defaults, pages and filters.
    "/api/v1/",
    "/api/v1/provinces?limit=3",
    "/api/v1/provinces?limit=2&offset=76",
    f"/api/v1/districts?province={P}",
    f"/api/v1/districts?province={P}&limit=1&offset=1",
    f"/api/v1/organisations?province={P}",
    f"/api/v1/organisations?district={D1}&kind=sao",
    f"/api/v1/organisations?province={P}&year=2691&passed=true",
    f"/api/v1/organisations?province={P}&q=%E0%B8%97%E0%B8%AD%E0%B8%87",
    f"/api/v1/organisations?province={P}&q=",
    f"/api/v1/organisations?province={P}&level=AA&year=2691",
    f"/api/v1/organisations/{O1}",
    f"/api/v1/organisations/{O3}",
    "/api/v1/years?limit=2",
    "/api/v1/years/2691",
    "/api/v1/years/2690",
    f"/api/v1/assessments?province={P}",
    f"/api/v1/assessments?province={P}&limit=1",
    f"/api/v1/assessments?province={P}&limit=1&offset=1",
    f"/api/v1/assessments?province={P}&limit=2&offset=2",
    f"/api/v1/assessments?organisation={O1}&year=%E0%B9%92%E0%B9%96%E0%B9%99%E0%B9%91",
    f"/api/v1/assessments?province={P}&passed=no",
    f"/api/v1/assessments?province={P}&level=A",
    f"/api/v1/scores?province={P}",
    f"/api/v1/scores?province={P}&tool=EIT&limit=1",
    f"/api/v1/scores?organisation={O1}&indicator=2",
    f"/api/v1/scores?province={P}&year=2690&kind=sdm",
    # 400s naming the parameter, 404s and 405s.
    "/api/v1/assessments?yaer=2564",
    "/api/v1/assessments?year=2564&year=2565",
    "/api/v1/assessments?year=abc",
    "/api/v1/assessments?year=2400",
    "/api/v1/assessments?year=2800",
    "/api/v1/assessments?limit=0",
    "/api/v1/assessments?limit=1001",
    "/api/v1/assessments?offset=-1",
    "/api/v1/assessments?offset=10000000000",
    "/api/v1/assessments?passed=maybe",
    "/api/v1/assessments?level=",
    "/api/v1/assessments?level=Z",
    "/api/v1/assessments?level=Z&year=2691",
    "/api/v1/assessments?level=AAA&year=2690",
    f"/api/v1/organisations?q={'x' * 101}",
    "/api/v1/organisations?q=a%00b",
    "/api/v1/organisations?kind=village",
    "/api/v1/scores?tool=XIT",
    "/api/v1/scores?indicator=100",
    "/api/v1/scores?organisation=1.5",
    "/api/v1/provinces?province=1",
    "/api/v1/years?limit=1&year=2564",
    "/api/v1/organisations/abc",
    "/api/v1/organisations/999999",
    "/api/v1/organisations/-5",
    "/api/v1/years/abc",
    "/api/v1/years/1999",
    "/api/v1/?x=1",
]


@pytest.fixture
def dataset(db) -> None:
    """One province of two districts and three organisations, two years of their own method
    (one unconfirmed), assessments of every source, and indicator scores."""
    province = Province.objects.create(
        pk=P, name="จังหวัดทองคำ", code=None, name_en="Thong Kham", region=9
    )
    d1 = District.objects.create(pk=D1, province=province, name="เมืองทองคำ")
    d2 = District.objects.create(pk=D2, province=province, name="ทองหลาง")
    o1 = Organisation.objects.create(
        pk=O1,
        district=d1,
        name="องค์การบริหารส่วนตำบลทองคำ",
        kind="sao",
        code="9999001",
        website="https://thongkham.example.go.th",
    )
    o2 = Organisation.objects.create(pk=O2, district=d1, name="เทศบาลตำบลทองดี", kind="sdm")
    o3 = Organisation.objects.create(pk=O3, district=d2, name="สำนักงานทองหลาง", kind="agency")
    old = AssessmentYear.objects.create(pk=9301, year=2690, pass_mark=Decimal("85.00"))
    new = AssessmentYear.objects.create(
        pk=9302, year=2691, pass_mark=Decimal("80.50"), confirmed=False
    )
    indicators = {}
    for pk, year, number, tool, weight in [
        (9401, old, 1, "IIT", "0.3000"),
        (9402, old, 2, "EIT", "0.3000"),
        (9403, old, 3, "OIT", "0.4000"),
        (9404, new, 1, "IIT", "0.5000"),
        (9405, new, 2, "OIT", "0.5000"),
    ]:
        indicators[pk] = Indicator.objects.create(
            pk=pk,
            year=year,
            number=number,
            name=f"ตัวชี้วัดที่ {number}",
            tool=tool,
            weight=Decimal(weight),
        )
    for pk, year, level, low, each in [
        (9501, old, "AA", "95.00", "90.00"),
        (9502, old, "A", "85.00", None),
        (9503, new, "ผ่านดี", "80.50", None),
        (9504, new, "AA", "95.00", None),
    ]:
        RatingLevel.objects.create(
            pk=pk,
            year=year,
            level=level,
            min_total=Decimal(low),
            min_each_tool=None if each is None else Decimal(each),
        )
    rows = [
        (9601, o1, old, "87.33", "A", True, "published", "published", "1.25", 3, False),
        (9602, o2, old, "70.10", "", False, "", "computed", None, None, True),
        (9603, o1, new, "96.00", "AA", True, "computed", "computed", "8.67", 1, False),
        (9604, o2, new, None, "", None, "", "", None, None, False),
        (9605, o3, new, "81.11", "ผ่านดี", True, "published", "published", "-0.5", 2, False),
    ]
    made = {}
    for pk, org, year, total, level, passed, lsrc, psrc, change, rank, derived in rows:
        made[pk] = Assessment.objects.create(
            pk=pk,
            organisation=org,
            year=year,
            total=None if total is None else Decimal(total),
            level=level,
            passed=passed,
            level_source=lsrc,
            passed_source=psrc,
            change=None if change is None else Decimal(change),
            rank=rank,
            derived=derived,
        )
    for pk, assessment, indicator, score in [
        (9701, 9601, 9401, "90.1234"),
        (9702, 9601, 9402, "80.5"),
        (9703, 9601, 9403, "90"),
        (9704, 9602, 9401, "70.1"),
        (9705, 9603, 9404, "96"),
        (9706, 9603, 9405, "96"),
        (9707, 9605, 9404, "81.1111"),
    ]:
        IndicatorScore.objects.create(
            pk=pk,
            assessment=made[assessment],
            indicator=indicators[indicator],
            score=Decimal(score),
        )


def _answer(client: Client, method: str, url: str) -> str:
    response = getattr(client, method.lower())(url)
    headers = "".join(
        f"{name}: {response[name]}\n"
        for name in ("Content-Type", "Allow", "Access-Control-Allow-Origin")
        if response.has_header(name)
    )
    return f"{method} {url}\n{response.status_code}\n{headers}{response.content.decode()}\n"


def _compare(name: str, text: str) -> None:
    path = GOLDEN / name
    if RECORD:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_the_answers_are_the_recorded_ones(dataset, client: Client) -> None:
    answers = [_answer(client, "GET", url) for url in QUERIES]
    answers += [
        _answer(client, "HEAD", f"/api/v1/organisations/{O1}"),
        _answer(client, "POST", "/api/v1/years"),
        _answer(client, "DELETE", f"/api/v1/organisations/{O1}"),
    ]
    _compare("answers.txt", "\n".join(answers))


def test_the_openapi_document_is_the_recorded_one(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    # Indented for a readable diff; the keys' order is kept, as clients receive it.
    document = json.dumps(response.json(), ensure_ascii=False, indent=1)
    _compare("openapi.json", document + "\n")
    _compare("openapi.bytes", response.content.decode() + "\n")
