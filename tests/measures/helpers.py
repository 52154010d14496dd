"""Shortcuts for the measures tests, on top of the demo."""

from __future__ import annotations

import datetime as dt

from ita.results.models import Assessment
from measures.models import Measure
from measures.services.measures import MeasureData, measure_create


def home_assessment(demo) -> Assessment:
    return Assessment.objects.select_related("organisation", "year").get(
        organisation=demo.home, year__year=2564
    )


def report_url(demo, year: int = 2564) -> str:
    return f"/measures/report/{demo.home.pk}/{year}/"


def make_measure(
    assessment: Assessment,
    *,
    title: str = "มาตรการทดสอบ",
    unit: str = "สำนักปลัดฯ",
    start: dt.date | None = dt.date(2022, 1, 1),
    end: dt.date | None = dt.date(2022, 3, 1),
    findings: list | None = None,
    actor=None,
    draft: bool = False,
) -> Measure:
    return measure_create(
        assessment=assessment,
        data=MeasureData(
            title=title,
            steps=["ขั้นที่หนึ่ง", "ขั้นที่สอง"],
            responsible_unit=unit,
            start_month=start,
            end_month=end,
            follow_up="รายงานผลการดำเนินงาน",
            findings=findings or [],
        ),
        actor=actor,
        draft=draft,
    )
