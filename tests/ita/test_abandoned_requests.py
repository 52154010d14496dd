"""A page whose asker has gone (nginx closed the connection when the browser gave up) is not
made: after a burst, the requests left in an app server's queue cost nothing. The socket is a
real one, as gunicorn's sync workers hand it to the application (``gunicorn.socket``)."""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_side():
    """The server's end of a connection and the client's (nginx's) end."""
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def test_a_page_whose_asker_has_gone_is_answered_499_without_being_made(demo, server_side) -> None:
    ours, theirs = server_side
    theirs.close()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/memos/inbox/", **{"gunicorn.socket": ours})
    assert response.status_code == 499 and response.content == b""
    assert len(queries) == 0


def test_a_page_whose_asker_waits_is_made(demo, server_side) -> None:
    ours, _theirs = server_side
    client = Client()
    client.force_login(demo.users["head"])
    assert client.get("/memos/inbox/", **{"gunicorn.socket": ours}).status_code == 200
    assert client.head("/accounts/login/", **{"gunicorn.socket": ours}).status_code == 200


def test_a_write_whose_sender_has_gone_is_still_carried_out(server_side) -> None:
    ours, theirs = server_side
    theirs.close()
    client = Client()
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, **{"gunicorn.socket": ours}
    )
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
