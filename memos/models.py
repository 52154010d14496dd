"""Internal memos (บันทึกข้อความ) and their sign-off chain.

Field names are a contract for the PDF renderer and the measures app: see docs/memos.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from ita.documents.data import paragraphs
from ita.lib.thai import thai_digits
from ita.organisations import membership
from ita.organisations.models import Organisation, Position
from ita.results.models import AssessmentYear
from memos import access, roles
from memos.register import number_text

if TYPE_CHECKING:
    from ita.history.services import Actor


class MemoQuerySet(models.QuerySet["Memo"]):
    def for_member(self, user: Actor) -> MemoQuerySet:
        """Memos of the organisations the user belongs to (``membership``)."""
        return self.filter(organisation__in=membership.organisation_ids(user))

    def awaiting(self, user: Actor, day: dt.date | None = None) -> MemoQuerySet:
        """Memos at a step the user may sign on ``day`` (``access.awaiting``), not their own."""
        return self.filter(access.awaiting(user, day or timezone.localdate()))


# The verification code printed on every page (``/verify/``): ten letters and digits that cannot be
# misread for each other (no 0/O, 1/I/L), about 50 bits: not guessed by trying.
VERIFY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verify_code() -> str:
    code = "".join(secrets.choice(VERIFY_ALPHABET) for _ in range(10))
    return f"{code[:5]}-{code[5:]}"


# How much a memo's text may hold. A real memo (บันทึกข้อความ) is a page or two, the longest
# reports in its body a few pages: 30,000 characters is about fifteen printed pages at the
# regulation's 16-point type (some 2,000 Thai characters a page), far beyond any memo, while a
# render stays well under a second (500,000 characters took 6.7 s of CPU, and every later render,
# the signing and the pages that list the memo pay for it). Longer material goes in an attached
# file. An executive's comment is a few lines on the printed memo; 4,000 characters is two pages.
BODY_MAX_LENGTH = 30_000
COMMENT_MAX_LENGTH = 4_000


@deconstructible
class TextLimit(MaxLengthValidator):
    """At most ``limit_value`` characters, refused with a message that names the field and says
    both numbers as people read them (30,000)."""

    def __call__(self, value: str) -> None:
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code="max_length",
                params={"limit_value": f"{self.limit_value:,}", "show_value": f"{length:,}"},
            )


def _asked(rule: Callable[[Memo, Actor], bool]) -> Callable[[models.Model, object], bool]:
    """A rule of ``memos.access`` as the permission of a memo's transition: django-fsm-2 types
    it as taking any model and any kind of user; it is asked of a memo, with the user given to
    ``has_transition_perm`` (one of ours)."""

    def permitted(instance: models.Model, user: object) -> bool:
        assert isinstance(instance, Memo)
        assert user is None or isinstance(user, User | AnonymousUser)
        return rule(instance, user)

    return permitted


def _unsigned(instance: models.Model) -> bool:
    """Withdrawing's condition: no executive has signed the memo yet."""
    assert isinstance(instance, Memo)
    return not instance.signoffs.exists()


class Memo(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        # The four step states carry the same values as Position.Role: "the memo is with <role>".
        DRAFT = "draft", _("Draft")
        HEAD = "head", _("With the head of the clerk's office")
        DEPUTY = "deputy", _("With the deputy clerk")
        CLERK = "clerk", _("With the clerk")
        MAYOR = "mayor", _("With the mayor")
        RETURNED = "returned", _("Returned to the author")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        """The mayor's word (คำวินิจฉัย)."""

        ACKNOWLEDGED = "acknowledged", _("Acknowledged (ทราบ)")
        APPROVED = "approved", _("Approved (อนุมัติ)")
        NOT_APPROVED = "not_approved", _("Not approved (ไม่อนุมัติ)")

    class Urgency(models.TextChoices):
        """ชั้นความเร็ว (the correspondence regulation): printed in red, large, at the top."""

        NORMAL = "", _("Normal")
        URGENT = "urgent", "ด่วน"
        VERY_URGENT = "very_urgent", "ด่วนมาก"
        MOST_URGENT = "most_urgent", "ด่วนที่สุด"

    STEP_STATES = roles.EXECUTIVE_ROLES
    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memos", verbose_name=_("organisation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memos",
        verbose_name=_("author"),
    )
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    round = models.PositiveSmallIntegerField(
        _("round"), default=0, help_text=_("How many times the memo has been sent.")
    )
    # ส่วนราชการ and its phone, as printed.
    unit_name = models.CharField(_("issuing unit (ส่วนราชการ)"), max_length=300)
    unit_phone = models.CharField(_("phone"), max_length=40, blank=True)
    # ที่: letter code "/" register number; the number is given at the first send.
    letter_code = models.CharField(_("letter code"), max_length=40, blank=True)
    register_year = models.PositiveSmallIntegerField(
        _("register fiscal year (BE)"), null=True, blank=True, editable=False
    )
    register_number = models.PositiveIntegerField(
        _("register number"), null=True, blank=True, editable=False
    )
    date = models.DateField(_("date"), null=True, blank=True)
    urgency = models.CharField(
        _("urgency (ชั้นความเร็ว)"), max_length=12, choices=Urgency.choices, blank=True
    )
    subject = models.CharField(_("subject (เรื่อง)"), max_length=500)
    addressee = models.CharField(_("to (เรียน)"), max_length=300)
    body = models.TextField(
        _("body"),
        help_text=_("Paragraphs separated by an empty line."),
        validators=[
            TextLimit(
                BODY_MAX_LENGTH,
                _(
                    "The body has %(show_value)s characters; a memo's body holds at most "
                    "%(limit_value)s. Shorten it, or put the longer text in an attached file."
                ),
            )
        ],
    )
    signature_name = models.CharField(_("signature name"), max_length=200)
    signature_position = models.CharField(_("signature position"), max_length=300)
    # The hook for "the ITA report of a year" attached to the memo (the report/PDF helpers).
    report_year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memos",
        verbose_name=_("ITA report of the year"),
    )
    # A memo that carries the implementation report of its year's measures (the second half of
    # the cycle) instead of the yearly report; ``report_year`` is that report's year.
    implementation = models.ForeignKey(
        "measures.ImplementationReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memos",
        verbose_name=_("implementation report"),
    )
    # The attached report as it was sent (its printed HTML): what the executives sign stays as
    # they signed it, whatever later edits to measures or imported scores (docs/memos.md).
    report_sent = models.TextField(_("report as sent"), blank=True, editable=False)
    # The evidence files an implementation report chose to publish when the memo was sent: what
    # the executives signed is what the public gets, whatever is ticked afterwards.
    evidence_sent = models.ManyToManyField(
        "measures.Evidence",
        blank=True,
        related_name="+",
        verbose_name=_("evidence to publish, as sent"),
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    verify_code = models.CharField(
        _("verification code"), max_length=11, unique=True, default=new_verify_code, editable=False
    )

    objects = MemoQuerySet.as_manager()

    # The day the access rules are read for (who holds or acts for a step): today when None.
    # Services set it from their ``today`` so a transition's permission and its signature agree.
    signing_day: dt.date | None = None

    class Meta:
        verbose_name = _("memo")
        verbose_name_plural = _("memos")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # The register never gives one number twice (withdrawn memos keep theirs).
            models.UniqueConstraint(
                fields=["organisation", "register_year", "register_number"],
                name="memo_register_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(register_number__isnull=True) | Q(register_year__isnull=False),
                name="memo_number_has_year",
            ),
        ]
        indexes = [
            # The inbox: memos of an organisation at a step, oldest sent first.
            models.Index(fields=["organisation", "state", "sent_at"]),
            models.Index(fields=["organisation", "sent_at"]),
            # The desk: an author's memos at a step (returned, drafts), the latest changed first;
            # the navigation counts the returned on it too.
            models.Index(fields=["author", "state", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number_display or '—'} {self.subject[:60]}"

    # --- single-row facts -------------------------------------------------------------------

    @property
    def number(self) -> str:
        """ที่ as stored, Arabic digits: "ตง 78201/123", or "" before the first send."""
        return number_text(self.letter_code, self.register_number)

    @property
    def number_on_paper(self) -> str:
        """ที่ as the paper prints it: "ตง 78201/123", or "ตง 78201/-" to write the number in."""
        return number_text(self.letter_code, self.register_number, pending="-")

    @property
    def number_display(self) -> str:
        """ที่ as printed, Thai digits: "ตง ๗๘๒๐๑/๑๒๓"."""
        return thai_digits(self.number)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body's paragraphs, split as the PDF splits them (``ita.documents.data``)."""
        return paragraphs(self.body)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_pending(self) -> bool:
        return self.state in STEP_STATES

    def content(self, attachments: list[Attachment] | None = None) -> dict:
        """What a signer signs: every printed field and the attachments' fingerprints."""
        files = attachments if attachments is not None else list(self.attachments.all())
        return (
            {
                "organisation": self.organisation_id,
                "unit_name": self.unit_name,
                "unit_phone": self.unit_phone,
                "number": self.number,
                "date": self.date.isoformat() if self.date else "",
                "subject": self.subject,
                "addressee": self.addressee,
                "body": self.body,
                "signature_name": self.signature_name,
                "signature_position": self.signature_position,
                "report_year": self.report_year_id,
                "report": hashlib.sha256(self.report_sent.encode("utf-8")).hexdigest()
                if self.report_sent
                else "",
                "attachments": sorted((a.name, a.sha256) for a in files),
                # Only when set: the hashes signed before the field existed stay as they were.
            }
            | ({"urgency": self.urgency} if self.urgency else {})
            | ({"implementation": self.implementation_id} if self.implementation_id else {})
        )

    def content_hash(self, attachments: list[Attachment] | None = None) -> str:
        canonical = json.dumps(self.content(attachments), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    # --- transitions: the guards (state, condition, who: ``memos.access``); memos.services
    # checks them with has_transition_perm, calls them, records the history and saves ------

    @transition(
        field=state,
        source=list(EDITABLE_STATES),
        target=RETURN_VALUE(*STEP_STATES),
        permission=_asked(access.may_author),
    )
    def send(self, *, first_step: str) -> str:
        self.round += 1
        self.sent_at = timezone.now()
        return first_step

    @transition(
        field=state,
        source=[State.HEAD, State.DEPUTY, State.CLERK],
        target=RETURN_VALUE(State.DEPUTY, State.CLERK, State.MAYOR),
        permission=_asked(access.may_sign),
    )
    def forward(self, *, next_step: str) -> str:
        return next_step

    @transition(
        field=state,
        source=State.MAYOR,
        target=State.DECIDED,
        permission=_asked(access.may_sign),
    )
    def decide(self, *, outcome: str) -> None:
        self.outcome = outcome
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=list(STEP_STATES),
        target=State.RETURNED,
        permission=_asked(access.may_sign),
    )
    def return_to_author(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.DRAFT, *STEP_STATES],
        target=State.WITHDRAWN,
        conditions=[_unsigned],
        permission=_asked(access.may_author),
    )
    def withdraw(self) -> None:
        pass


# Short names for the nested choices, used across the app.
State = Memo.State
Outcome = Memo.Outcome
Urgency = Memo.Urgency
STEP_STATES = Memo.STEP_STATES
EDITABLE_STATES = Memo.EDITABLE_STATES


class OutgoingRegister(models.Model):
    """The organisation's outgoing register (ทะเบียนหนังสือส่ง): one sequence per fiscal year."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (BE)"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("outgoing register")
        verbose_name_plural = _("outgoing registers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year"], name="register_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.fiscal_year}: {self.last_number}"


class MemoSettings(models.Model):
    """An organisation's memo settings: the sign-off chain its memos pass.

    Without a row, a memo passes every step of the regulation's chain (``roles.default_chain``).
    Written through ``memos.settings_services.memo_chain_set`` (the admin too), with a history row.
    """

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memo_settings",
        verbose_name=_("organisation"),
    )
    memo_chain = models.JSONField(
        _("memo sign-off chain"),
        default=roles.default_chain,
        blank=True,
        help_text=_(
            'The executive roles a memo passes, in order, e.g. ["head", "clerk", "mayor"] '
            "for an organisation without a deputy clerk. It must end with the mayor."
        ),
    )

    class Meta:
        verbose_name = _("memo settings")
        verbose_name_plural = _("memo settings")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        super().clean()
        error = roles.chain_error(self.memo_chain)
        if error:
            raise ValidationError({"memo_chain": error})


class SignOff(models.Model):
    """One executive's decision at one step of one round: comment, typed signature, hash."""

    class Decision(models.TextChoices):
        FORWARD = "forward", _("Agreed and sent on")
        RETURN = "return", _("Returned to the author")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged (ทราบ)")
        APPROVED = "approved", _("Approved (อนุมัติ)")
        NOT_APPROVED = "not_approved", _("Not approved (ไม่อนุมัติ)")

    memo = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("memo")
    )
    round = models.PositiveSmallIntegerField(_("round"))
    step = models.CharField(_("step"), max_length=10, choices=Position.Role.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(
        _("comment"),
        blank=True,
        validators=[
            TextLimit(
                COMMENT_MAX_LENGTH,
                _(
                    "The comment has %(show_value)s characters; a comment holds at most "
                    "%(limit_value)s. Shorten it."
                ),
            )
        ],
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer"),
    )
    # Copied at signing: names and titles change, a signature does not.
    signer_name = models.CharField(_("signer's name"), max_length=200)
    signer_position = models.CharField(_("signer's position"), max_length=300)
    acting_for = models.CharField(_("acting for (รักษาราชการแทน)"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    content_hash = models.CharField(_("SHA-256 of the memo's content"), max_length=64)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["memo", "round", "signed_at", "pk"]
        constraints = [
            # One decision per step per round, whatever the application does: the last guard
            # against a double click that slipped past the state check.
            models.UniqueConstraint(fields=["memo", "round", "step"], name="signoff_one_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.memo_id} r{self.round} {self.step}: {self.decision}"

    @property
    def heading(self) -> str:
        return roles.comment_heading(self.step, self.memo.organisation.kind)

    @property
    def printed_decision(self) -> str:
        """The decision's words in the printed block ("" for agree-and-forward)."""
        return roles.DECISION_PRINTED.get(self.decision, "")


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the user's file name on disk: it may hold anything; the name is kept in ``name``.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"memos/{instance.memo.organisation_id}/{instance.memo_id}/{instance.sha256}{suffix}"


class Attachment(models.Model):
    """A file sent with the memo; served only to the organisation's members, through a view."""

    memo = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("memo")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, editable=False)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["memo", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


def archive_path(instance: MemoArchive, filename: str) -> str:
    return f"memos/{instance.memo.organisation_id}/{instance.memo_id}/memo-{instance.sha256}.pdf"


class MemoArchive(models.Model):
    """The decided memo's PDF, rendered (and signed) once at the decision: the document of record.

    Written by ``memos.archive.memo_archive`` only; served as these bytes for ever after.
    """

    memo = models.OneToOneField(
        Memo, on_delete=models.PROTECT, related_name="archive", verbose_name=_("memo")
    )
    file = models.FileField(_("file"), upload_to=archive_path, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    # The memo's content hash when it was rendered: what the PDF prints.
    content_hash = models.CharField(_("SHA-256 of the memo's content"), max_length=64)
    # The signer's certificate (DER), kept with the file: a later certificate does not change
    # which key signed it. Empty when the organisation had no certificate (stored unsigned).
    certificate = models.BinaryField(_("signing certificate"), blank=True, default=b"")
    signer = models.CharField(_("signed by (certificate)"), max_length=300, blank=True)
    # The PAdES level of its signature: B-B (no timestamp authority configured), B-T (with an
    # RFC 3161 timestamp), B-LT (and the data to validate it after the certificate expires).
    signature_level = models.CharField(_("signature level"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("archived"), auto_now_add=True)

    class Meta:
        verbose_name = _("archived memo PDF")
        verbose_name_plural = _("archived memo PDFs")

    def __str__(self) -> str:
        return f"{self.memo_id}: {self.sha256[:12]}"

    @property
    def signed(self) -> bool:
        return bool(self.certificate)

    @property
    def timestamped(self) -> bool:
        return self.signature_level in ("B-T", "B-LT")


class SigningCertificate(models.Model):
    """The organisation's certificate for signing its decided memos (PKCS#12, uploaded by a
    clerk). The key is kept re-encrypted with a key derived from SECRET_KEY (``memos.signing``)
    and is never shown."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="signing_certificate",
        verbose_name=_("organisation"),
    )
    protected_key = models.BinaryField(_("protected key"), editable=False)
    certificate = models.BinaryField(_("certificate"), editable=False)
    subject = models.CharField(_("subject"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=300)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    self_signed = models.BooleanField(_("self-signed"), default=False)
    # None when installed by ``manage.py make_signing_certificate`` or the demo.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.subject}"
