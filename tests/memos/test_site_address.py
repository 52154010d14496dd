"""The address printed on a signed PDF and in a reset mail is SITE_URL, from the one function
``ita.lib.urls.site_url`` (tests/test_site_url.py: the e-mailed links and the defaults)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from memos import archive, services
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
