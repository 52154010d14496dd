import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_thai_page_in_the_site_layout(client, demo) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="th">' in html
    assert "ไม่พบหน้าที่ต้องการ" in html and "กลับหน้าแรก" in html
    assert 'class="top"' in html  # the navigation is there


def test_an_unknown_year_is_the_thai_404(client, demo) -> None:
    response = client.get(reverse("province_results", args=[2599, 1]))
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_a_forbidden_page_is_a_thai_page(client, demo) -> None:
    client.force_login(demo.users["outsider"])
    response = client.get(reverse("imports:index"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "ไม่มีสิทธิ์ดำเนินการ" in html and '<html lang="th">' in html


def test_the_server_error_page_is_thai_and_stands_alone() -> None:
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert '<html lang="th">' in html and "ระบบขัดข้อง" in html


def test_an_english_browser_still_gets_thai_until_the_user_switches(client, demo) -> None:
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="th">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="th")
    assert '<html lang="en">' in response.content.decode()
