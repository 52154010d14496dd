import pytest

from ita.organisations.models import Province
from ita.results.models import AssessmentYear

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_logs_in_and_sees_the_province_table_in_thai(page, login, demo) -> None:
    login("legal")
    assert page.locator(".who").inner_text() == "นายณัชพล รังสิปการ"
    province = Province.objects.get(name="ตรัง")
    year = AssessmentYear.objects.get(year=2564)
    page.goto(f"/results/{year.year}/{province.pk}/")
    assert "ผลการประเมิน ITA ปีงบประมาณ 2564: จังหวัดตรัง" in page.locator("h1").inner_text()
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 85
    header = page.locator("table.results thead").inner_text()
    for label in ("อันดับ", "หน่วยงาน", "อำเภอ", "ระดับผลการประเมิน", "เปรียบเทียบปีที่ผ่านมา"):
        assert label in header
    first = rows.nth(0).inner_text()
    assert "องค์การบริหารส่วนตำบลคลองปาง" in first and "98.12" in first and "ผ่าน" in first

    page.select_option("#id_district", label="ปะเหลียน")
    page.select_option("#id_passed", "yes")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    names = page.locator("table.results tbody tr td:nth-child(2)").all_inner_texts()
    assert "องค์การบริหารส่วนตำบลสุโสะ" in names
    assert "องค์การบริหารส่วนตำบลปะเหลียน" not in names  # 79.49, not passed
