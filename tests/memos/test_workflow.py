import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from ita.history.models import Event
from ita.organisations.models import ActingAppointment
from memos import services, settings_services
from memos.models import Memo, OutgoingRegister, SignOff, State
from tests.factories import make_position, make_user
from tests.memos.conftest import bring_to, fresh, make_memo

pytestmark = pytest.mark.django_db


def test_a_memo_goes_up_the_whole_chain_and_the_mayor_approves(
    org, django_capture_on_commit_callbacks, tmp_media
) -> None:
    memo = make_memo(org)
    assert memo.state == State.DRAFT and memo.number == ""
    with django_capture_on_commit_callbacks(execute=True):
        memo = services.memo_send(memo=memo, actor=org["author"], today=dt.date(2021, 8, 20))
    assert memo.state == State.HEAD
    assert (memo.register_year, memo.register_number) == (2564, 1)
    assert memo.number_display == "ตง ๗๘๒๐๑/๑"
    assert memo.date == dt.date(2021, 8, 20)
    assert [m.to for m in mail.outbox] == [[org["head"].email]]

    for role, nxt in (("head", "deputy"), ("deputy", "clerk"), ("clerk", "mayor")):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            s = services.memo_approve(memo=fresh(memo), actor=org[role], comment="เห็นควรอนุมัติ")
        assert (s.step, s.decision, s.round) == (role, SignOff.Decision.FORWARD, 1)
        assert s.signer_name == f"ชื่อ{role} ทดสอบ" and s.content_hash == fresh(memo).content_hash()
        assert fresh(memo).state == nxt
        assert [m.to for m in mail.outbox] == [[org[nxt].email]]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_approve(
            memo=fresh(memo), actor=org["mayor"], comment="อนุมัติ", outcome="approved"
        )
    memo = fresh(memo)
    assert memo.state == State.DECIDED and memo.outcome == "approved" and memo.decided_at
    assert [m.to for m in mail.outbox] == [[org["author"].email]]
    assert "อนุมัติ" in mail.outbox[0].body
    actions = list(
        Event.objects.filter(object_type="memos.memo", object_id=str(memo.pk))
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    # Once the decision commits, its PDF is stored (memos.archive).
    assert actions == ["memo.create", "memo.send"] + ["memo.forward"] * 3 + [
        "memo.decide",
        "memo.archive",
    ]


def test_the_mayor_must_choose_an_outcome(org) -> None:
    memo = bring_to(org, "mayor")
    with pytest.raises(ValidationError, match="ทราบ อนุมัติ หรือไม่อนุมัติ"):
        services.memo_approve(memo=memo, actor=org["mayor"], comment="ok")
    assert fresh(memo).state == State.MAYOR and not SignOff.objects.filter(step="mayor").exists()


@pytest.mark.parametrize("outcome", ["acknowledged", "approved", "not_approved"])
def test_the_mayor_records_each_outcome(org, outcome: str) -> None:
    memo = bring_to(org, "mayor")
    services.memo_approve(memo=memo, actor=org["mayor"], outcome=outcome)
    assert fresh(memo).outcome == outcome
    assert SignOff.objects.get(memo=memo, step="mayor").decision == outcome


def test_returning_needs_a_reason_and_changes_nothing_without_one(org) -> None:
    memo = bring_to(org, "deputy")
    with pytest.raises(ValidationError, match="เหตุผล"):
        services.memo_return(memo=memo, actor=org["deputy"], reason="   ")
    assert fresh(memo).state == State.DEPUTY
    assert SignOff.objects.filter(memo=memo).count() == 1


def test_it_returns_memo_to_author_who_resubmits_from_the_start(
    org, django_capture_on_commit_callbacks
) -> None:
    memo = bring_to(org, "clerk")
    number = memo.number
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_return(memo=memo, actor=org["clerk"], reason="แก้ตัวเลขคะแนน")
    memo = fresh(memo)
    assert memo.state == State.RETURNED
    assert mail.outbox[-1].to == [org["author"].email] and "แก้ตัวเลขคะแนน" in mail.outbox[-1].body
    old_hash = memo.content_hash()

    services.memo_update(memo=memo, data={"body": "ย่อหน้าแก้แล้ว"}, actor=org["author"])
    memo = services.memo_send(memo=fresh(memo), actor=org["author"])
    assert memo.state == State.HEAD and memo.round == 2 and memo.number == number
    services.memo_approve(memo=memo, actor=org["head"], comment="ทราบ")
    round1 = SignOff.objects.filter(memo=memo, round=1).order_by("pk")
    assert [(s.step, s.decision) for s in round1] == [
        ("head", "forward"),
        ("deputy", "forward"),
        ("clerk", "return"),
    ]
    assert all(s.content_hash == old_hash for s in round1)
    assert SignOff.objects.get(memo=memo, round=2).content_hash != old_hash


def test_signed_text_cannot_change_while_the_memo_is_with_an_executive(org) -> None:
    memo = bring_to(org, "head")
    with pytest.raises(services.MemoActionError):
        services.memo_update(memo=memo, data={"subject": "เปลี่ยน"}, actor=org["author"])
    assert fresh(memo).subject == "รายงานผลการประเมิน ITA"


def test_withdraw_before_the_first_decision_keeps_the_number_used(org) -> None:
    memo = bring_to(org, "head")
    services.memo_withdraw(memo=memo, actor=org["author"])
    assert fresh(memo).state == State.WITHDRAWN and fresh(memo).register_number == 1
    second = services.memo_send(memo=make_memo(org), actor=org["author"])
    assert second.register_number == 2
    assert OutgoingRegister.objects.get(organisation=org.organisation).last_number == 2


def test_withdraw_is_refused_after_an_executive_decided(org) -> None:
    memo = bring_to(org, "deputy")
    with pytest.raises(services.MemoActionError, match="พิจารณาบันทึกนี้แล้ว"):
        services.memo_withdraw(memo=memo, actor=org["author"])
    assert fresh(memo).state == State.DEPUTY


def test_a_vacant_deputy_step_is_skipped_and_the_timeline_says_so(org) -> None:
    position = org.positions["deputy"]
    position.holder = None
    position.save()
    memo = bring_to(org, "head")
    services.memo_approve(memo=memo, actor=org["head"], comment="เห็นควรอนุมัติ")
    assert fresh(memo).state == State.CLERK
    event = Event.objects.get(action="memo.forward", object_id=str(memo.pk))
    assert event.data["skipped"] == [{"role": "deputy", "reason": "vacant"}]


def test_an_organisation_configured_without_a_deputy_skips_that_step(org) -> None:
    settings_services.memo_chain_set(
        organisation=org.organisation, memo_chain=["head", "clerk", "mayor"], actor=None
    )
    memo = bring_to(org, "head")
    services.memo_approve(memo=memo, actor=org["head"])
    assert fresh(memo).state == State.CLERK
    assert not SignOff.objects.filter(step="deputy").exists()


@pytest.mark.parametrize(
    "chain",
    [
        [],
        ["mayor", "head"],
        ["head", "clerk"],
        ["head", "boss", "mayor"],
        ["head", "head", "mayor"],
        "mayor",
    ],
)
def test_an_unusable_chain_configuration_is_refused(org, chain) -> None:
    with pytest.raises(ValidationError) as info:
        settings_services.memo_chain_set(
            organisation=org.organisation, memo_chain=chain, actor=None
        )
    assert "memo_chain" in info.value.message_dict


def test_sending_fails_plainly_when_nobody_can_decide_and_takes_no_number(org) -> None:
    position = org.positions["mayor"]
    position.holder = None
    position.save()
    memo = make_memo(org)
    with pytest.raises(ValidationError, match="ไม่มีผู้ดำรงตำแหน่ง"):
        services.memo_send(memo=memo, actor=org["author"])
    memo = fresh(memo)
    assert memo.state == State.DRAFT and memo.register_number is None
    assert not OutgoingRegister.objects.filter(last_number__gt=0).exists()


def test_an_acting_holder_signs_as_acting_for_the_position(org) -> None:
    deputy = org.positions["deputy"]
    deputy.holder = None
    deputy.save()
    today = dt.date(2021, 8, 20)
    ActingAppointment.objects.create(
        position=deputy, user=org["member"], starts=today, ends=today + dt.timedelta(days=30)
    )
    memo = bring_to(org, "head")
    services.memo_approve(memo=memo, actor=org["head"], today=today)
    assert fresh(memo).state == State.DEPUTY
    assert Memo.objects.awaiting(org["member"], today).get() == memo
    s = services.memo_approve(memo=fresh(memo), actor=org["member"], comment="เห็นชอบ", today=today)
    assert (s.signer_position, s.acting_for) == ("เจ้าพนักงานธุรการ", "รองปลัด")


def test_an_acting_appointment_ends_with_its_period(org) -> None:
    deputy = org.positions["deputy"]
    ActingAppointment.objects.create(
        position=deputy, user=org["member"], starts=dt.date(2021, 8, 1), ends=dt.date(2021, 8, 10)
    )
    memo = bring_to(org, "deputy")
    with pytest.raises(services.PermissionDenied):
        services.memo_approve(memo=memo, actor=org["member"], today=dt.date(2021, 8, 11))
    assert fresh(memo).state == State.DEPUTY


def test_an_acting_holder_must_belong_to_the_organisation(org) -> None:
    a = ActingAppointment(
        position=org.positions["deputy"],
        user=org["outsider"],
        starts=dt.date(2021, 8, 1),
        ends=dt.date(2021, 8, 10),
    )
    with pytest.raises(ValidationError, match="ต้องเป็นสมาชิกของหน่วยงาน"):
        a.full_clean()


def test_the_author_holding_a_step_skips_it_and_never_signs_their_own_memo(org) -> None:
    memo = make_memo(org, author_key="head", signature_name="หัวหน้า")
    memo = services.memo_send(memo=memo, actor=org["head"])
    assert memo.state == State.DEPUTY
    event = Event.objects.get(action="memo.send", object_id=str(memo.pk))
    assert event.data["skipped"] == [{"role": "head", "reason": "author"}]


def test_nobody_approves_their_own_memo_even_when_acting(org) -> None:
    today = dt.date(2021, 8, 20)
    ActingAppointment.objects.create(
        position=org.positions["head"], user=org["author"], starts=today, ends=today
    )
    memo = bring_to(org, "head")
    with pytest.raises(services.PermissionDenied):
        services.memo_approve(memo=memo, actor=org["author"], today=today)
    assert Memo.objects.awaiting(org["author"], today).count() == 0


def test_sending_needs_every_field_of_the_form(org) -> None:
    memo = make_memo(org, letter_code="")
    with pytest.raises(ValidationError, match="รหัสพยัญชนะ"):
        services.memo_send(memo=memo, actor=org["author"])
    assert fresh(memo).state == State.DRAFT


def test_numbers_restart_with_each_fiscal_year(org) -> None:
    a = services.memo_send(memo=make_memo(org), actor=org["author"], today=dt.date(2021, 9, 30))
    b = services.memo_send(memo=make_memo(org), actor=org["author"], today=dt.date(2021, 10, 1))
    assert (a.register_year, a.register_number) == (2564, 1)
    assert (b.register_year, b.register_number) == (2565, 1)


def test_a_new_holder_gets_the_memo_waiting_at_the_step(org) -> None:
    memo = bring_to(org, "clerk")
    newcomer = make_user("newclerk")
    position = org.positions["clerk"]
    position.holder = newcomer
    position.save()
    assert Memo.objects.awaiting(newcomer).get() == memo
    assert not Memo.objects.awaiting(org["clerk"]).exists()
    make_position(org.organisation, "staff", holder=org["clerk"])
    with pytest.raises(services.PermissionDenied):
        services.memo_approve(memo=memo, actor=org["clerk"])


def test_a_memo_at_a_step_dropped_from_the_chain_can_still_be_signed_there(org) -> None:
    memo = bring_to(org, "deputy")
    settings_services.memo_chain_set(
        organisation=org.organisation, memo_chain=["head", "clerk", "mayor"], actor=None
    )
    services.memo_approve(memo=memo, actor=org["deputy"], comment="เห็นชอบ")
    assert fresh(memo).state == State.CLERK


def test_a_mail_server_failure_after_commit_does_not_undo_or_break_the_send(
    org, settings, django_capture_on_commit_callbacks, caplog
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    memo = make_memo(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_send(memo=memo, actor=org["author"])
    assert fresh(memo).state == State.HEAD
    assert any("on_commit" in r.getMessage() or r.exc_info for r in caplog.records)
