"""Public pages come from a cache keyed by the published data's version (ita.history.published):
an import, a revert, a method change or a publication shows on every page at the next request, a
matching ETag gets a 304, and nothing of a logged-in user's is cached."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ita.history import published
from ita.history.models import Publication
from ita.imports.services import import_commit, import_preview, import_revert
from ita.organisations.models import Organisation
from ita.results.models import AssessmentYear
from memos import publishing as memo_publishing
from tests import factories
from tests.imports.helpers import seed_text

pytestmark = pytest.mark.django_db

PAO = "องค์การบริหารส่วนจังหวัดตรัง"


@pytest.fixture
def pao(demo) -> Organisation:
    return Organisation.objects.get(name=PAO)


def _pages(pao: Organisation) -> dict[str, str]:
    p = pao.district.province_id
    return {
        "home": "/",
        "results": f"/results/2564/{p}/",
        "results CSV": f"/results/2564/{p}/?format=csv",
        "overview": f"/results/2564/{p}/overview/",
        "organisation": f"/organisations/{pao.pk}/",
        "insights": f"/organisations/{pao.pk}/insights/",
        "API assessments": f"/api/v1/assessments?organisation={pao.pk}",
        "API organisation": f"/api/v1/organisations/{pao.pk}",
        "API years": "/api/v1/years",
    }


def _get(client: Client, url: str, **headers: str):
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 304), (url, response.status_code)
    return response


def test_a_cached_page_is_served_with_one_query_and_validators(pao: Organisation) -> None:
    client = Client()
    url = f"/results/2564/{pao.district.province_id}/"
    first = _get(client, url)
    with CaptureQueriesContext(connection) as captured:
        second = _get(client, url)
    # The version of the published data, then the page from this process's copy.
    assert len(captured) == 1, [q["sql"] for q in captured]
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "no-cache" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    assert "Last-Modified" in second
    assert b"csrfmiddlewaretoken" not in second.content
    assert not second.cookies


def test_the_shared_cache_serves_a_page_rendered_by_another_process(pao: Organisation) -> None:
    url = f"/organisations/{pao.pk}/"
    first = _get(Client(), url)
    published.local.clear()  # as if another app server asked
    with CaptureQueriesContext(connection) as captured:
        again = _get(Client(), url)
    assert again.content == first.content
    # The version and the shared cache's row: not the page's own dozen.
    assert len(captured) <= 3, [q["sql"] for q in captured]


def test_a_matching_etag_or_date_gets_304_and_another_gets_the_page(pao: Organisation) -> None:
    client = Client()
    for url in _pages(pao).values():
        page = _get(client, url)
        again = _get(client, url, if_none_match=page["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == page["ETag"]
        since = _get(client, url, if_modified_since=page["Last-Modified"])
        assert since.status_code == 304, url
        other = _get(client, url, if_none_match='"something-else"')
        assert other.status_code == 200 and other.content == page.content


def test_an_import_and_its_revert_show_on_every_public_page_at_once(
    pao: Organisation, demo
) -> None:
    client = Client()
    pages = _pages(pao)
    before = {name: _get(client, url) for name, url in pages.items()}
    version = Publication.objects.get().version
    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    batch = import_preview(data=text.encode(), file_name="t", year=2564, actor=None)
    # A preview publishes nothing: the pages are still served from the cache.
    assert Publication.objects.get().version == version
    assert (
        _get(client, pages["results"], if_none_match=before["results"]["ETag"]).status_code == 304
    )

    import_commit(batch=batch, actor=demo.users["admin"])
    assert Publication.objects.get().version == version + 1
    after = {
        name: _get(client, url, if_none_match=before[name]["ETag"]) for name, url in pages.items()
    }
    for name in pages:
        assert after[name].status_code == 200, name
        assert after[name]["ETag"] != before[name]["ETag"], name
    for name in (
        "results",
        "results CSV",
        "overview",
        "organisation",
        "insights",
        "API assessments",
    ):
        assert b"97.76" in after[name].content, name
        assert b"97.76" not in before[name].content, name

    import_revert(batch=batch, actor=demo.users["admin"])
    reverted = _get(client, pages["results"])
    assert b"97.76" not in reverted.content and b"96.76" in reverted.content


def test_a_method_changed_in_the_admin_shows_at_once(pao: Organisation, demo) -> None:
    client = Client()
    url = "/api/v1/years"
    before = _get(client, url)
    year = AssessmentYear.objects.get(year=2564)
    admin = Client()
    admin.force_login(demo.users["admin"])
    form = admin.get(f"/admin/ita/assessmentyear/{year.pk}/change/")
    assert form.status_code == 200
    data = {k: v for k, v in form.context["adminform"].form.initial.items() if v is not None}
    data["pass_mark"] = "86.00"
    # A confirmed method is edited only with its confirmation withdrawn (in the same save).
    data.pop("confirmed", None)
    for formset in form.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for field in management:
            data[field.html_name] = field.value()
        for inline in formset.formset.forms:
            for field in inline:
                value = field.value()
                if value is not None:
                    data[field.html_name] = value
    response = admin.post(f"/admin/ita/assessmentyear/{year.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    assert AssessmentYear.objects.get(year=2564).pass_mark == Decimal("86.00")
    after = _get(client, url, if_none_match=before["ETag"])
    assert after.status_code == 200
    assert b'"pass_mark": 86' in after.content


def test_a_publication_on_the_organisation_page_shows_at_once(
    tmp_media,
    demo,
) -> None:
    # Findings are the office's own now; the organisation's page lists its published reports.
    home = demo.home
    client = Client()
    url = f"/organisations/{home.pk}/"
    before = _get(client, url)
    address = f"/organisations/{home.pk}/reports/2564/"
    assert address not in before.content.decode()
    memo_publishing.memo_publish_report(memo=factories.decided_2564(), actor=demo.users["legal"])
    after = _get(client, url, if_none_match=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert f'<a href="{address}">' in after.content.decode()


def test_a_logged_in_users_page_is_the_visitors_page_with_their_own_parts(
    pao: Organisation, demo
) -> None:
    url = f"/results/2564/{pao.district.province_id}/"
    member = Client()
    member.force_login(demo.users["legal"])
    name = demo.users["legal"].get_full_name()
    cache.clear()
    published.local.clear()
    page = member.get(url)
    assert page.status_code == 200
    assert name in page.content.decode() and "csrfmiddlewaretoken" in page.content.decode()
    assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]
    assert "ETag" not in page
    # What was stored is the visitor's page: one entry, nothing of the member's in it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ita_cache")
        assert cursor.fetchone()[0] == 1
    (stored,) = published.local.items.values()
    assert name.encode() not in stored[1] and b"csrfmiddlewaretoken" not in stored[1]
    visitor = _get(Client(), url).content.decode()
    assert name not in visitor and "csrfmiddlewaretoken" not in visitor
    # A matching ETag from a visitor's page does not give a member a 304 of that page.
    again = member.get(url, headers={"if_none_match": _get(Client(), url)["ETag"]})
    assert again.status_code == 200 and name in again.content.decode()


def test_a_visitor_with_a_message_waiting_is_not_served_from_the_cache(pao: Organisation) -> None:
    url = f"/results/2564/{pao.district.province_id}/"
    _get(Client(), url)
    client = Client()
    client.cookies["messages"] = "anything"
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    assert len(captured) > 3


def test_the_language_cookie_keys_the_cache(pao: Organisation) -> None:
    url = f"/organisations/{pao.pk}/"
    thai = _get(Client(), url)
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = _get(english_client, url)
    assert english["ETag"] != thai["ETag"]
    assert english["Content-Language"] == "en" and thai["Content-Language"] == "th"
    assert english.content != thai.content


def test_the_language_switch_works_for_a_visitor_without_a_token(pao: Organisation) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_migrate_gives_a_new_version() -> None:
    from django.core.management import call_command

    before = published.current()
    call_command("migrate", verbosity=0)
    after = published.current()
    assert before is not None and after is not None
    assert after.version == before.version + 1 and after.token != before.token


def test_a_client_that_accepts_gzip_gets_the_page_compressed_with_its_own_etag(
    pao: Organisation,
) -> None:
    import gzip

    url = f"/results/2564/{pao.district.province_id}/"
    plain = _get(Client(), url)
    packed = _get(Client(), url, accept_encoding="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) * 4 < len(plain.content)
    assert packed["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in packed["Vary"]
    again = _get(Client(), url, accept_encoding="gzip", if_none_match=packed["ETag"])
    assert again.status_code == 304
