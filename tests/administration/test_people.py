"""People leave (deactivated, never deleted), come back, lose their phone; positions change
hands; acting holders come and go; and an administrator cannot lock themselves out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.administration import services
from ita.history.models import Event, EventKind
from ita.organisations import holders
from ita.organisations.models import ActingAppointment, Position
from memos.models import MemoSettings
from tests.factories import make_position

pytestmark = pytest.mark.django_db


def test_a_leaver_is_deactivated_not_deleted_and_signs_nothing(client: Client, org) -> None:
    deputy = org["deputy"]
    url = reverse("administration:person_deactivate", args=[org.organisation.pk, deputy.pk])
    client.force_login(org["clerk"])
    assert client.post(url).status_code == 302
    deputy.refresh_from_db()
    assert not deputy.is_active
    assert Position.objects.get(pk=org.positions["deputy"].pk).holder == deputy  # kept
    assert holders.roles_held(deputy, timezone.localdate()) == set()
    event = Event.objects.get(action=EventKind.PERSON_DEACTIVATE)
    assert event.organisation_id == org.organisation.pk and event.actor == org["clerk"]
    client.logout()
    refused = client.post(reverse("login"), {"username": deputy.username, "password": "pw"})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    client.force_login(org["clerk"])
    people = client.get(reverse("administration:people", args=[org.organisation.pk]))
    assert "ปิดบัญชีแล้ว" in people.content.decode()
    back = reverse("administration:person_reactivate", args=[org.organisation.pk, deputy.pk])
    assert client.post(back).status_code == 302
    deputy.refresh_from_db()
    assert deputy.is_active
    assert Event.objects.filter(action=EventKind.PERSON_REACTIVATE).count() == 1


def test_nobody_deactivates_their_own_account(org) -> None:
    with pytest.raises(ValidationError):
        services.person_leave(
            organisation=org.organisation, person=org["clerk"], actor=org["clerk"]
        )
    org["clerk"].refresh_from_db()
    assert org["clerk"].is_active


def test_a_person_of_two_organisations_is_not_locked_out_of_the_other(org) -> None:
    make_position(org.other, "staff", holder=org["member"], title="ช่วยราชการ")
    with pytest.raises(ValidationError, match="ดำรงตำแหน่ง"):
        services.person_leave(
            organisation=org.organisation, person=org["member"], actor=org["clerk"]
        )
    org["member"].refresh_from_db()
    assert org["member"].is_active


def test_a_second_factor_reset_is_recorded_and_mailed_to_the_person(client: Client, org) -> None:
    mayor = org["mayor"]
    mayor.email = "mayor@example.org"
    mayor.save()
    TOTPDevice.objects.create(user=mayor, name="phone", confirmed=True)
    client.force_login(org["head"])
    url = reverse("administration:person_second_factor_reset", args=[org.organisation.pk, mayor.pk])
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=mayor).exists()
    event = Event.objects.get(action=EventKind.SECOND_FACTOR_RESET)
    assert event.actor == org["head"] and event.object_id == str(mayor.pk)
    assert [m.to for m in mail.outbox] == [["mayor@example.org"]]
    assert "นายhead ทดสอบ" in mail.outbox[0].body
    history = client.get(reverse("administration:history", args=[org.organisation.pk]))
    assert "รีเซ็ตการยืนยันตัวตนขั้นที่สอง" in history.content.decode()


def test_nobody_resets_their_own_second_factor(org) -> None:
    TOTPDevice.objects.create(user=org["clerk"], name="phone", confirmed=True)
    with pytest.raises(ValidationError):
        services.person_second_factor_reset(
            organisation=org.organisation, person=org["clerk"], actor=org["clerk"]
        )
    assert TOTPDevice.objects.filter(user=org["clerk"]).exists()
    assert mail.outbox == []


def test_a_position_passes_to_another_member_with_its_history(client: Client, org) -> None:
    position = org.positions["deputy"]
    client.force_login(org["clerk"])
    response = client.post(
        reverse("administration:position", args=[org.organisation.pk, position.pk]),
        {"title": "รองปลัด", "role": "deputy", "unit": "", "holder": org["member"].pk},
    )
    assert response.status_code == 302
    assert Position.objects.get(pk=position.pk).holder == org["member"]
    event = Event.objects.get(action=EventKind.POSITION_UPDATE)
    assert event.data["before"]["holder"] == org["deputy"].pk
    assert event.data["after"]["holder"] == org["member"].pk
    history = client.get(reverse("administration:history", args=[org.organisation.pk]))
    text = history.content.decode()
    assert "นายdeputy ทดสอบ" in text and "นายmember ทดสอบ" in text  # named, not numbered


def test_an_outsider_is_not_offered_as_holder_nor_accepted(client: Client, org) -> None:
    position = org.positions["deputy"]
    client.force_login(org["clerk"])
    url = reverse("administration:position", args=[org.organisation.pk, position.pk])
    assert "นางสาวนอก" not in client.get(url).content.decode()
    response = client.post(
        url, {"title": "รองปลัด", "role": "deputy", "unit": "", "holder": org["outsider"].pk}
    )
    assert response.status_code == 400
    assert Position.objects.get(pk=position.pk).holder == org["deputy"]


@pytest.mark.parametrize(
    "change",
    [
        {"title": "ปลัด", "role": "staff", "unit": ""},  # re-roled
        {"title": "ปลัด", "role": "clerk", "unit": "", "holder": ""},  # vacated
    ],
    ids=["re-role", "vacate"],
)
def test_an_administrator_cannot_take_their_own_administration_away(
    client: Client, org, change: dict
) -> None:
    position = org.positions["clerk"]
    ActingAppointment.objects.filter(position=position).delete()
    client.force_login(org["clerk"])
    data = {"holder": org["clerk"].pk, **change}
    response = client.post(
        reverse("administration:position", args=[org.organisation.pk, position.pk]), data
    )
    assert response.status_code == 400
    assert "ผู้ดูแลอีกคน" in response.content.decode()
    position.refresh_from_db()
    assert position.role == "clerk" and position.holder == org["clerk"]


def test_an_acting_appointment_needs_an_active_member_and_a_period_in_order(
    client: Client, org
) -> None:
    client.force_login(org["clerk"])
    url = reverse("administration:acting", args=[org.organisation.pk])
    deputy = org.positions["deputy"]
    before = ActingAppointment.objects.count()
    backwards = client.post(
        url,
        {"position": deputy.pk, "user": org["member"].pk, "starts": "8/1/2568", "ends": "1/1/2568"},
    )
    assert backwards.status_code == 400 and "วันสิ้นสุดอยู่ก่อนวันเริ่มต้น" in backwards.content.decode()
    outsider = client.post(
        url,
        {
            "position": deputy.pk,
            "user": org["outsider"].pk,
            "starts": "1/1/2568",
            "ends": "7/1/2568",
        },
    )
    assert outsider.status_code == 400
    christian = client.post(
        url,
        {"position": deputy.pk, "user": org["member"].pk, "starts": "1/1/2025", "ends": "7/1/2025"},
    )
    assert christian.status_code == 400 and "2025" in christian.content.decode()
    assert ActingAppointment.objects.count() == before


def test_an_acting_deputy_for_a_week_signs_that_week_only(client: Client, org) -> None:
    today = timezone.localdate()
    client.force_login(org["head"])
    response = client.post(
        reverse("administration:acting", args=[org.organisation.pk]),
        {
            "position": org.positions["deputy"].pk,
            "user": org["member"].pk,
            "starts": f"{today.day}/{today.month}/{today.year + 543}",
            "ends": f"{(today + dt.timedelta(6)).day}/{(today + dt.timedelta(6)).month}/"
            f"{(today + dt.timedelta(6)).year + 543}",
            "note": "คำสั่งที่ ๑/๒๕๖๘",
        },
    )
    assert response.status_code == 302
    member = org["member"]
    assert "deputy" in {r for _o, r in holders.roles_held(member, today)}
    assert not holders.roles_held(member, today + dt.timedelta(days=7), roles=["deputy"])
    assert Event.objects.filter(action=EventKind.ACTING_CREATE, actor=org["head"]).count() == 1


def test_the_chain_form_keeps_the_mayor_and_the_order(client: Client, org) -> None:
    client.force_login(org["clerk"])
    url = reverse("administration:chain", args=[org.organisation.pk])
    no_mayor = client.post(url, {"roles": ["head", "clerk"]})
    assert no_mayor.status_code == 400 and "นายก" in no_mayor.content.decode()
    assert not MemoSettings.objects.filter(organisation=org.organisation).exists()
    assert client.post(url, {"roles": ["mayor", "head"]}).status_code == 302
    assert MemoSettings.objects.get(organisation=org.organisation).memo_chain == ["head", "mayor"]
    event = Event.objects.get(action=EventKind.MEMO_CHAIN)
    assert event.actor == org["clerk"] and event.data["after"] == ["head", "mayor"]


def test_the_signers_second_factor_is_switched_with_a_history_row(client: Client, org) -> None:
    client.force_login(org["clerk"])
    url = reverse("administration:settings", args=[org.organisation.pk])
    assert client.post(url, {"required": "on"}).status_code == 302
    org.organisation.refresh_from_db()
    assert org.organisation.signers_need_second_factor
    event = Event.objects.get(action=EventKind.ORGANISATION_SECOND_FACTOR)
    assert event.data == {"before": False, "after": True} and event.actor == org["clerk"]


def test_a_person_is_renamed_and_an_address_of_another_account_is_refused(
    client: Client, org
) -> None:
    org["deputy"].email = "deputy@example.org"
    org["deputy"].save()
    client.force_login(org["clerk"])
    url = reverse("administration:person", args=[org.organisation.pk, org["member"].pk])
    taken = client.post(
        url, {"first_name": "นายใหม่", "last_name": "ชื่อ", "email": "Deputy@example.org"}
    )
    assert taken.status_code == 400
    member = User.objects.get(pk=org["member"].pk)
    assert member.first_name == "นายmember"
    ok = client.post(url, {"first_name": "นายใหม่", "last_name": "ชื่อ", "email": "m@example.org"})
    assert ok.status_code == 302
    event = Event.objects.get(action=EventKind.PERSON_UPDATE)
    assert event.data["before"]["first_name"] == "นายmember"
    assert event.data["after"]["first_name"] == "นายใหม่"


def test_a_held_position_is_not_removed(client: Client, org) -> None:
    client.force_login(org["clerk"])
    position = org.positions["member"]
    url = reverse("administration:position_delete", args=[org.organisation.pk, position.pk])
    assert client.post(url).status_code == 302
    assert Position.objects.filter(pk=position.pk).exists()


def test_the_demo_clerk_has_no_staff_rights_and_administers_suso(client: Client, demo) -> None:
    clerk = demo.users["clerk"]
    assert not clerk.is_staff and not clerk.is_superuser
    client.force_login(clerk)
    assert client.get(reverse("admin:index")).status_code == 302  # not the operator's tool
    desk = client.get(reverse("memos:desk")).content.decode()
    manage = reverse("administration:people", args=[demo.home.pk])
    assert manage in desk
    assert client.get(manage).status_code == 200
