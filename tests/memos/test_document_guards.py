"""The memo page says when the organisation has no Garuda; the PDF refuses to print in English."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.memos.conftest import make_memo

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
WARNING = "หน่วยงานนี้ยังไม่มีตราครุฑ"


def test_the_memo_page_warns_until_the_organisation_has_a_garuda(client, org, tmp_media) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    assert WARNING in client.get(f"/memos/{memo.pk}/").content.decode()
    client.force_login(org["clerk"])
    upload = SimpleUploadedFile("garuda.svg", SVG)
    url = f"/memos/organisations/{org.organisation.pk}/emblem/"
    assert client.post(url, {"action": "upload", "file": upload}).status_code == 302
    client.force_login(org["author"])
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
