"""Writes to memos. Each runs in one transaction with its history row; e-mail goes on commit.

Every action locks the memo row and compares its state and round with what the actor saw
(``expected_state``/``expected_round``, defaulting to the instance passed in): a double click or a
second tab gets ``StaleMemo`` instead of a second decision. ``ConcurrentTransitionMixin`` and the
one-sign-off-per-step constraint guard the same race below that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from ita.history import payloads
from ita.history.models import EventKind
from ita.history.services import Actor, AnyUser, event_record
from ita.lib.tasks import enqueue_on_commit
from ita.lib.urls import absolute
from ita.organisations import membership
from ita.organisations.models import Organisation
from measures.checks import report_checks
from measures.implementation import public_evidence
from memos import access, attachments, chain, register, roles, tasks
from memos.checks import memo_year_checks
from memos.documents import memo_report_part
from memos.models import (
    Attachment,
    Memo,
    Outcome,
    OutgoingRegister,
    SignOff,
    State,
)

CONTENT_FIELDS = (
    "unit_name",
    "unit_phone",
    "letter_code",
    "date",
    "subject",
    "addressee",
    "body",
    "signature_name",
    "signature_position",
    "report_year",
    "urgency",
)
# What must be filled before a memo can be sent (the regulation's fields).
REQUIRED_TO_SEND = (
    "unit_name",
    "letter_code",
    "subject",
    "addressee",
    "body",
    "signature_name",
    "signature_position",
)


class MemoActionError(Exception):
    """The action does not fit the memo's state; ``str()`` is a message for the user."""

    def __init__(self, message: str, memo: Memo | None = None) -> None:
        super().__init__(message)
        self.memo = memo


class StaleMemo(MemoActionError):
    """The memo moved since the actor loaded it (another click, tab or person got there first)."""


def _record(
    memo: Memo,
    actor: Actor,
    action: EventKind,
    *,
    data: payloads.Payload | None = None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
) -> None:
    event_record(
        actor=actor,
        action=action,
        organisation_id=memo.organisation_id,
        obj=memo,
        data=data,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )


def _lock(memo: Memo, expected_state: str | None, expected_round: int | None) -> Memo:
    """The memo's row, locked for this transaction, checked against what the actor saw."""
    # The organisation's memo settings (its chain) come with it, unlocked: a chain may be null.
    locked = (
        Memo.objects.select_for_update(of=("self", "organisation"))
        .select_related("organisation", "organisation__memo_settings")
        .get(pk=memo.pk)
    )
    state = memo.state if expected_state is None else expected_state
    round_ = memo.round if expected_round is None else expected_round
    if locked.state != state or locked.round != round_:
        raise StaleMemo(
            _("This memo has already moved on: it is now “%(state)s”. Nothing was changed.")
            % {"state": locked.get_state_display()},
            locked,
        )
    return locked


def _require(
    memo: Memo,
    transition: Callable[..., object],
    actor: AnyUser,
    refusal: Callable[[Memo, Actor], str | None],
    *,
    state_error: str,
    condition_error: str = "",
) -> None:
    """The transition's guards (``memos.access`` through django-fsm), or why not: the person
    first (PermissionDenied), then the state (MemoActionError). ``transition`` is a method of
    ``memo``."""
    if has_transition_perm(transition, actor):
        return
    reason = refusal(memo, actor)
    if reason:
        raise PermissionDenied(reason)
    if condition_error and can_proceed(transition, check_conditions=False):
        raise MemoActionError(condition_error, memo)
    raise MemoActionError(state_error, memo)


def _require_editable(memo: Memo, actor: AnyUser, state_error: str) -> None:
    """Edits are not transitions: the author's rule, and a memo with its author."""
    reason = access.author_refusal(memo, actor)
    if reason:
        raise PermissionDenied(reason)
    if not memo.is_editable:
        raise MemoActionError(state_error, memo)


def _memo_url(memo: Memo) -> str:
    return absolute(reverse("memos:detail", args=[memo.pk]))


def _mail_later(user_ids: list[int], subject: str, body: str) -> None:
    """Queue the notice once the transaction commits (a rolled-back change e-mails nobody); the
    worker sends it and retries while the mail server fails (``memos.tasks``)."""
    if user_ids:
        enqueue_on_commit(tasks.memo_notice_send, sorted(set(user_ids)), subject, body)


def _notify_step(memo: Memo, step: chain.Step) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Memo awaiting your decision: %(subject)s") % {"subject": memo.subject}
        if memo.urgency:  # ชั้นความเร็ว first, as on the envelope
            subject = f"{memo.get_urgency_display()} {subject}"
        body = _(
            "The memo %(number)s “%(subject)s” from %(author)s awaits your decision.\n\n%(url)s"
        ) % {
            "number": memo.number_display,
            "subject": memo.subject,
            "author": memo.signature_name,
            "url": _memo_url(memo),
        }
    _mail_later([s.user_id for s in step.signers if s.user_id != memo.author_id], subject, body)


def _notify_author(memo: Memo, signoff: SignOff) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if signoff.decision == SignOff.Decision.RETURN:
            subject = _("Memo returned to you: %(subject)s") % {"subject": memo.subject}
            what = _("%(name)s returned the memo for revision. Reason: %(comment)s") % {
                "name": signoff.signer_name,
                "comment": signoff.comment,
            }
        else:
            subject = _("Memo decided: %(subject)s") % {"subject": memo.subject}
            what = _("%(name)s decided: %(decision)s. %(comment)s") % {
                "name": signoff.signer_name,
                "decision": signoff.get_decision_display(),
                "comment": signoff.comment,
            }
        body = f"{memo.number_display} “{memo.subject}”\n\n{what}\n\n{_memo_url(memo)}"
    _mail_later([memo.author_id], subject, body)


def _clean_content(data: Mapping[str, object]) -> dict[str, object]:
    values = {k: data[k] for k in CONTENT_FIELDS if k in data}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip() if key != "body" else value.strip("\n ")
    return values


@transaction.atomic
def memo_create(*, organisation: Organisation, data: Mapping[str, object], actor: AnyUser) -> Memo:
    """A new draft by ``actor``, a member of ``organisation``."""
    if not membership.is_member(actor, organisation.pk):
        raise PermissionDenied(_("You are not a member of this organisation."))
    memo = Memo(organisation=organisation, author=actor, **_clean_content(data))
    memo.full_clean(exclude=["state"])
    memo.save()
    _record(memo, actor, EventKind.MEMO_CREATE, to_state=memo.state)
    return memo


@transaction.atomic(durable=True)
def memo_update(
    *,
    memo: Memo,
    data: Mapping[str, object],
    actor: AnyUser,
    expected_state: str | None = None,
    expected_round: int | None = None,
) -> Memo:
    """Change the text of a draft or a returned memo; signed rounds are never touched."""
    memo = _lock(memo, expected_state, expected_round)
    _require_editable(memo, actor, _("Only a draft or a returned memo can be edited."))
    values = _clean_content(data)
    changed = sorted(k for k, v in values.items() if getattr(memo, k) != v)
    for key, value in values.items():
        setattr(memo, key, value)
    memo.full_clean(exclude=["state"])
    memo.save()
    if changed:
        _record(
            memo,
            actor,
            EventKind.MEMO_UPDATE,
            from_state=memo.state,
            to_state=memo.state,
            data=payloads.FieldsChanged(fields=[k.removesuffix("_id") for k in changed]),
        )
    return memo


def all_checks(memo: Memo, today: dt.date) -> list[payloads.Check]:
    """What the checks find before ``memo`` is sent: its own (``memos.checks``) and those of the
    yearly report it carries (``measures.checks``), as kept in the send's history row."""
    found = [payloads.Check(code="memo_year", message=m) for m in memo_year_checks(memo)]
    if memo.report_year is not None and memo.implementation_id is None:
        found += [
            payloads.Check(code=c.code, message=c.message)
            for c in report_checks(memo.organisation, memo.report_year, memo.date or today)
        ]
    return found


def _next_register_number(organisation: Organisation, fiscal_year: int) -> int:
    """The register's next number; the row lock makes concurrent senders queue, one by one:
    a number is never given twice, and none is skipped."""
    OutgoingRegister.objects.get_or_create(organisation=organisation, fiscal_year=fiscal_year)
    row = OutgoingRegister.objects.select_for_update().get(
        organisation=organisation, fiscal_year=fiscal_year
    )
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return row.last_number


def _skips_data(skipped: list[chain.Skip]) -> list[payloads.Skipped]:
    return [payloads.Skipped(role=s.role, reason=s.reason) for s in skipped]


@transaction.atomic
def memo_send(
    *,
    memo: Memo,
    actor: AnyUser,
    expected_state: str | None = None,
    expected_round: int | None = None,
    today: dt.date | None = None,
    register_year: int | None = None,
) -> Memo:
    """Send a draft (or a revised returned memo) to the first step of the chain.

    The first send takes the next number of the organisation's outgoing register for the fiscal
    year; a resubmission keeps its number and starts again at the first step (docs/memos.md).
    ``register_year``: the register chosen for a memo dated in another fiscal year
    (``register.register_choices``); this fiscal year's when None. The report's checks at the
    moment of sending are kept in the history row, for the executives to see.
    """
    memo = _lock(memo, expected_state, expected_round)
    _require(
        memo,
        memo.send,
        actor,
        access.author_refusal,
        state_error=_("Only a draft or a returned memo can be sent."),
    )
    missing = [
        str(Memo._meta.get_field(f).verbose_name) for f in REQUIRED_TO_SEND if not getattr(memo, f)
    ]
    if missing:
        raise ValidationError(
            _("Fill in before sending: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    today = today or timezone.localdate()
    try:
        step, skipped = chain.next_step(
            memo.organisation, after=None, author_id=memo.author_id, day=today
        )
    except chain.ChainError as exc:
        raise ValidationError(str(exc)) from exc
    with translation.override(settings.LANGUAGE_CODE):  # kept as the e-mails are written
        checks = all_checks(memo, today)
    from_state = memo.state
    # Freeze the attached report as sent: the executives sign it as it is now. Rendered before
    # the register row is locked, so concurrent sends wait on the number only.
    memo.report_sent = memo_report_part(memo)
    if memo.register_number is None:
        year = register.chosen_year(memo.date, today, register_year)
        memo.register_year = year
        memo.register_number = _next_register_number(memo.organisation, year)
    if memo.date is None:
        memo.date = today
    memo.send(first_step=step.role)
    memo.save()
    # The implementation report's files to publish, frozen with it.
    report = memo.implementation if memo.implementation_id else None
    evidence = public_evidence(report) if report is not None else []
    if report is not None:
        memo.evidence_sent.set(evidence)
    sent = payloads.MemoSent(
        number=memo.number,
        round=memo.round,
        skipped=_skips_data(skipped),
        content_hash=memo.content_hash(),
        checks=checks,
    )
    if evidence:
        sent["evidence_public"] = [e.original_name for e in evidence]
    _record(
        memo,
        actor,
        EventKind.MEMO_SEND,
        from_state=from_state,
        to_state=memo.state,
        data=sent,
    )
    _notify_step(memo, step)
    return memo


def _require_signer(
    memo: Memo,
    actor: AnyUser,
    transition: Callable[..., object],
    route: dict[str, chain.Step] | None = None,
) -> chain.Signer:
    """The actor's signature at the memo's step: the signer's rule (``memos.access``).

    Read first from ``route`` when the service has it (the answer is kept on the memo), so the
    transition's permission asks no query of its own.
    """
    signer = access.signer(memo, actor, route)
    _require(
        memo,
        transition,
        actor,
        access.signer_refusal,
        state_error=_("This memo is not waiting for a decision."),
    )
    if signer is None:  # the permission said yes: the same rule, read the same day
        raise PermissionDenied(
            _("Only the holder or acting holder of the current step can decide it.")
        )
    return signer


def _sign(memo: Memo, signer: chain.Signer, decision: str, comment: str) -> SignOff:
    SignOff._meta.get_field("comment").run_validators(comment)  # its length (COMMENT_MAX_LENGTH)
    return SignOff.objects.create(
        memo=memo,
        round=memo.round,
        step=memo.state,
        decision=decision,
        comment=comment,
        signer_id=signer.user_id,
        signer_name=signer.name,
        signer_position=signer.position,
        acting_for=signer.acting_for,
        content_hash=memo.content_hash(),
    )


@transaction.atomic
def memo_approve(
    *,
    memo: Memo,
    actor: AnyUser,
    comment: str = "",
    outcome: str = "",
    expected_state: str | None = None,
    expected_round: int | None = None,
    today: dt.date | None = None,
) -> SignOff:
    """Sign the current step with a comment: on to the next step, or, at the mayor's, decide.

    ``outcome`` (acknowledged, approved, not approved) is required at the deciding step only.
    """
    memo = _lock(memo, expected_state, expected_round)
    today = today or timezone.localdate()
    memo.signing_day = today
    route = None
    if memo.is_pending:
        # Who signs now and where the memo goes next, read once.
        route = chain.steps(
            memo.organisation, today, roles=chain.roles_from(memo.organisation, memo.state)
        )
    deciding = memo.state == State.MAYOR
    signer = _require_signer(memo, actor, memo.decide if deciding else memo.forward, route)
    comment = comment.strip()
    roles.refuse_contradiction(outcome or SignOff.Decision.FORWARD, comment)
    from_state = memo.state
    if deciding:
        if outcome not in Outcome.values:
            raise ValidationError(_("Choose the decision: acknowledged, approved or not approved."))
        signoff = _sign(memo, signer, outcome, comment)
        memo.decide(outcome=outcome)
        skipped: list[chain.Skip] = []
        step = None
    else:
        if outcome:
            raise ValidationError(_("Only the deciding step records an outcome."))
        try:
            step, skipped = chain.next_step(
                memo.organisation,
                after=memo.state,
                author_id=memo.author_id,
                day=today,
                chain=route,
            )
        except chain.ChainError as exc:
            raise ValidationError(str(exc)) from exc
        signoff = _sign(memo, signer, SignOff.Decision.FORWARD, comment)
        memo.forward(next_step=step.role)
    memo.save()
    _record(
        memo,
        actor,
        EventKind.MEMO_DECIDE if step is None else EventKind.MEMO_FORWARD,
        from_state=from_state,
        to_state=memo.state,
        comment=comment,
        data=payloads.MemoSigned(
            round=memo.round,
            decision=signoff.decision,
            acting_for=signer.acting_for,
            content_hash=signoff.content_hash,
            skipped=_skips_data(skipped),
        ),
    )
    if step is None:
        _notify_author(memo, signoff)
        # The document of record: rendered, signed, stored by the worker once this commits.
        enqueue_on_commit(tasks.memo_archive_task, memo.pk)
    else:
        _notify_step(memo, step)
    return signoff


@transaction.atomic(durable=True)
def memo_return(
    *,
    memo: Memo,
    actor: AnyUser,
    reason: str,
    expected_state: str | None = None,
    expected_round: int | None = None,
    today: dt.date | None = None,
) -> SignOff:
    """Return the memo to its author for revision; the reason is required."""
    memo = _lock(memo, expected_state, expected_round)
    memo.signing_day = today or timezone.localdate()
    signer = _require_signer(memo, actor, memo.return_to_author)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for returning the memo."))
    roles.refuse_contradiction(SignOff.Decision.RETURN, reason)
    from_state = memo.state
    signoff = _sign(memo, signer, SignOff.Decision.RETURN, reason)
    memo.return_to_author()
    memo.save()
    _record(
        memo,
        actor,
        EventKind.MEMO_RETURN,
        from_state=from_state,
        to_state=memo.state,
        comment=reason,
        data=payloads.MemoReturned(round=memo.round, acting_for=signer.acting_for),
    )
    _notify_author(memo, signoff)
    return signoff


@transaction.atomic(durable=True)
def memo_withdraw(
    *,
    memo: Memo,
    actor: AnyUser,
    expected_state: str | None = None,
    expected_round: int | None = None,
) -> Memo:
    """The author takes the memo back before any executive has decided anything on it.

    A number already given stays used: the register never gives it again.
    """
    memo = _lock(memo, expected_state, expected_round)
    _require(
        memo,
        memo.withdraw,
        actor,
        access.author_refusal,
        state_error=_("This memo can no longer be withdrawn."),
        condition_error=_(
            "An executive has already decided on this memo: it can no longer be withdrawn."
        ),
    )
    from_state = memo.state
    memo.withdraw()
    memo.save()
    _record(
        memo,
        actor,
        EventKind.MEMO_WITHDRAW,
        from_state=from_state,
        to_state=memo.state,
        data=payloads.MemoWithdrawn(number=memo.number),
    )
    return memo


@transaction.atomic(durable=True)
def attachment_add(*, memo: Memo, upload: UploadedFile, actor: AnyUser) -> Attachment:
    memo = _lock(memo, None, None)
    _require_editable(memo, actor, _("Files can be attached to a draft or a returned memo only."))
    assert actor.is_authenticated  # the author's rule admits members only
    checked = attachments.check_upload(upload)  # size and type by content, or a Thai reason
    name = checked.name
    attachment = Attachment(
        memo=memo,
        name=name,
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.type.mime,
        uploaded_by=actor,
    )
    try:  # stored under the type found in it, never the user's name (``attachment_path``)
        attachment.file.save(f"file.{checked.type.extension}", upload, save=False)
    except OSError as exc:  # a full or read-only media folder: no file, no row
        raise attachments.storage_refusal(name) from exc
    try:
        attachment.save()
        _record(
            memo,
            actor,
            EventKind.MEMO_ATTACH,
            comment=name,
            data=payloads.FileAttached(sha256=attachment.sha256),
        )
    except Exception:
        # The file reached the disk before the row; do not leave it behind.
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic(durable=True)
def attachment_remove(*, attachment: Attachment, actor: AnyUser) -> None:
    memo = _lock(attachment.memo, None, None)
    _require_editable(memo, actor, _("Files of a sent memo cannot be removed."))
    name = attachment.name
    stored = attachment.file.name
    attachment.delete()
    _record(memo, actor, EventKind.MEMO_DETACH, comment=name)
    # A file that was sent once stays on disk: an earlier round's signatures cover it.
    if memo.round == 0 and stored and not Attachment.objects.filter(file=stored).exists():
        transaction.on_commit(lambda: default_storage.delete(stored))
