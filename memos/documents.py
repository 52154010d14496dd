"""The memo's official PDF: a ``Memo`` and its sign-offs as the ``MemoDoc`` the renderer prints.

One function builds the document for the download view, ``manage.py render_memo`` and the
benchmark (``memo_pdf``), so they print the same thing. What prints below the memo:

- the current round's sign-offs, in chain order, each with its comment, decision, signer,
  acting notation and date — as long as they cover the text as it is now (each sign-off keeps
  the hash of the content it signed; a returned memo its author has since revised prints as the
  next round will, every step blank);
- while the memo is a draft or waits at a step, the steps still to come as blank blocks to sign
  by hand: the organisation's configured chain from the current step on, without the steps the
  chain would skip today (nobody but the author could sign them); the mayor's step is never
  skipped. A decided or withdrawn memo prints only what was signed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from ita.documents import render
from ita.documents.data import MemoDoc, RegisterDoc, RegisterRow, ReportDoc, SignBlock
from ita.history.models import Event, EventKind
from ita.lib.thai import thai_digits
from ita.lib.urls import absolute
from ita.organisations.models import Organisation, Position
from ita.organisations.people import person_name
from ita.organisations.selectors import emblem_of
from measures.documents import organisation_report
from measures.implementation import implementation_doc
from measures.models import ImplementationReport
from memos import chain
from memos.models import STEP_STATES, Attachment, Memo, SignOff, State
from memos.roles import role_heading, role_order
from memos.selectors import RegisterEntry, register_entries

# The notation under an acting signer's own position (the correspondence regulation's form).
ACTING = "รักษาราชการแทน"


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _signed_block(signoff: SignOff, kind: str) -> SignBlock:
    return SignBlock(
        position=signoff.signer_position,
        name=signoff.signer_name,
        heading=role_heading(signoff.step, kind),
        acting=f"{ACTING}{signoff.acting_for}" if signoff.acting_for else "",
        decision=signoff.printed_decision,
        comment=signoff.comment,
        signed_on=_local_date(signoff.signed_at),
    )


def _pending_block(step: chain.Step, kind: str, author_id: int) -> SignBlock:
    """The blank block of a step still to come, naming who is expected to sign it."""
    heading = role_heading(step.role, kind)
    signers = [s for s in step.signers if s.user_id != author_id]
    if step.position is not None and step.position.holder_id not in (None, author_id):
        return SignBlock(
            position=step.position.title,
            name=person_name(step.position.holder),
            heading=heading,
        )
    if signers:  # vacant, or held by the author: whoever acts for the position signs
        signer = signers[0]
        return SignBlock(
            position=signer.position,
            name=signer.name,
            heading=heading,
            acting=f"{ACTING}{signer.acting_for}" if signer.acting_for else "",
        )
    # Nobody to name (only the deciding step gets here): name and position filled in by hand.
    return SignBlock(position=step.position.title if step.position else "", heading=heading)


def _pending_roles(memo: Memo, signed: set[str], restart: bool) -> list[str]:
    """The chain's steps still to come, in order (before the skips of the day are applied)."""
    if memo.state in STEP_STATES:
        roles = chain.roles_from(memo.organisation, memo.state)
        return [r for r in roles[roles.index(memo.state) :] if r not in signed]
    if memo.state == State.DRAFT or restart:
        return chain.configured_roles(memo.organisation)
    return []  # decided, withdrawn, or returned with the returning round still standing


def _withdrawn_on(memo: Memo) -> dt.date | None:
    """The day the author withdrew the memo, from its history (one query, withdrawn memos only)."""
    if memo.state != State.WITHDRAWN:
        return None
    moment = (
        Event.objects.filter(
            object_type=memo._meta.label_lower,
            object_id=str(memo.pk),
            action=EventKind.MEMO_WITHDRAW,
        )
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    # A memo withdrawn outside the services has no history row: its last change is the withdrawal.
    return _local_date(moment or memo.updated_at)


def memo_doc(
    memo: Memo,
    *,
    today: dt.date | None = None,
    with_emblem: bool = True,
    route: dict[str, chain.Step] | None = None,
) -> MemoDoc:
    """The printed memo: its fields, the author's block and the executives' blocks; the memo
    page shows it too (``with_emblem=False``: the page links to the stored image instead).

    ``memo`` with ``organisation`` loaded (``select_related``); reads its sign-offs and
    attachments, and while steps are pending the chain's positions, or a withdrawn memo's
    withdrawal date (five queries at most). ``route``: the chain's steps of ``today``
    (``chain.steps``) when the caller has read them already.
    """
    organisation = memo.organisation
    kind = organisation.kind
    today = today or timezone.localdate()
    current = [s for s in memo.signoffs.all() if s.round == memo.round]
    attachments = list(memo.attachments.all())
    content_hash = memo.content_hash(attachments)
    # A signature covers the text it signed: sign-offs of a returned memo revised since then
    # no longer stand under it (the resubmission starts the chain again). In any other state the
    # author cannot edit: a text that differs from what was signed was changed behind the
    # services' back. Its signatures still print, and the document says it was changed.
    changed = [s for s in current if s.content_hash != content_hash]
    restart = memo.state == State.RETURNED and bool(changed)
    standing = [] if restart else list(current)
    standing.sort(key=lambda s: role_order(s.step))
    steps = [_signed_block(s, kind) for s in standing]

    roles = _pending_roles(memo, {s.step for s in standing}, restart)
    if roles:
        if route is None or any(role not in route for role in roles):
            route = chain.steps(organisation, today, roles=roles)
        for role in roles:
            step = route[role]
            takeable = any(s.user_id != memo.author_id for s in step.signers)
            # The step the memo is at and the deciding step always print; others only if
            # someone can take them (the chain skips the rest when the memo gets there).
            if takeable or role == memo.state or role == roles[-1]:
                steps.append(_pending_block(step, kind, memo.author_id))

    # Sent through the system, the typed name is the author's signature (until a revision).
    sent = memo.round > 0 and not restart
    return MemoDoc(
        unit=unit_text(memo.unit_name, memo.unit_phone),
        number=memo.number_on_paper,
        date=memo.date,
        subject=memo.subject,
        addressee=memo.addressee,
        body=memo.body,
        author=SignBlock(
            position=memo.signature_position,
            name=memo.signature_name,
            signed_on=_local_date(memo.sent_at) if sent else None,
        ),
        steps=tuple(steps),
        emblem=emblem_of(organisation) if with_emblem else None,
        withdrawn_on=_withdrawn_on(memo),
        urgency=memo.get_urgency_display() if memo.urgency else "",
        verify_code=memo.verify_code,
        verify_url=verify_url(),
        changed_after_signing=bool(changed) and not restart,
        organisation=organisation.name,
        enclosures=enclosures(memo, attachments),
        draft=memo.state == State.DRAFT,
        names=document_names(organisation, [memo.signature_name, *(s.name for s in steps)]),
    )


def document_names(organisation: Organisation, people: list[str]) -> tuple[str, ...]:
    """The names a document keeps on one line: the organisation's own name (สุโสะ: its kind,
    องค์การบริหารส่วนตำบล, breaks between its words like any text) and each word of each
    person's name (a long name may still break at its spaces)."""
    words = [w for person in people for w in person.split()]
    return tuple(dict.fromkeys(n for n in (organisation.short_name, *words) if n and n.strip()))


def verify_url() -> str:
    """Where a reader checks a printed code: the public ``/verify/`` page, at the site's one
    address (``site_url``: SITE_URL, which production requires)."""
    return absolute(reverse("verify"))


def changed_after_signing(memo: Memo, signoffs: list[SignOff] | None = None) -> bool:
    """Whether the memo differs from what this round's signers signed (outside a revision)."""
    if memo.state in Memo.EDITABLE_STATES:
        return False
    rows = signoffs if signoffs is not None else list(memo.signoffs.all())
    content_hash = memo.content_hash()
    return any(s.content_hash != content_hash for s in rows if s.round == memo.round)


def report_enclosure(year: int) -> str:
    """The attached ITA report as the enclosures line names it (in Thai: the paper is Thai)."""
    with translation.override("th"):
        return gettext("Report on the ITA results, fiscal year %(year)s") % {
            "year": thai_digits(str(year))
        }


def implementation_enclosure(year: int) -> str:
    """The attached implementation report as the enclosures line names it (Thai: on paper)."""
    with translation.override("th"):
        return gettext(
            "Report on the implementation of the measures to promote integrity and "
            "transparency, following the ITA of fiscal year %(year)s"
        ) % {"year": thai_digits(str(year))}


def enclosures(memo: Memo, attachments: list[Attachment]) -> tuple[str, ...]:
    """สิ่งที่ส่งมาด้วย: the attached report, then every attached file by its name."""
    lines = [a.name for a in attachments]
    if memo.report_year is not None:
        year = memo.report_year.year
        lines.insert(
            0,
            implementation_enclosure(year) if memo.implementation_id else report_enclosure(year),
        )
    return tuple(lines)


def memo_report(memo: Memo) -> ReportDoc | None:
    """The ITA report of ``memo.report_year`` for the memo's organisation, with its measures.

    Its author is the memo's own signature: the report is sent with, and under, the memo.
    """
    report_year = memo.report_year
    if report_year is None:
        return None
    report = organisation_report(memo.organisation, report_year.year)
    if report is None:
        return None
    return dataclasses.replace(
        report, author_name=memo.signature_name, author_position=memo.signature_position
    )


def memo_implementation_part(memo: Memo) -> str:
    """The attached implementation report rendered as it stands now, under the memo's own
    signature ("" when the memo carries none)."""
    if memo.implementation_id is None:
        return ""
    report = ImplementationReport.objects.select_related(
        "assessment__organisation", "assessment__year"
    ).get(pk=memo.implementation_id)
    doc = implementation_doc(
        report, author_name=memo.signature_name, author_position=memo.signature_position
    )
    return render.implementation_part_html(doc)


def memo_report_part(memo: Memo) -> str:
    """The attached report rendered for freezing at send ("" without a report)."""
    if memo.implementation_id is not None:
        return memo_implementation_part(memo)
    report = memo_report(memo)
    return render.report_part_html(report) if report is not None else ""


def memo_pdf(memo: Memo, *, today: dt.date | None = None) -> bytes:
    """The memo as the correspondence regulation prints it, followed by its ITA report.

    Once sent, the report prints as it was sent (``memo.report_sent``); while the memo is a
    draft or back with its author, as the data stands now (as it will be sent).
    """
    doc = memo_doc(memo, today=today)
    if memo.report_sent and memo.state not in Memo.EDITABLE_STATES:
        return render.memo_pdf(doc, report_part=memo.report_sent)
    if memo.implementation_id is not None:
        return render.memo_pdf(doc, report_part=memo_implementation_part(memo))
    return render.memo_pdf(doc, memo_report(memo))


def memo_pdf_filename(memo: Memo) -> str:
    """memo-2564-12.pdf (the register's fiscal year and number), or memo-<id>.pdf before it."""
    if memo.register_number is not None:
        return f"memo-{memo.register_year}-{memo.register_number}.pdf"
    return f"memo-{memo.pk}.pdf"


# --- blocks of positions, for documents built from the organisation rather than a memo --------


def sign_block(
    position: Position,
    *,
    comment: str = "",
    signed_on: dt.date | None = None,
    acting: str = "",
    author: bool = False,
) -> SignBlock:
    """The block of ``position``'s holder (select_related ``organisation`` and ``holder``)."""
    heading = "" if author else role_heading(position.role, position.organisation.kind)
    return SignBlock(
        position=position.title,
        name=person_name(position.holder),
        heading=heading or ("" if author else position.title),
        acting=acting,
        comment=comment,
        signed_on=signed_on,
    )


def unit_text(unit: str, phone: str = "") -> str:
    """ส่วนราชการ as printed: the unit and its phone (… โทร. ๐๗๕-๒๘๙๖๘๙)."""
    return f"{unit} โทร. {phone}" if phone else unit


def unit_line(organisation: Organisation, unit: str = "") -> str:
    """ส่วนราชการ of the organisation: the unit, the organisation's name and its phone."""
    return unit_text(" ".join(p for p in (unit, organisation.name) if p), organisation.phone)


def register_rows(entries: list[RegisterEntry]) -> tuple[RegisterRow, ...]:
    """The register's lines: every number given, in order, with what became of its memo."""
    rows = []
    for entry in entries:
        memo = entry.memo
        if memo is None:
            rows.append(RegisterRow(entry.number, "", None, "", "", "", note=NO_MEMO))
            continue
        if memo.state == State.DECIDED:
            action = memo.get_outcome_display()
        else:
            action = memo.get_state_display()
        notes = [memo.get_urgency_display()] if memo.urgency else []
        if memo.state == State.WITHDRAWN:
            notes.append(WITHDRAWN_NOTE)
        rows.append(
            RegisterRow(
                number=entry.number,
                reference=memo.number,
                date=memo.date,
                sender=memo.unit_name,
                addressee=memo.addressee,
                subject=memo.subject,
                action=str(action),
                note=" ".join(notes),
            )
        )
    return tuple(rows)


# The register's own words (document text: Thai in every interface language).
NO_MEMO = "ไม่พบบันทึกที่ใช้เลขนี้"
WITHDRAWN_NOTE = "ถอนเรื่อง (เลขนี้ไม่ใช้ซ้ำ)"


def register_doc(
    organisation: Organisation, year: int, first: int = 1, last: int | None = None
) -> RegisterDoc:
    """The outgoing register of ``year`` as the PDF prints it (the numbers ``first`` to
    ``last``, default all: a part of the register files' build): three queries."""
    with translation.override(render.DOCUMENT_LANGUAGE):
        rows = register_rows(register_entries(organisation, year, first, last))
    return RegisterDoc(
        organisation=organisation.name,
        year=year,
        rows=rows,
        names=document_names(organisation, []),
    )
