"""Every page and action of the administration × every role: administrators (the clerk, the head
of the clerk's office, whoever acts for the clerk) use it; to everyone else it does not exist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.accounts import invitations
from ita.history.models import Event
from ita.organisations.models import ActingAppointment
from tests.administration.conftest import ADMINISTRATORS, OTHERS
from tests.factories import make_position, make_user

pytestmark = pytest.mark.django_db


def _pages(org) -> dict[str, str]:
    pk = org.organisation.pk
    return {
        "people": reverse("administration:people", args=[pk]),
        "invite": reverse("administration:invite", args=[pk]),
        "person": reverse("administration:person", args=[pk, org["member"].pk]),
        "positions": reverse("administration:positions", args=[pk]),
        "position": reverse("administration:position", args=[pk, org.positions["member"].pk]),
        "acting": reverse("administration:acting", args=[pk]),
        "chain": reverse("administration:chain", args=[pk]),
        "settings": reverse("administration:settings", args=[pk]),
        "history": reverse("administration:history", args=[pk]),
    }


def _actions(org) -> dict[str, tuple[str, dict]]:
    """Every write, with data an administrator's request would carry."""
    pk = org.organisation.pk
    invitation, _new = invitations.invitation_create(
        organisation=org.organisation,
        position=org.positions["member"],
        email="new@example.org",
        actor=None,
    )
    appointment = ActingAppointment.objects.get(user=org["acting"])
    vacant = make_position(org.organisation, "staff", title="ตำแหน่งว่าง")
    member = org["member"].pk
    return {
        "invite": (
            reverse("administration:invite", args=[pk]),
            {"email": "x@example.org", "new_title": "ใหม่", "new_role": "staff"},
        ),
        "invitation_renew": (
            reverse("administration:invitation_renew", args=[pk, invitation.pk]),
            {},
        ),
        "invitation_cancel": (
            reverse("administration:invitation_cancel", args=[pk, invitation.pk]),
            {},
        ),
        "person": (
            reverse("administration:person", args=[pk, member]),
            {"first_name": "นายเปลี่ยน", "last_name": "ชื่อ", "email": "m@example.org"},
        ),
        "person_deactivate": (
            reverse("administration:person_deactivate", args=[pk, member]),
            {},
        ),
        "person_reactivate": (
            reverse("administration:person_reactivate", args=[pk, member]),
            {},
        ),
        "person_second_factor_reset": (
            reverse("administration:person_second_factor_reset", args=[pk, member]),
            {},
        ),
        "positions": (
            reverse("administration:positions", args=[pk]),
            {"title": "นักวิชาการ", "role": "staff", "unit": "กองคลัง"},
        ),
        "position": (
            reverse("administration:position", args=[pk, org.positions["member"].pk]),
            {"title": "เจ้าพนักงาน", "role": "staff", "unit": "", "holder": ""},
        ),
        "position_delete": (
            reverse("administration:position_delete", args=[pk, vacant.pk]),
            {},
        ),
        "acting": (
            reverse("administration:acting", args=[pk]),
            {
                "position": org.positions["deputy"].pk,
                "user": org["member"].pk,
                "starts": "1/1/2568",
                "ends": "7/1/2568",
            },
        ),
        "acting_delete": (
            reverse("administration:acting_delete", args=[pk, appointment.pk]),
            {},
        ),
        "chain": (reverse("administration:chain", args=[pk]), {"roles": ["head", "mayor"]}),
        "settings": (reverse("administration:settings", args=[pk]), {"required": "on"}),
    }


PAGES = [
    "people",
    "invite",
    "person",
    "positions",
    "position",
    "acting",
    "chain",
    "settings",
    "history",
]
ACTIONS = [
    "invite",
    "invitation_renew",
    "invitation_cancel",
    "person",
    "person_deactivate",
    "person_reactivate",
    "person_second_factor_reset",
    "positions",
    "position",
    "position_delete",
    "acting",
    "acting_delete",
    "chain",
    "settings",
]


@pytest.mark.parametrize("role", ADMINISTRATORS)
@pytest.mark.parametrize("page", PAGES)
def test_each_administrator_sees_each_page(client: Client, org, page: str, role: str) -> None:
    client.force_login(org[role])
    response = client.get(_pages(org)[page])
    assert response.status_code == 200
    assert org.organisation.name in response.content.decode()


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("page", PAGES)
def test_to_everyone_else_each_page_does_not_exist(
    client: Client, org, page: str, role: str
) -> None:
    client.force_login(org[role])
    response = client.get(_pages(org)[page])
    assert response.status_code == 404
    assert org.organisation.name not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_is_sent_to_log_in(client: Client, org, page: str) -> None:
    url = _pages(org)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("action", ACTIONS)
def test_to_everyone_else_each_action_does_not_exist_and_changes_nothing(
    client: Client, org, action: str, role: str
) -> None:
    url, data = _actions(org)[action]
    client.force_login(org[role])
    before = Event.objects.count()
    response = client.post(url, data)
    assert response.status_code == 404
    assert Event.objects.count() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_visitor_posting_is_sent_to_log_in_and_nothing_changes(
    client: Client, org, action: str
) -> None:
    url, data = _actions(org)[action]
    before = Event.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    "action",
    [
        "invitation_renew",
        "invitation_cancel",
        "person_deactivate",
        "person_reactivate",
        "person_second_factor_reset",
        "position_delete",
        "acting_delete",
    ],
)
def test_the_actions_refuse_a_get(client: Client, org, action: str) -> None:
    url, _data = _actions(org)[action]
    client.force_login(org["clerk"])
    before = Event.objects.count()
    assert client.get(url).status_code == 405
    assert Event.objects.count() == before


@pytest.mark.parametrize("role", ADMINISTRATORS)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_administrator_action_writes_its_history_row(
    client: Client, org, action: str, role: str
) -> None:
    url, data = _actions(org)[action]
    if action == "person_reactivate":
        org["member"].is_active = False
        org["member"].save()
    if action == "person_second_factor_reset":
        TOTPDevice.objects.create(user=org["member"], name="phone", confirmed=True)
    if action == "acting_delete" and role == "acting":
        # The acting clerk may not end the appointment they administer by: another one.
        other = ActingAppointment.objects.create(
            position=org.positions["deputy"],
            user=org["member"],
            starts="2025-01-01",
            ends="2025-01-07",
        )
        url = reverse("administration:acting_delete", args=[org.organisation.pk, other.pk])
    client.force_login(org[role])
    before = Event.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.count() > before
    assert Event.objects.order_by("-pk").first().actor == org[role]


def test_another_organisations_rows_are_not_found_through_this_one(client: Client, org) -> None:
    """An administrator of one organisation names a row of another in the address: 404."""
    theirs = make_position(org.other, "staff", holder=make_user("theirs"), title="ของที่อื่น")
    pk = org.organisation.pk
    client.force_login(org["clerk"])
    for url in (
        reverse("administration:position", args=[pk, theirs.pk]),
        reverse("administration:person", args=[pk, theirs.holder.pk]),
    ):
        assert client.get(url).status_code == 404
    before = Event.objects.count()
    for url in (
        reverse("administration:position_delete", args=[pk, theirs.pk]),
        reverse("administration:person_deactivate", args=[pk, theirs.holder.pk]),
        reverse("administration:person_second_factor_reset", args=[pk, theirs.holder.pk]),
    ):
        assert client.post(url).status_code == 404
    assert Event.objects.count() == before
    theirs.holder.refresh_from_db()
    assert theirs.holder.is_active


@pytest.mark.parametrize("page", ["people", "positions", "acting", "history"])
def test_pages_make_the_same_number_of_queries_for_5_or_60_people(
    client: Client, org, page: str
) -> None:
    client.force_login(org["clerk"])
    url = _pages(org)[page]

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        user = make_user(f"many{n}", first_name=f"คน{n}")
        position = make_position(org.organisation, "staff", holder=user, title=f"ตำแหน่ง{n}")
        invitations.invitation_create(
            organisation=org.organisation, position=position, email=f"i{n}@example.org", actor=None
        )
        ActingAppointment.objects.create(
            position=org.positions["deputy"], user=user, starts="2025-01-01", ends="2099-01-01"
        )

    add(0)
    small = count()
    for n in range(1, 56):
        add(n)
    assert count() == small
