"""History rows written before their kind had a typed payload, or of a kind no longer made, are
read as they were stored: the organisation's history page and the admin show them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ita.history.models import Event, EventKind

pytestmark = pytest.mark.django_db


def _old_rows(org) -> list[Event]:
    """Stored as an older release wrote them: straight into the table, past today's writer."""
    organisation = org.organisation
    rows = [
        ("memo.legacy_note", {"note": "บันทึกเก่า"}),  # a kind no longer made
        (EventKind.MEMO_SEND, {"number": "ตง 1/2564"}),  # before the checks were kept
        (EventKind.MEMO_DECIDE, {}),
        (EventKind.PERSON_UPDATE, {"before": ["first_name"], "after": None}),
        (EventKind.INVITATION_ACCEPT, {"position": org.positions["member"].pk}),
        (EventKind.MEMO_CHAIN, {"after": ["deputy", "mayor"]}),
    ]
    return [
        Event.objects.create(
            action=action,
            organisation=organisation,
            object_type="organisations.organisation",
            object_id=str(organisation.pk),
            data=data,
        )
        for action, data in rows
    ]


def test_old_rows_read_on_the_organisations_history_page(client, org) -> None:
    _old_rows(org)
    client.force_login(org["clerk"])
    response = client.get(reverse("administration:history", args=[org.organisation.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "memo.legacy_note" in page  # an unknown kind keeps its code
    assert str(EventKind.MEMO_CHAIN.label) in page or "memo.chain" in page


def test_old_rows_read_in_the_admin(client, org) -> None:
    rows = _old_rows(org)
    client.force_login(org["operator"])
    assert client.get(reverse("admin:history_event_changelist")).status_code == 200
    for row in rows:
        response = client.get(reverse("admin:history_event_change", args=[row.pk]))
        assert response.status_code == 200
