"""The memo page tells those who can upload it that the organisation has no Garuda; the PDF refuses to print in English."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.memos.conftest import make_memo

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
WARNING = "หน่วยงานนี้ยังไม่มีตราครุฑ"


@pytest.mark.parametrize(
    "role, warned",
    [
        ("clerk", True),  # the organisation's administrators: they can upload it
        ("head", True),
        ("author", False),  # the others cannot act on it and are not told
        ("deputy", False),
        ("mayor", False),
        ("member", False),
    ],
)
def test_the_memo_page_warns_of_a_missing_garuda_only_those_who_can_upload_it(
    client, org, role, warned
) -> None:
    memo = make_memo(org)
    client.force_login(org[role])
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert (WARNING in page) is warned
    upload_link = f'href="/memos/organisations/{org.organisation.pk}/emblem/"'
    assert (upload_link in page.split('class="error no-emblem"')[-1]) is warned


def test_the_warning_goes_once_the_organisation_has_a_garuda(client, org, tmp_media) -> None:
    memo = make_memo(org)
    client.force_login(org["clerk"])
    assert WARNING in client.get(f"/memos/{memo.pk}/").content.decode()
    upload = SimpleUploadedFile("garuda.svg", SVG)
    url = f"/memos/organisations/{org.organisation.pk}/emblem/"
    assert client.post(url, {"action": "upload", "file": upload}).status_code == 302
    assert WARNING not in client.get(f"/memos/{memo.pk}/").content.decode()


def test_without_the_thai_catalogue_the_download_refuses_with_the_reason(
    client,
    org,
    tmp_path,
) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):
        response = client.get(f"/memos/{memo.pk}/pdf/")
        assert response.status_code == 503
        body = response.content.decode()
        assert "compilemessages" in body
        assert "ยังไม่ได้คอมไพล์คำแปลภาษาไทย" in body
        with pytest.raises(CommandError, match="compilemessages"):
            call_command("render_memo", str(memo.pk), "-o", str(tmp_path / "out.pdf"))
    assert not (tmp_path / "out.pdf").exists()
