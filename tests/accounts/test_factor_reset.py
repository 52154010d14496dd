"""An administrator's reset of a person's second factor (``second_factor_reset``), the service
issue 25's organisation pages call: everything the person relied on goes, it is recorded, and the
person is told by e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.accounts import recovery
from ita.accounts.models import RecoveryCode
from ita.accounts.services import second_factor_reset
from ita.history.models import Event, EventKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_reset_removes_devices_and_codes_records_it_and_mails_the_person(
    django_capture_on_commit_callbacks,
) -> None:
    person = make_user("somchai", first_name="สมชาย", last_name="ใจดี")
    admin = make_user("admin1", first_name="สมศรี", last_name="ผู้ดูแล")
    TOTPDevice.objects.create(user=person, name="ITA", confirmed=True)
    RecoveryCode.objects.create(user=person, digest=recovery.digest(recovery.new_code()))
    with django_capture_on_commit_callbacks(execute=True):
        assert second_factor_reset(person=person, actor=admin, organisation_id=None)
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not RecoveryCode.objects.filter(user=person).exists()
    event = Event.objects.get(action=EventKind.SECOND_FACTOR_RESET)
    assert (event.actor, event.object_id, event.data) == (admin, str(person.pk), {"devices": 1})
    (message,) = mail.outbox
    assert message.to == ["somchai@example.org"]
    assert "somchai" in message.subject and "ยืนยันตัวตน" in message.subject
    assert "สมศรี ผู้ดูแล" in message.body  # who reset it


def test_a_reset_of_nobody_s_factor_records_and_mails_nothing(
    django_capture_on_commit_callbacks,
) -> None:
    person = make_user("somchai")
    with django_capture_on_commit_callbacks(execute=True):
        assert not second_factor_reset(person=person, actor=make_user("admin1"))
    assert not Event.objects.exists() and mail.outbox == []
