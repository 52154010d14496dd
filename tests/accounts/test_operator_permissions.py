"""Operator pages ask for a named permission (ita.administration.operators), not the staff flag:
an ``is_staff`` account with no permission opens nothing a plain account cannot, on every route
of the URL map, and nothing but the admin's index in the admin."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from ita.imports.models import ImportBatch
from ita.imports.services import import_preview
from tests.factories import make_user
from tests.imports.helpers import seed_bytes
from tests.urlmap import routes

pytestmark = pytest.mark.django_db


def _paths(demo, batch: ImportBatch) -> list[str]:
    values = {
        "year": "2564",
        "province_id": str(demo.home.district.province_id),
        "org_id": str(demo.home.pk),
        "kind": "results",
        "fmt": "csv",
        "uidb64": "MQ",
        "token": "set-password",
        "attachment_id": "1",
        "row_id": str(batch.rows.first().pk),
        "result_id": "00000000-0000-0000-0000-000000000000",
        # An organisation's own administration (issue 25): the demo's first rows.
        "user_id": "1",
        "position_id": "1",
        "appointment_id": "1",
        "invitation_id": "1",
    }
    out = []
    for route in routes():
        if route.startswith("admin/"):
            continue
        filling = {**values, "pk": str(batch.pk) if route.startswith("imports/") else "1"}
        filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, f=filling: f[m.group(1)], route)
        out.append("/" + filled)
    return out


def _admin_pages() -> list[str]:
    pages = []
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model.objects.first()
        if first is not None:
            pages.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
    return pages


def test_the_staff_flag_alone_opens_nothing_but_the_admin_index(demo) -> None:
    batch = import_preview(data=seed_bytes(), file_name="t", year=2564)
    # A page's own error (a 500) is the same for both and not this test's business.
    staff, plain = Client(raise_request_exception=False), Client(raise_request_exception=False)
    staff.force_login(make_user("staffonly", is_staff=True))
    plain.force_login(make_user("plain"))
    opened = []
    for path in _paths(demo, batch):
        if path == "/accounts/logout/":
            continue  # the same for both, and it would end the walk
        for method in ("get", "post"):
            as_staff = getattr(staff, method)(path).status_code
            as_plain = getattr(plain, method)(path).status_code
            if as_staff != as_plain:
                opened.append((method, path, as_staff, as_plain))
    assert opened == []
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.READY
    for path in ("/imports/", "/ops/tasks/", f"/imports/{batch.pk}/"):
        assert staff.get(path).status_code == 403, path
    assert staff.post(f"/imports/{batch.pk}/commit/").status_code == 403

    assert staff.get("/admin/").status_code == 200
    allowed = [p for p in _admin_pages() if staff.get(p).status_code == 200]
    assert allowed == []
    page = staff.get("/").content.decode()
    assert 'href="/imports/"' not in page and 'href="/ops/tasks/"' not in page
