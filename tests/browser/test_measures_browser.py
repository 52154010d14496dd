from urllib.parse import quote

import pytest

from measures.models import Evidence, Measure, ProgressUpdate

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_adds_a_progress_update_with_a_file(
    page, login, demo, tmp_media, tmp_path
) -> None:
    measure = Measure.objects.get(table=2)
    evidence = tmp_path / "ภาพกิจกรรม.pdf"
    evidence.write_bytes(b"%PDF-1.4 activity photos")
    login("legal")
    page.goto(f"/measures/report/{demo.home.pk}/2564/")
    assert "ม.ค.๖๕ – มี.ค.๖๕" in page.locator("#measures").inner_text()
    page.click(f"#measure-{measure.pk} a >> nth=0")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == measure.title

    page.fill("#id_note", "เผยแพร่กิจกรรมเสริมสร้างวัฒนธรรมองค์กรบนเว็บไซต์แล้ว")
    page.set_input_files("#id_files", str(evidence))
    page.click("#updates button[type=submit]")
    page.wait_for_load_state()

    updates = page.locator("ul.updates").inner_text()
    assert "เผยแพร่กิจกรรมเสริมสร้างวัฒนธรรมองค์กรบนเว็บไซต์แล้ว" in updates
    assert "ภาพกิจกรรม.pdf" in updates
    update = ProgressUpdate.objects.get(measure=measure)
    assert update.author.username == "legal"
    stored = Evidence.objects.get(update=update)
    # A PDF is shown in the browser (as a picture would be), served as what its bytes are, under
    # its own name; anything else would be an attachment (tests/measures/test_evidence_files.py).
    href = page.locator("a", has_text="ภาพกิจกรรม.pdf").get_attribute("href")
    served = page.request.get(href)
    assert served.status == 200 and served.body() == b"%PDF-1.4 activity photos"
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["x-content-type-options"] == "nosniff"
    disposition = served.headers["content-disposition"]
    assert disposition.startswith("inline") and quote("ภาพกิจกรรม.pdf") in disposition
    assert stored.size == len(b"%PDF-1.4 activity photos")
