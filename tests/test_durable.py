"""The services a page, a command or a task calls are durable (``transaction.atomic(durable=
True)``): one of them inside someone else's transaction is refused at once, never silently made
part of a transaction that may still roll back what it wrote and mailed. The services other
services (or the demo's loader, or the admin's forms) call are not: they join the caller's
transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from ita.accounts import invitations, requests
from ita.accounts import services as accounts
from ita.accounts.models import Attempt
from ita.administration import onboarding
from ita.administration import services as administration
from ita.history.models import Event, EventKind
from ita.ops import services as ops
from ita.organisations import notices
from measures import implementation, reminders
from measures.services.checklist import oit_items_correct, oit_items_update
from measures.services.findings import finding_create, finding_update
from measures.services.measures import (
    measure_create,
    measure_delete,
    measure_update,
    measures_carry,
    measures_suggest,
)
from measures.services.report import report_prepare
from memos import attachments, drafting, publishing, signing
from memos import services as memos

pytestmark = pytest.mark.django_db

TOP_LEVEL = [
    requests.password_reset_request,
    requests.unlock_request,
    accounts.code_refused,
    accounts.second_factor_confirm,
    accounts.second_factor_prove,
    accounts.second_factor_remove,
    accounts.unlock_browser,
    invitations.invitation_accept,
    invitations.invitation_accept_as,
    onboarding.administrators_invite,
    administration.person_invite,
    administration.position_add,
    administration.chain_set,
    ops.task_retry,
    notices.notice_mark_read,
    report_prepare,
    measures_carry,
    oit_items_update,
    oit_items_correct,
    implementation.implementation_draft,
    implementation.implementation_update,
    finding_update,
    measure_update,
    measure_delete,
    measures_suggest,
    reminders.reminders_send,
    memos.memo_update,
    memos.memo_withdraw,
    memos.memo_return,
    memos.attachment_add,
    memos.attachment_remove,
    drafting.memo_for_report,
    drafting.memo_for_implementation,
    signing.certificate_set,
    signing.certificate_remove,
    attachments.attachment_mismatch_record,
    publishing.memo_publish_report,
]
# Called by other services, the demo's loader in its one transaction, or the admin's forms.
NESTED = [measure_create, finding_create, memos.memo_send, memos.memo_approve]


@pytest.mark.parametrize("service", TOP_LEVEL, ids=lambda f: f.__qualname__)
def test_a_top_level_service_refuses_to_run_inside_another_transaction(service) -> None:
    # Refused as the transaction opens, before the service reads its arguments.
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        service()


@pytest.mark.parametrize("service", NESTED, ids=lambda f: f.__qualname__)
def test_a_nested_service_joins_its_callers_transaction(service) -> None:
    with pytest.raises(TypeError), transaction.atomic():
        service()  # the transaction opened: only the missing arguments are refused


def test_a_top_level_service_runs_as_a_page_calls_it(rf) -> None:
    """Under the test's own transaction (Django's TestCase marks it: allowed), as in a page."""
    request = rf.post("/accounts/password_reset/")
    requests.password_reset_request(email="someone@example.org", request=request)
    assert Attempt.objects.exists()
    assert Event.objects.get().action == EventKind.PASSWORD_RESET_REQUEST
