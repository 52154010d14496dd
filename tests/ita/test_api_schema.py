"""Every operation of the API against its own OpenAPI document, with schemathesis: generated
requests, valid and not, get answers the document describes, and never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

# Loaded while collecting (the document needs no database): schemathesis's fixture-based loader
# does not run under pytest 9. Schemathesis leaves out the operation serving the document.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """A WSGI handler closes the database connection around each request, and with it the
    test's transaction on PostgreSQL; Django's test client keeps it open the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept")
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    # The demo is only read, so sharing it between generated requests is safe.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_every_operation_answers_as_documented(case: schemathesis.Case, demo) -> None:
    # Whether a level exists depends on the data (an unknown one is a documented 400), so a
    # request the schema allows may rightly be refused.
    # Schemathesis's WSGI client asks for gzip as requests does but reads the body as sent;
    # the cached answers come compressed to whoever asks (ita.history.published).
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )
