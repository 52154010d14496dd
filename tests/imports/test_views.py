import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ita.history.models import Event
from ita.imports import blanks, parsing
from ita.imports.models import ImportBatch
from ita.imports.services import import_commit, import_preview
from ita.organisations.models import Organisation, OrganisationAlias
from ita.results.models import Assessment
from tests.imports.helpers import seed_bytes, seed_text, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo):
    client.force_login(demo.users["admin"])
    return client


def _finish(client, batch_url: str) -> None:
    """What the progress page's script does: post the next step until the preview is ready."""
    for _ in range(100):
        page = client.get(batch_url)
        if b'id="check-form"' not in page.content:
            return
        client.post(batch_url + "check/")
    raise AssertionError("the preview never finished")


def _batch_urls(batch: ImportBatch) -> list[tuple[str, str]]:
    row = batch.rows.first()
    return [
        ("get", reverse("imports:index")),
        ("get", reverse("imports:template", args=["results", "csv"])),
        ("get", reverse("imports:detail", args=[batch.pk])),
        ("post", reverse("imports:check", args=[batch.pk])),
        ("post", reverse("imports:recheck", args=[batch.pk])),
        ("post", reverse("imports:commit", args=[batch.pk])),
        ("post", reverse("imports:revert", args=[batch.pk])),
        ("get", reverse("imports:job", args=[batch.pk])),
        ("post", reverse("imports:discard", args=[batch.pk])),
        ("post", reverse("imports:resolve", args=[batch.pk, row.pk])),
    ]


def test_every_import_page_needs_login_and_staff(client, demo) -> None:
    batch = import_preview(data=seed_bytes(), file_name="t", year=2564)
    for method, url in _batch_urls(batch):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for username in ("legal", "mayor", "outsider"):
        client.force_login(demo.users[username])
        for method, url in _batch_urls(batch):
            assert getattr(client, method)(url).status_code == 403, (username, url)
    assert ImportBatch.objects.get().status == ImportBatch.Status.READY


def test_write_pages_reject_get(admin_client, demo) -> None:
    batch = import_preview(data=seed_bytes(), file_name="t", year=2564)
    for method, url in _batch_urls(batch):
        if method == "post":
            assert admin_client.get(url).status_code == 405, url


def test_pasting_the_seed_previews_85_unchanged_rows_with_progress(admin_client) -> None:
    response = admin_client.post(reverse("imports:index"), {"text": seed_text(), "year": 2564})
    assert response.status_code == 302
    url = response["Location"]
    page = admin_client.get(url)
    assert b"<progress" in page.content and b'id="check-form"' in page.content
    _finish(admin_client, url)
    page = admin_client.get(url).content.decode()
    assert "คงเดิม: 85" in page or "Unchanged: 85" in page
    assert "เอกสารแนบท้ายประกาศ" in page  # the page note, listed among the skipped lines
    assert "ระดับผลการประเมิน" in page  # the columns read from the header
    batch = ImportBatch.objects.get()
    assert batch.source == "paste" and batch.created_by.username == "admin"
    assert batch.counts["unchanged"] == 85 and batch.counts["error"] == 0


def test_an_administrator_applies_and_reverts_from_the_page(admin_client, demo) -> None:
    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    upload = SimpleUploadedFile("trang.txt", text.encode("cp874"), "text/plain")
    response = admin_client.post(reverse("imports:index"), {"file": upload, "year": 2564})
    url = response["Location"]
    _finish(admin_client, url)
    batch = ImportBatch.objects.get()
    assert batch.file_name == "trang.txt" and "Windows-874" in batch.file_format
    page = admin_client.get(url + "?status=changed").content.decode()
    assert "96.76" in page and "97.76" in page  # the diff
    assert "+33.84</del> → <ins>+34.84" in page  # the change with its sign, as published
    admin_client.post(url + "commit/")
    pao = Assessment.objects.get(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2564)
    assert str(pao.total) == "97.76"
    second = admin_client.post(url + "commit/", follow=True).content.decode()
    assert '<li class="warning">' in second
    assert Event.objects.filter(action="import.apply").count() == 1
    admin_client.post(url + "revert/")
    pao.refresh_from_db()
    assert str(pao.total) == "96.76"
    again = admin_client.post(url + "revert/", follow=True).content.decode()
    assert '<li class="warning">' in again and "ผู้ดูแลระบบ" in again  # who reverted it


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", ""),
        ("blank.csv", b"  \n \n", ""),
        ("garbage.csv", b"\x00\xff\x13" * 3000, ""),
        ("formula.xlsx", xlsx([["ที่", "หน่วยงาน", "อำเภอ", "คะแนน"], [1, "ก", "ข", "=1+1"]]), "D2"),
        ("extra.csv", "ที่,หน่วยงาน,อำเภอ,คะแนน,โบนัส\n1,ก,ข,90,1\n".encode(), "โบนัส"),
        ("big.csv", b"a" * (50 * 1024 * 1024), "50.0 MB"),
    ],
)
def test_a_bad_upload_gets_a_clear_message_and_changes_nothing(
    admin_client,
    name: str,
    data: bytes,
    message: str,
) -> None:
    upload = SimpleUploadedFile(name, data)
    response = admin_client.post(reverse("imports:index"), {"file": upload, "year": 2564})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error" role="alert"' in page and message in page
    assert not ImportBatch.objects.exists()


def test_too_much_pasted_text_gets_a_message_not_an_error_page(admin_client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = admin_client.post(reverse("imports:index"), {"text": seed_text(), "year": 2564})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_and_pasted_text_together_are_refused(admin_client) -> None:
    upload = SimpleUploadedFile("t.txt", seed_bytes())
    response = admin_client.post(
        reverse("imports:index"), {"file": upload, "text": seed_text(), "year": 2564}
    )
    assert response.status_code == 200 and not ImportBatch.objects.exists()


def test_choosing_a_suggestion_on_the_page_saves_the_alias_when_applied(admin_client, demo) -> None:
    text = seed_text().replace("อุยไธสง", "อุยไธสงห์")
    response = admin_client.post(reverse("imports:index"), {"text": text, "year": 2564})
    url = response["Location"]
    _finish(admin_client, url)
    batch = ImportBatch.objects.get()
    row = batch.rows.get(number="50")
    page = admin_client.get(url + "?status=error").content.decode()
    # Several อบต. of ปะเหลียน are candidates: none is chosen for the administrator.
    assert f'value="{demo.home.pk}"' in page and f'value="{demo.home.pk}" checked' not in page
    admin_client.post(reverse("imports:resolve", args=[batch.pk, row.pk]), {"choice": demo.home.pk})
    assert not OrganisationAlias.objects.filter(name="องค์การบริหารส่วนตำบลอุยไธสงห์").exists()
    _finish(admin_client, url)
    batch.refresh_from_db()
    assert batch.counts["error"] == 0 and batch.can_commit and batch.counts["warning"] == 1
    admin_client.post(reverse("imports:commit", args=[batch.pk]))
    assert OrganisationAlias.objects.filter(name="องค์การบริหารส่วนตำบลอุยไธสงห์").exists()


def test_creating_an_organisation_from_the_page(admin_client) -> None:
    text = seed_text() + "\n86\tเทศบาลตำบลใหม่เอี่ยม\tสิเกา\t90.00\tA\t\tผ่าน\n"
    url = admin_client.post(reverse("imports:index"), {"text": text, "year": 2564})["Location"]
    _finish(admin_client, url)
    batch = ImportBatch.objects.get()
    row = batch.rows.get(number="86")
    admin_client.post(reverse("imports:resolve", args=[batch.pk, row.pk]), {"choice": "create"})
    _finish(admin_client, url)
    admin_client.post(url + "commit/")
    assert Organisation.objects.filter(name="เทศบาลตำบลใหม่เอี่ยม").exists()


def test_the_preview_page_makes_the_same_queries_whatever_the_size(admin_client, demo) -> None:
    small = import_preview(
        data="\n".join(seed_text().splitlines()[:16]).encode(), file_name="s", year=2564
    )
    large = import_preview(data=seed_bytes(), file_name="l", year=2564)
    assert small.rows_total < 10 and large.rows_total == 85
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(reverse("imports:detail", args=[batch.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_list_makes_the_same_queries_whatever_the_number_of_imports(admin_client) -> None:
    counts = []
    for _ in range(2):
        import_preview(data=seed_bytes(), file_name="t", year=2564)
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(reverse("imports:index"))
        counts.append(len(queries))
    import_commit(batch=ImportBatch.objects.first(), actor=None)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("kind", ["results", "indicators"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_have_headers_the_importer_reads(admin_client, kind: str, fmt: str) -> None:
    response = admin_client.get(reverse("imports:template", args=[kind, fmt]))
    assert response.status_code == 200
    with pytest.raises(parsing.TableError):  # a header and no rows yet
        parsing.parse_table(response.content, kind=kind)
    header = blanks.header(kind)
    row = ["1" if h == "ที่" else "90" if h not in blanks.TEXT_COLUMNS else "ก" for h in header]
    table = parsing.parse_table(
        xlsx([header, row]) if fmt == "xlsx" else response.content + ",".join(row).encode()
    )
    assert table.kind == kind and len(table.rows) == 1
    if kind == "indicators":
        assert table.indicator_numbers() == list(range(1, 11))


def test_the_admin_lists_imports_and_leads_to_the_upload_page(admin_client) -> None:
    import_preview(data=seed_bytes(), file_name="trang.txt", year=2564)
    page = admin_client.get(reverse("admin:imports_importbatch_changelist"))
    assert page.status_code == 200 and "trang.txt" in page.content.decode()
    add = admin_client.get(reverse("admin:imports_importbatch_add"))
    assert add.status_code == 302 and add["Location"] == reverse("imports:index")


def test_staff_see_the_imports_link(admin_client) -> None:
    assert reverse("imports:index") in admin_client.get("/").content.decode()


def test_a_province_s_first_table_is_created_in_one_step_on_the_page(admin_client) -> None:
    from pathlib import Path

    from ita.results.models import AssessmentYear

    text = (Path(__file__).parent / "data" / "itas_phuket_2561.txt").read_text(encoding="utf-8")
    response = admin_client.post(reverse("imports:index"), {"text": text, "year": 2561})
    url = response["Location"]
    _finish(admin_client, url)
    page = admin_client.get(url).content.decode()
    assert "สร้างหน่วยงานใหม่ 13 แห่งที่ตรงกับทำเนียบ" in page
    assert "ตรวจตามวิธีการประเมินปี 2561" in page
    batch = ImportBatch.objects.get()
    admin_client.post(reverse("imports:choose", args=[batch.pk]), {"choice": "create_missing"})
    _finish(admin_client, url)
    batch.refresh_from_db()
    assert batch.can_commit and batch.counts["new"] == 13
    # 2561 has no published method: the scores only, unless the method is confirmed.
    page = admin_client.get(url).content.decode()
    assert 'value="confirm_method"' in page and "ยืนยันวิธีการประเมินของปี 2561" in page
    admin_client.post(reverse("imports:commit", args=[batch.pk]))
    assert Organisation.objects.filter(district__province__name="ภูเก็ต").count() == 13
    year = AssessmentYear.objects.get(year=2561)
    assert not year.confirmed and not year.levels.exists()
    assert not Assessment.objects.filter(year=year).exclude(level="", passed=None).exists()


def test_the_preview_shows_pass_and_scores_as_people_read_them(admin_client, demo) -> None:
    """No True/False and no stored 93.5500 in the changes: ผ่าน/ไม่ผ่าน and the score as
    published, for a year whose rows change (2564) and for one they are new to (2563)."""
    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    shown = {}
    for year in (2564, 2563):
        table = text.replace("2564", str(year))
        upload = SimpleUploadedFile("trang.txt", table.encode("cp874"), "text/plain")
        response = admin_client.post(reverse("imports:index"), {"file": upload, "year": year})
        _finish(admin_client, response["Location"])
        page = admin_client.get(response["Location"]).content.decode()
        shown[year] = "".join(re.findall(r'<ul class="diff">(.*?)</ul>', page, re.S))
        assert "True" not in shown[year] and "False" not in shown[year], year
        assert re.findall(r"\d\.\d\d0\d*\b", shown[year]) == [], year
    assert "<del>96.76</del> → <ins>97.76</ins>" in shown[2564]
    assert "ผ่าน" in shown[2563] and "97.76" in shown[2563]
