import pytest

from ita.organisations.models import Province

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_overview_draws_charts_without_javascript_and_opens_their_tables(page, demo) -> None:
    trang = Province.objects.get(name="ตรัง")
    page.goto(f"/results/2564/{trang.pk}/overview/")
    page.select_option("#id_highlight", label="องค์การบริหารส่วนตำบลสุโสะ")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert f"highlight={demo.home.pk}" in page.url
    assert "อันดับที่ 12 จาก 85 ในจังหวัด" in page.locator(".standing").inner_text()
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 4
    box = charts.first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100  # drawn, not collapsed
    table = page.locator("#table-districts")
    assert not table.is_visible()
    page.click("#districts summary")  # one click to the table behind the chart
    assert table.is_visible()
    assert "ปะเหลียน" in table.locator("tr.highlight").inner_text()


def test_the_trends_page_works_with_javascript_disabled(browser, live_server, demo) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(f"/organisations/{demo.home.pk}/insights/")
    assert page.locator("svg.chart[role=img]").count() == 3
    page.click("#profile summary")
    assert "83.85" in page.locator("#table-profile").inner_text()
    context.close()
