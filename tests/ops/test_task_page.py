"""The staff page of background tasks: failures to look at, waiting tasks, retry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ita.administration.operators import operators_group
from ita.history.models import Event
from ita.lib import tasks
from memos import services
from tests.factories import make_user
from tests.memos.conftest import make_memo
from tests.ops.conftest import time_passes, work

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queue")]


@pytest.fixture
def staff(client):
    user = make_user("operator", is_staff=True)
    user.groups.add(operators_group())  # the named permissions, not is_staff alone
    client.force_login(user)
    return user


def fail_for_good(org, smtp, settings) -> None:
    settings.TASK_RETRY_ATTEMPTS = 2
    smtp.stop()
    services.memo_send(memo=make_memo(org), actor=org["author"])
    work()
    time_passes()
    work()


def test_staff_see_a_failed_task_and_retry_it_once_the_mail_server_is_back(
    client, staff, org, smtp, settings
) -> None:
    fail_for_good(org, smtp, settings)
    (failed,) = tasks.failed()
    page = client.get(reverse("ops:tasks")).content.decode()
    assert "งานเบื้องหลัง" in page and "แจ้งบันทึกข้อความทางอีเมล" in page
    assert "ConnectionRefusedError" in page and f"task-{failed.id}" in page

    smtp.start()
    url = reverse("ops:task_retry", args=[failed.id])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "จะทำงานในไม่ช้า" in response.content.decode()
    assert tasks.failed() == [] and len(tasks.waiting()) == 1
    event = Event.objects.get(action="task.retry")
    assert (event.actor, event.object_id) == (staff, failed.id)
    # A second click finds nothing to retry: no second message.
    response = client.post(url, follow=True)
    assert "ลองใหม่ไปแล้ว" in response.content.decode()
    work()
    assert [to for to, _ in smtp.mailbox.deliveries()] == [[org["head"].email]]


def test_others_may_not_see_or_retry_tasks(client, org, smtp, settings) -> None:
    fail_for_good(org, smtp, settings)
    (failed,) = tasks.failed()
    page, retry = reverse("ops:tasks"), reverse("ops:task_retry", args=[failed.id])
    assert client.get(page).status_code == 302  # to the login
    client.force_login(org["mayor"])
    assert client.get(page).status_code == 403
    assert client.post(retry).status_code == 403
    assert len(tasks.failed()) == 1
