"""Races: many senders on one register, two approvers of one step, a double click."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django_fsm import ConcurrentTransition

from ita.organisations.models import ActingAppointment
from memos import services
from memos.models import Memo, SignOff, State
from tests.memos.conftest import bring_to, fresh, make_memo

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every writer, so no race can happen "
    "(run with DATABASE_URL=postgres://…)",
)


def _run_together(jobs: list) -> list:
    """Run the callables in threads released at the same moment; results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_send_requests_get_fifty_consecutive_numbers(org) -> None:
    memos = [make_memo(org, subject=f"เรื่องที่ {i}") for i in range(50)]
    clients = []
    for _memo in memos:
        client = Client()
        client.force_login(org["author"])
        clients.append(client)

    def send(client: Client, memo: Memo):
        return lambda: (
            client.post(
                f"/memos/{memo.pk}/send/", {"expected_state": "draft", "expected_round": 0}
            ).status_code
        )

    statuses = _run_together([send(c, m) for c, m in zip(clients, memos, strict=True)])
    assert statuses == [302] * 50
    numbers = sorted(
        Memo.objects.filter(pk__in=[m.pk for m in memos]).values_list("register_number", flat=True)
    )
    assert numbers == list(range(1, 51))
    assert set(
        Memo.objects.filter(pk__in=[m.pk for m in memos]).values_list("state", flat=True)
    ) == {"head"}


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_of_one_step_give_one_decision(org) -> None:
    today = dt.date.today()
    ActingAppointment.objects.create(
        position=org.positions["head"], user=org["member"], starts=today, ends=today
    )
    memo = bring_to(org, "head")

    # Both saw the memo at the head's step, as each one's form says (a thread that read the memo
    # only after the other had committed would see the deputy's step and be refused as not its
    # holder: the race the test is about would not have happened).
    def approve(user, memo: Memo):
        return lambda: services.memo_approve(
            memo=Memo.objects.get(pk=memo.pk),
            actor=user,
            comment="เห็นชอบ",
            today=today,
            expected_state=State.HEAD,
            expected_round=memo.round,
        )

    results = _run_together([approve(org["head"], memo), approve(org["member"], memo)])
    wins = [r for r in results if isinstance(r, SignOff)]
    losses = [r for r in results if isinstance(r, services.StaleMemo)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "ดำเนินการไปแล้ว" in str(losses[0])
    assert SignOff.objects.filter(memo=memo, step="head").count() == 1
    assert fresh(memo).state == State.DEPUTY


@pytest.mark.django_db
def test_an_approval_from_a_stale_page_is_refused_with_a_clear_message(org) -> None:
    memo = bring_to(org, "head")
    stale = fresh(memo)
    services.memo_approve(memo=memo, actor=org["head"], comment="เห็นชอบ")
    with pytest.raises(services.StaleMemo) as info:
        services.memo_approve(memo=stale, actor=org["head"], comment="เห็นชอบ")
    assert info.value.memo.state == State.DEPUTY
    assert SignOff.objects.filter(memo=memo).count() == 1


@pytest.mark.django_db
def test_the_fsm_refuses_to_save_a_transition_made_on_a_stale_instance(org) -> None:
    memo = bring_to(org, "head")
    first, second = fresh(memo), fresh(memo)
    first.return_to_author()
    first.save()
    second.forward(next_step="deputy")
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert fresh(memo).state == State.RETURNED


@pytest.mark.django_db
def test_one_sign_off_per_step_per_round_is_a_database_rule(org) -> None:
    from django.db import IntegrityError

    memo = bring_to(org, "deputy")
    existing = SignOff.objects.get(memo=memo)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(
            memo=memo,
            round=existing.round,
            step=existing.step,
            decision="forward",
            signer=org["head"],
            signer_name="x",
            signer_position="x",
            content_hash="0" * 64,
        )


@pytest.mark.django_db
def test_a_double_click_records_one_decision_and_tells_the_second_click(org, client) -> None:
    memo = bring_to(org, "head")
    client.force_login(org["head"])
    data = {"expected_state": "head", "expected_round": 1, "action": "forward", "comment": "ทราบ"}
    first = client.post(f"/memos/{memo.pk}/decide/", data)
    second = client.post(f"/memos/{memo.pk}/decide/", data, follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    messages = [str(m) for m in second.context["messages"]]
    assert any("ดำเนินการไปแล้ว" in m for m in messages), messages
    assert SignOff.objects.filter(memo=memo).count() == 1
