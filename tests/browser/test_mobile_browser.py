"""On a phone (390 px wide) the page itself never scrolls sideways: wide tables scroll inside it."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.engine_free
def test_the_organisation_and_report_pages_fit_a_phone(page, login, demo) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login("legal")
    for url in [
        f"/organisations/{demo.home.pk}/",
        f"/measures/report/{demo.home.pk}/2564/",
        f"/measures/report/{demo.home.pk}/2564/oit/",
        f"/measures/report/{demo.home.pk}/2564/oit/ours/",
    ]:
        page.goto(url)
        assert page.evaluate(OVERFLOW) <= 0, url


def test_the_check_date_is_typed_as_a_buddhist_era_date(page, login, demo) -> None:
    login("legal")
    page.goto(f"/measures/report/{demo.home.pk}/2564/")
    assert page.get_attribute("#id_on", "type") == "text"
    page.fill("#id_on", "๑ ธ.ค. ๒๕๖๓")
    page.press("#id_on", "Enter")
    page.wait_for_load_state()
    assert page.input_value("#id_on") == "01/12/2563"
    assert "1 ธันวาคม 2563" in page.locator("#checks").inner_text()
