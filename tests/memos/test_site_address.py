"""The address printed on a signed PDF and in a reset mail is SITE_URL, from the one function
``ita.lib.urls.site_url`` (tests/test_site_url.py: the e-mailed links and the defaults)."""

from __future__ import annotations

import contextlib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse, set_script_prefix

from ita.lib.urls import absolute
from memos import archive, services
from memos import documents as memo_documents
from tests import readers
from tests.memos.conftest import bring_to

pytestmark = pytest.mark.django_db


def test_the_signed_pdf_and_the_reset_mail_print_site_url_from_one_function(
    org, tmp_media, settings, django_capture_on_commit_callbacks
) -> None:
    """The decided memo's stored PDF (made by the worker, outside any request) and the
    password-reset mail (made inside a request from another host) both print SITE_URL."""
    settings.ALLOWED_HOSTS = ["elsewhere.example", "testserver"]
    settings.SITE_URL_SET = True
    settings.SITE_URL = "https://ita.songkhla.go.th"
    memo = bring_to(org, "mayor")
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_approve(memo=memo, actor=org["mayor"], outcome="approved", comment="อนุมัติ")
    stored = archive.stored_bytes(archive.archive_of(memo))
    text = readers.joined(readers.poppler(stored))
    assert "https://ita.songkhla.go.th/verify/" in text
    assert "127.0.0.1" not in text

    mail.outbox.clear()
    org["author"].email = "legal@suso.example"
    org["author"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        Client(HTTP_HOST="elsewhere.example").post(
            "/accounts/password/reset/", {"email": "legal@suso.example"}
        )
    (message,) = mail.outbox
    assert "https://ita.songkhla.go.th/accounts/" in message.body
    assert "elsewhere.example" not in message.body


def test_without_site_url_in_development_the_reset_mail_points_where_it_was_asked(
    org, settings, django_capture_on_commit_callbacks
) -> None:
    """As every e-mailed link does (tests/test_site_url.py): the reset link is no exception."""
    settings.ALLOWED_HOSTS = ["elsewhere.example"]
    settings.SITE_URL_SET = False
    org["author"].email = "legal@suso.example"
    org["author"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        Client(HTTP_HOST="elsewhere.example:8123").post(
            "/accounts/password/reset/", {"email": "legal@suso.example"}
        )
    (message,) = mail.outbox
    assert "http://elsewhere.example:8123/accounts/password/reset/" in message.body


@pytest.fixture
def under_a_path(settings):
    """A site served under a path (https://www.suso.go.th/ita, the server's SCRIPT_NAME /ita), as
    the WSGI handler sets the script prefix for each request (the test client does not)."""
    settings.ALLOWED_HOSTS = ["www.suso.go.th", "testserver"]
    settings.SITE_URL_SET = True
    settings.SITE_URL = "https://www.suso.go.th/ita"

    @contextlib.contextmanager
    def request():
        set_script_prefix("/ita/")
        try:
            yield Client(SCRIPT_NAME="/ita", HTTP_HOST="www.suso.go.th")
        finally:
            set_script_prefix("/")

    return request


def test_under_a_path_the_signed_pdf_prints_one_address_whoever_makes_it(
    org, tmp_media, under_a_path, django_capture_on_commit_callbacks
) -> None:
    """The decided memo's record made by its first download (inside a request, where reverse
    starts with /ita) prints the address the worker prints: never /ita/ita/verify/."""
    right = "https://www.suso.go.th/ita/verify/"
    memo = bring_to(org, "mayor")
    services.memo_approve(memo=memo, actor=org["mayor"], outcome="approved", comment="อนุมัติ")
    with under_a_path() as client:
        client.force_login(org["author"])
        response = client.get(f"/memos/{memo.pk}/pdf/")
    assert response.status_code == 200
    text = readers.joined(readers.poppler(archive.stored_bytes(archive.archive_of(memo))))
    assert right in text and "/ita/ita/" not in text
    assert memo_documents.verify_url() == right  # the worker's, outside any request


def test_under_a_path_the_reset_mail_and_the_notices_link_once_to_the_path(
    org, under_a_path, django_capture_on_commit_callbacks
) -> None:
    org["author"].email = "legal@suso.example"
    org["author"].save(update_fields=["email"])
    with under_a_path() as client, django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "legal@suso.example"})
    (message,) = mail.outbox
    assert "https://www.suso.go.th/ita/accounts/password/reset/" in message.body
    assert "/ita/ita/" not in message.body
    with under_a_path():
        assert absolute(reverse("verify")) == "https://www.suso.go.th/ita/verify/"
