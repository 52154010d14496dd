"""Where organisations are and who works in them: provinces, districts, organisations, positions.

Membership (who belongs to an organisation) is read from positions, in one place:
``ita.organisations.membership``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ita.documents.emblem import validate_emblem_file
from ita.lib.thai import clean_text, name_key
from ita.organisations.people import person_name

if TYPE_CHECKING:
    from ita.history.services import Actor


class KeyedName(models.Model):
    """A name as published tables spell it, kept clean, with its matching key (``name_key``)."""

    name: str
    name_key: str

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_text(self.name)
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class Province(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The Department of Provincial Administration's code (2 digits)."),
    )
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    region = models.PositiveSmallIntegerField(_("NACC region (พื้นที่ภาค)"), null=True, blank=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(KeyedName):
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False, db_index=True)
    code = models.CharField(
        _("code"),
        max_length=4,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The Department of Provincial Administration's code (4 digits)."),
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["province__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="district_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class DistrictAlias(KeyedName):
    """Another spelling of a district's name in published tables (e.g. เมืองควน for เมืองตรัง)."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("district")
    )
    name = models.CharField(_("spelling"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("district alias")
        verbose_name_plural = _("district aliases")
        constraints = [
            models.UniqueConstraint(fields=["district", "name_key"], name="district_alias_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Subdistrict(KeyedName):
    """A subdistrict (ตำบล/แขวง) of the gazetteer: most local governments are named after one."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="subdistricts", verbose_name=_("district")
    )
    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False, db_index=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organisation(KeyedName):
    class Kind(models.TextChoices):
        PAO = "pao", _("Provincial Administrative Organisation (อบจ.)")
        CITY = "city", _("City Municipality (เทศบาลนคร)")
        TOWN = "town", _("Town Municipality (เทศบาลเมือง)")
        SUBDISTRICT_MUNICIPALITY = "sdm", _("Subdistrict Municipality (เทศบาลตำบล)")
        SAO = "sao", _("Subdistrict Administrative Organisation (อบต.)")
        SPECIAL = "special", _("Special-form local government (เมืองพัทยา, กรุงเทพมหานคร)")
        AGENCY = "agency", _("Other agency (not a local government)")

    # The full names start with the kind; longest first so เทศบาลตำบล is not read as เทศบาล…
    NAME_PREFIXES = (
        ("องค์การบริหารส่วนจังหวัด", Kind.PAO),
        ("องค์การบริหารส่วนตำบล", Kind.SAO),
        ("เทศบาลนคร", Kind.CITY),
        ("เทศบาลเมือง", Kind.TOWN),
        ("เทศบาลตำบล", Kind.SUBDISTRICT_MUNICIPALITY),
    )
    SHORT_KIND: dict[str, str] = {
        Kind.PAO: "อบจ.",
        Kind.CITY: "ทน.",
        Kind.TOWN: "ทม.",
        Kind.SUBDISTRICT_MUNICIPALITY: "ทต.",
        Kind.SAO: "อบต.",
    }

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("district")
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The organisation's official code (รหัส อปท.), when known."),
    )
    letter_code = models.CharField(
        _("letter code"),
        max_length=40,
        blank=True,
        help_text=_("The code in front of memo numbers, e.g. ตง ๗๘๒๐๑."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    emblem = models.FileField(
        _("emblem"),
        upload_to="emblems/",
        blank=True,
        validators=[validate_emblem_file],
        help_text=_(
            "The Garuda emblem printed at the top left of memos: PNG or SVG, at most 1 MB."
        ),
    )
    signers_need_second_factor = models.BooleanField(
        _("signers need a second factor"),
        default=False,
        help_text=_(
            "Executives sign memos only after a code from an authenticator app (TOTP); "
            "one without it set up is asked to set it up first."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def kind_from_name(cls, name: str) -> str | None:
        compact = clean_text(name).replace(" ", "")
        for prefix, kind in cls.NAME_PREFIXES:
            if compact.startswith(prefix):
                return kind
        return None

    @property
    def short_name(self) -> str:
        """สุโสะ for องค์การบริหารส่วนตำบลสุโสะ."""
        for prefix, _kind in self.NAME_PREFIXES:
            if self.name.startswith(prefix):
                return self.name[len(prefix) :].strip() or self.name
        return self.name

    @property
    def short_kind(self) -> str:
        return self.SHORT_KIND.get(self.kind, "")


class OrganisationAlias(KeyedName):
    """Another spelling of an organisation's name, as found in published tables."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("spelling"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name_key"], name="alias_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class PositionQuerySet(models.QuerySet["Position"]):
    def held_by(self, user: Actor) -> PositionQuerySet:
        """The membership rule: a user belongs to the organisations where they hold a position.

        Everything that asks "is this user a member" builds on this (``membership``).
        """
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(holder=user)


class Position(models.Model):
    """A post in an organisation (ตำแหน่ง) and its role: holding one makes a member."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff (author)")
        HEAD_OF_OFFICE = "head", _("Head of the clerk's office (หัวหน้าสำนักปลัด)")
        DEPUTY_CLERK = "deputy", _("Deputy clerk (รองปลัด)")
        CLERK = "clerk", _("Clerk (ปลัด)")
        MAYOR = "mayor", _("Mayor / chief executive (นายก)")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="positions",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("holder"),
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["organisation", "role", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation.short_name})"


class ActingAppointmentQuerySet(models.QuerySet["ActingAppointment"]):
    def in_effect(self, day: dt.date) -> ActingAppointmentQuerySet:
        return self.filter(starts__lte=day, ends__gte=day)


class ActingAppointment(models.Model):
    """Someone acting for a position (รักษาราชการแทน) for a period; they sign as acting.

    The acting person must hold a position of the same organisation (membership comes from
    positions) and be active; the holder, if any, may still sign during the period. Who holds a
    role on a day is ``ita.organisations.holders``.
    """

    position = models.ForeignKey(
        Position,
        on_delete=models.CASCADE,
        related_name="acting_appointments",
        verbose_name=_("position acted for"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="acting_appointments",
        verbose_name=_("acting holder"),
    )
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until (inclusive)"))
    note = models.CharField(_("order or note"), max_length=200, blank=True)

    objects = ActingAppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("acting appointment")
        verbose_name_plural = _("acting appointments")
        ordering = ["position", "-starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")), name="acting_period_order"
            )
        ]
        indexes = [models.Index(fields=["user", "starts", "ends"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.position.title} ({self.starts}–{self.ends})"

    def clean(self) -> None:
        super().clean()
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError({"ends": _("The period ends before it starts.")})
        if self.user_id and not self.user.is_active:
            raise ValidationError(
                {
                    "user": _("%(user)s is deactivated: a leaver cannot act for anyone")
                    % {"user": person_name(self.user)}
                }
            )
        if (
            self.position_id
            and self.user_id
            and not Position.objects.held_by(self.user)
            .filter(organisation_id=self.position.organisation_id)
            .exists()
        ):
            raise ValidationError(
                {
                    "user": _(
                        "%(user)s holds no position in %(organisation)s: the acting holder "
                        "must be a member of the organisation"
                    )
                    % {
                        "user": person_name(self.user),
                        "organisation": self.position.organisation.name,
                    }
                }
            )


class NoticeQuerySet(models.QuerySet["Notice"]):
    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """News for one member, shown on their desk beside the e-mail that brings the same news
    (``ita.organisations.notices``): a year's scores have arrived, and the like."""

    class Kind(models.TextChoices):
        SCORES = "scores", _("Scores arrived")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the notice is about (e.g. the year of the scores): one notice per recipient and key.
    key = models.CharField(_("key"), max_length=60)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "organisation", "kind", "key"], name="notice_once"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.subject}"
