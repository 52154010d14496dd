import pytest

from ita.imports.models import ImportBatch
from ita.organisations.models import OrganisationAlias
from ita.results.models import Assessment
from tests.imports.helpers import seed_text
from tests.ops.conftest import DB_TASKS, work

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_pastes_the_seed_reconciles_a_name_and_applies(
    page, login, demo, settings
) -> None:
    settings.TASKS = DB_TASKS  # the apply is the task worker's, as in production
    text = (
        seed_text().replace("อุยไธสง", "อุยไธสงห์").replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    )
    login("admin")
    page.click("text=นำเข้าข้อมูล")
    assert page.locator("h1").inner_text() == "นำเข้าตารางคะแนน"
    page.fill("#id_text", text)
    page.fill("#id_year", "2564")
    page.click("#import-form button[type=submit]")
    # The progress page steps through the rows by itself, then shows the preview.
    page.wait_for_selector("table.import-rows")
    assert "ผิดพลาด: 1" in page.locator(".counts").inner_text()
    assert "แก้ไขจากเดิม: 1" in page.locator(".counts").inner_text()
    error_row = page.locator("tr.row-error")
    assert "ไม่รู้จักหน่วยงาน" in error_row.inner_text()
    first_choice = error_row.locator("input[name=choice]").first
    # Several อบต. of ปะเหลียน are candidates: the administrator chooses, nothing is pre-selected.
    assert not first_choice.is_checked()
    assert "องค์การบริหารส่วนตำบลสุโสะ" in error_row.locator("label").first.inner_text()
    first_choice.check()
    error_row.locator("button[type=submit]").click()
    page.wait_for_selector("table.import-rows")
    assert "ผิดพลาด: 0" in page.locator(".counts").inner_text()
    assert "คำเตือน: 1" in page.locator(".counts").inner_text()
    # The spelling is stored when the import is applied, not by the preview.
    assert not OrganisationAlias.objects.filter(name="องค์การบริหารส่วนตำบลอุยไธสงห์").exists()
    page.click("text=นำข้อมูลเข้า")
    page.wait_for_selector(".messages li.success")
    # The request returned at once: the page shows the job waiting for the worker.
    assert "รอตัวทำงานเบื้องหลังเริ่มทำงานนี้" in page.locator("#job").inner_text()
    assert ImportBatch.objects.get().status == "ready"
    assert work() == 1
    # The page's script sees the job over and loads the page again.
    page.wait_for_selector("#job", state="detached")
    assert "นำไปใช้แล้ว" in page.locator(".facts").inner_text()
    assert ImportBatch.objects.get().status == "applied"
    assert OrganisationAlias.objects.filter(name="องค์การบริหารส่วนตำบลอุยไธสงห์").exists()
    pao = Assessment.objects.get(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2564)
    assert str(pao.total) == "97.76"
