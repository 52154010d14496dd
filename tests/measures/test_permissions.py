import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ita.history.models import Event
from measures.models import Finding, Measure
from measures.services.progress import progress_add
from tests.measures.helpers import report_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(demo, tmp_media):
    measure = Measure.objects.get(table=2)
    update = progress_add(
        measure=measure,
        note="เผยแพร่แล้ว",
        files=[SimpleUploadedFile("หลักฐาน.pdf", b"%PDF-1.4 test", "application/pdf")],
        actor=demo.users["legal"],
    )
    return {
        "measure": measure,
        "finding": Finding.objects.filter(assessment__organisation=demo.home).first(),
        "evidence": update.files.get(),
    }


def _gets(demo, o) -> list[str]:
    m, f, e = o["measure"].pk, o["finding"].pk, o["evidence"].pk
    base = report_url(demo)
    return [
        base, base + "oit/", base + "oit/ours/", base + "findings/new/", base + "measures/new/",
        f"/measures/{m}/", f"/measures/{m}/edit/", f"/measures/findings/{f}/edit/",
        f"/measures/evidence/{e}/",
    ]  # fmt: skip


def _posts(demo, o) -> list[str]:
    m, f = o["measure"].pk, o["finding"].pk
    base = report_url(demo)
    return [
        base + "suggest/", base + "oit/", base + "oit/ours/", base + "findings/new/",
        base + "measures/new/",
        f"/measures/{m}/edit/", f"/measures/{m}/keep/", f"/measures/{m}/delete/",
        f"/measures/{m}/progress/", f"/measures/findings/{f}/edit/",
        f"/measures/findings/{f}/delete/",
    ]  # fmt: skip


@pytest.mark.parametrize("username", ["legal", "head", "deputy", "clerk", "mayor"])
def test_every_member_sees_every_page(client, demo, objects, username: str) -> None:
    client.force_login(demo.users[username])
    for url in _gets(demo, objects):
        assert client.get(url).status_code == 200, url


def test_another_organisations_reports_and_measures_are_404(client, demo, objects) -> None:
    client.force_login(demo.users["outsider"])
    events = Event.objects.count()
    for url in _gets(demo, objects):
        assert client.get(url).status_code == 404, url
    for url in _posts(demo, objects):
        assert client.post(url, {"note": "x", "title": "x", "text": "x"}).status_code == 404, url
    assert Event.objects.count() == events
    assert Measure.objects.filter(pk=objects["measure"].pk).exists()


def test_an_administrator_without_a_position_is_not_a_member(client, demo, objects) -> None:
    client.force_login(demo.users["admin"])
    assert client.get(report_url(demo)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, demo, objects) -> None:
    for url in _gets(demo, objects):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in _posts(demo, objects):
        assert client.post(url).status_code == 302, url
    assert Measure.objects.filter(pk=objects["measure"].pk).exists()


def test_write_only_urls_reject_get(client, demo, objects) -> None:
    client.force_login(demo.users["legal"])
    m, f = objects["measure"].pk, objects["finding"].pk
    for url in [
        report_url(demo) + "suggest/", f"/measures/{m}/keep/", f"/measures/{m}/delete/",
        f"/measures/{m}/progress/", f"/measures/findings/{f}/delete/",
    ]:  # fmt: skip
        assert client.get(url).status_code == 405, url


def test_the_home_page_lists_overdue_measures_to_members_only(client, demo) -> None:
    client.force_login(demo.users["mayor"])
    html = client.get("/").content.decode()
    assert 'id="overdue-title"' in html and "แนวทางการใช้ทรัพย์สินของราชการ" in html
    client.force_login(demo.users["outsider"])
    html = client.get("/").content.decode()
    assert 'id="overdue-title"' not in html and "แนวทางการใช้ทรัพย์สินของราชการ" not in html


def test_executives_see_measures_and_their_progress(client, demo, objects) -> None:
    client.force_login(demo.users["mayor"])
    html = client.get("/measures/").content.decode()
    assert html.count("/measures/report/") >= 1
    for m in Measure.objects.all():
        assert m.title in html
    detail = client.get(f"/measures/{objects['measure'].pk}/").content.decode()
    assert "เผยแพร่แล้ว" in detail and "หลักฐาน.pdf" in detail
