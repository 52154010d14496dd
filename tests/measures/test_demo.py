import datetime as dt

import pytest

from measures.models import Measure

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_measures_tables_as_the_seed(demo) -> None:
    rows = [
        (m.table, m.order, m.title, m.responsible_unit, m.period_display, m.follow_up, m.steps.count())
        for m in Measure.objects.order_by("table", "order")
    ]  # fmt: skip
    assert rows == [
        (1, 1, "แนวทางการใช้ทรัพย์สินของราชการ", "สำนักปลัดฯ", "ม.ค.๖๔ – มี.ค.๖๔", "รายงานผลการดำเนินงาน", 2),
        (1, 2, "แนวทางการเพิ่มประสิทธิภาพการสื่อสาร การใช้งานเว็บไซต์ การเปิดเผยข้อมูล และการปรับปรุงการทำงานการให้บริการให้ดียิ่งขึ้น", "สำนักปลัดฯ", "ม.ค.๖๔ – มี.ค.๖๔", "รายงานผลการดำเนินงาน", 4),
        (2, 1, "แนวทางการเปิดเผยข้อมูลและการบริการผ่านช่องทางออนไลน์", "สำนักปลัดฯ", "ม.ค.๖๕ – มี.ค.๖๕", "รายงานผลการดำเนินงาน", 4),
    ]  # fmt: skip
    second = Measure.objects.get(table=1, order=2)
    assert second.steps_lead == "ปรับปรุงเว็บไซต์ ดังนี้"
    assert sorted(i.code for i in Measure.objects.get(table=2).oit_items.all()) == [
        "O17",
        "O2",
        "O35",
        "O38",
    ]
    assert Measure.objects.get(table=2).status_on(dt.date(2022, 2, 1)) == "in_progress"
