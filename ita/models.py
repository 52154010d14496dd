"""Organisations, assessment years (with their method as data) and published results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ita import rules
from ita.pdf.emblem import validate_emblem_file
from ita.thai import clean_text, name_key

SCORE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]

# The executive roles of the memo sign-off chain, lowest first (values of Position.Role).
EXECUTIVE_ROLES = ("head", "deputy", "clerk", "mayor")


def default_memo_chain() -> list[str]:
    """Head of office → deputy clerk → clerk → mayor: every step of the regulation's chain."""
    return list(EXECUTIVE_ROLES)


def memo_chain_error(chain: object) -> str | None:
    """Why a configured chain is unusable, or None: known roles, in order, ending with the mayor."""
    if not isinstance(chain, list) or not chain:
        return _("The chain must be a non-empty list of roles.")
    unknown = [r for r in chain if r not in EXECUTIVE_ROLES]
    if unknown:
        return _("Unknown role in the chain: %(roles)s.") % {"roles": ", ".join(map(str, unknown))}
    ranks = [EXECUTIVE_ROLES.index(r) for r in chain]
    if ranks != sorted(set(ranks)):
        return _("The chain must list each role once, lowest first (head, deputy, clerk, mayor).")
    if chain[-1] != "mayor":
        return _("The chain must end with the mayor, who decides.")
    return None


class Tool(models.TextChoices):
    IIT = "IIT", _("IIT: internal stakeholders' perception")
    EIT = "EIT", _("EIT: external stakeholders' perception")
    OIT = "OIT", _("OIT: open information")


class Province(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    region = models.PositiveSmallIntegerField(_("NACC region (พื้นที่ภาค)"), null=True, blank=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["province__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="district_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = clean_text(self.name)
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class DistrictAlias(models.Model):
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

    def save(self, *args, **kwargs) -> None:
        self.name = clean_text(self.name)
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PAO = "pao", _("Provincial Administrative Organisation (อบจ.)")
        CITY = "city", _("City Municipality (เทศบาลนคร)")
        TOWN = "town", _("Town Municipality (เทศบาลเมือง)")
        SUBDISTRICT_MUNICIPALITY = "sdm", _("Subdistrict Municipality (เทศบาลตำบล)")
        SAO = "sao", _("Subdistrict Administrative Organisation (อบต.)")

    # The full names start with the kind; longest first so เทศบาลตำบล is not read as เทศบาล…
    NAME_PREFIXES = (
        ("องค์การบริหารส่วนจังหวัด", Kind.PAO),
        ("องค์การบริหารส่วนตำบล", Kind.SAO),
        ("เทศบาลนคร", Kind.CITY),
        ("เทศบาลเมือง", Kind.TOWN),
        ("เทศบาลตำบล", Kind.SUBDISTRICT_MUNICIPALITY),
    )
    SHORT_KIND = {
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
    memo_chain = models.JSONField(
        _("memo sign-off chain"),
        default=default_memo_chain,
        blank=True,
        help_text=_(
            'The executive roles a memo passes, in order, e.g. ["head", "clerk", "mayor"] '
            "for an organisation without a deputy clerk. It must end with the mayor."
        ),
    )
    emblem = models.FileField(
        _("emblem"),
        upload_to="emblems/",
        blank=True,
        validators=[validate_emblem_file],
        help_text=_(
            "The Garuda emblem printed at the top left of memos: PNG or SVG, at most 1 MB."
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

    def save(self, *args, **kwargs) -> None:
        self.name = clean_text(self.name)
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        error = memo_chain_error(self.memo_chain)
        if error:
            raise ValidationError({"memo_chain": error})

    @property
    def chain_roles(self) -> list[str]:
        """The configured sign-off chain, or the full one when the configuration is unusable."""
        if memo_chain_error(self.memo_chain):
            return default_memo_chain()
        return list(self.memo_chain)

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


class OrganisationAlias(models.Model):
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

    def save(self, *args, **kwargs) -> None:
        self.name = clean_text(self.name)
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class AssessmentYear(models.Model):
    """A fiscal year (Buddhist Era) and the method it was assessed by."""

    year = models.PositiveSmallIntegerField(
        _("fiscal year (BE)"),
        unique=True,
        validators=[MinValueValidator(2500), MaxValueValidator(2700)],
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=2, default=Decimal("85.00")
    )
    note = models.TextField(_("note on the method"), blank=True)

    class Meta:
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @cached_property
    def indicator_specs(self) -> list[rules.IndicatorSpec]:
        return [
            rules.IndicatorSpec(i.number, i.tool, i.weight)
            for i in sorted(self.indicators.all(), key=lambda i: i.number)
        ]

    @cached_property
    def rating_rules(self) -> list[rules.RatingRule]:
        return [rules.RatingRule(r.level, r.min_total, r.min_each_tool) for r in self.levels.all()]

    def possible_levels(self, total: Decimal, tools: dict[str, Decimal] | None = None) -> list[str]:
        return rules.possible_levels(self.rating_rules, total, tools)

    def rate(self, total: Decimal, tools: dict[str, Decimal] | None = None) -> str | None:
        return rules.rate(self.rating_rules, total, tools)

    def passes(self, total: Decimal) -> bool:
        return rules.passes(self.pass_mark, total)

    def level_labels(self) -> list[str]:
        """Best first; at an equal total the level with a per-tool condition is the better one
        (ผ่านดี before ผ่าน), whatever order the database returns NULLs in."""
        return [
            r.level
            for r in sorted(
                self.levels.all(), key=lambda r: (-r.min_total, r.min_each_tool is None)
            )
        ]


class Indicator(models.Model):
    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("assessment year"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    tool = models.CharField(_("tool"), max_length=3, choices=Tool.choices)
    weight = models.DecimalField(
        _("weight in the total"),
        max_digits=6,
        decimal_places=4,
        help_text=_("Points of total per point of this indicator, e.g. 0.06 = 30% ÷ 5 indicators."),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="indicator_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class RatingLevel(models.Model):
    """One rule of a year's rating scheme: the level reached at a total (and per-tool) threshold."""

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=_("assessment year"),
    )
    level = models.CharField(_("level"), max_length=40)
    min_total = models.DecimalField(
        _("lowest total"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )
    min_each_tool = models.DecimalField(
        _("lowest score of each tool"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["year", "-min_total", "min_each_tool"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level"], name="rating_level_unique")
        ]

    def __str__(self) -> str:
        return self.level


class AssessmentQuerySet(models.QuerySet):
    def for_year(self, year: AssessmentYear | int) -> AssessmentQuerySet:
        if isinstance(year, AssessmentYear):
            return self.filter(year=year)
        return self.filter(year__year=year)

    def for_province(self, province: Province) -> AssessmentQuerySet:
        return self.filter(organisation__district__province=province)

    def with_related(self) -> AssessmentQuerySet:
        return self.select_related("organisation__district__province", "year")

    def with_computed_total(self) -> AssessmentQuerySet:
        """Annotate ``computed`` (Σ weight × score) and ``score_count`` with one subquery each."""
        # order_by(): IndicatorScore's default ordering would join the assessment and its year
        # into every subquery (and GROUP BY them), which PostgreSQL runs per row, slowly.
        scores = (
            IndicatorScore.objects.filter(assessment=models.OuterRef("pk"))
            .order_by()
            .values("assessment")
        )
        total = scores.annotate(
            t=models.Sum(
                models.F("score") * models.F("indicator__weight"),
                output_field=models.DecimalField(max_digits=12, decimal_places=6),
            )
        ).values("t")
        count = scores.annotate(c=models.Count("pk")).values("c")
        return self.annotate(
            computed=models.Subquery(
                total, output_field=models.DecimalField(max_digits=12, decimal_places=6)
            ),
            score_count=models.Subquery(count, output_field=models.IntegerField()),
        )

    def ranked(self) -> AssessmentQuerySet:
        return self.order_by(models.F("total").desc(nulls_last=True), "organisation__name")


class Assessment(models.Model):
    """An organisation's published result for a year."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("organisation"),
    )
    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("assessment year"),
    )
    total = models.DecimalField(
        _("published total"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    level = models.CharField(_("level"), max_length=40, blank=True)
    change = models.DecimalField(
        _("change vs previous year"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("row in the published table"), null=True, blank=True)
    derived = models.BooleanField(
        _("derived"),
        default=False,
        help_text=_("Not published itself: derived from the next year's change column."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["year", "-total"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="assessment_unique"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="assessment_total_range",
            ),
        ]
        indexes = [models.Index(fields=["year", "total"])]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    def scores_by_number(self) -> dict[int, Decimal]:
        return {s.indicator.number: s.score for s in self.scores.all()}

    @property
    def computed_total(self) -> Decimal | None:
        """Σ weight × score when every indicator of the year has a score (unrounded)."""
        if hasattr(self, "computed"):
            if self.computed is None or self.score_count != len(self.year.indicator_specs):
                return None
            return Decimal(self.computed)
        return rules.compute_total(self.year.indicator_specs, self.scores_by_number())

    @property
    def computed_total_display(self) -> Decimal | None:
        total = self.computed_total
        return None if total is None else rules.round2(total)

    @property
    def totals_agree(self) -> bool | None:
        computed = self.computed_total
        if computed is None or self.total is None:
            return None
        return rules.agrees(computed, self.total)

    def tool_scores(self) -> dict[str, Decimal]:
        return rules.tool_scores(self.year.indicator_specs, self.scores_by_number())


class IndicatorScore(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="scores", verbose_name=_("indicator")
    )
    score = models.DecimalField(
        _("score"), max_digits=7, decimal_places=4, validators=SCORE_VALIDATORS
    )

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["assessment", "indicator__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"


class Finding(models.Model):
    """An issue to improve (ประเด็นที่ต้องแก้ไข/ปรับปรุง) revealed by a tool's scores."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="findings", verbose_name=_("assessment")
    )
    tool = models.CharField(_("tool"), max_length=3, choices=Tool.choices)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("indicator"),
    )
    text = models.TextField(_("issue to improve"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["assessment", "tool", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Position(models.Model):
    """A post in an organisation (ตำแหน่ง) and its role in the memo sign-off chain."""

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

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["organisation", "role", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation.short_name})"


class Event(models.Model):
    """The history of writes made through the services: who did what, when, from which state."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=40, blank=True)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"


class ActingAppointmentQuerySet(models.QuerySet):
    def in_effect(self, day: dt.date) -> ActingAppointmentQuerySet:
        return self.filter(starts__lte=day, ends__gte=day)


class ActingAppointment(models.Model):
    """Someone acting for a position (รักษาราชการแทน) for a period; they sign as acting.

    The acting person must hold a position of the same organisation (membership comes from
    positions); the holder, if any, may still sign during the period.
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
        if (
            self.position_id
            and self.user_id
            and not Position.objects.filter(
                organisation_id=self.position.organisation_id, holder_id=self.user_id
            ).exists()
        ):
            raise ValidationError(
                {"user": _("The acting holder must hold a position in the same organisation.")}
            )


class ImportBatch(models.Model):
    """One import of a published score table: the preview, then its commit or revert.

    The record itself is the import's history (who, when, which file, what it did); the rows
    keep each organisation's values before and after, so the whole import can be undone.
    """

    class Kind(models.TextChoices):
        RESULTS = "results", _("Published results table")
        INDICATORS = "indicators", _("Indicator scores table")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        READY = "ready", _("Preview")
        APPLIED = "applied", _("Applied")
        REVERTED = "reverted", _("Reverted")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded file")
        PASTE = "paste", _("Pasted text")
        COMMAND = "command", _("Command line")

    kind = models.CharField(_("table kind"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("fiscal year (BE)"))
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    file_format = models.CharField(_("format"), max_length=40, blank=True)
    # The parsed table (columns, rows as read, skipped lines): the preview is checked in chunks
    # from it, and checked again at commit against the data as it then is.
    table = models.JSONField(_("parsed table"), default=dict, editable=False)
    resolutions = models.JSONField(_("resolutions"), default=dict, blank=True, editable=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    year_created = models.BooleanField(_("year created by this import"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reverted by"),
    )
    reverted_at = models.DateTimeField(_("reverted"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.year} {self.file_name or self.get_source_display()}"

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 100
        return min(100, round(100 * self.rows_checked / self.rows_total))

    @property
    def error_count(self) -> int:
        return int(self.counts.get("error", 0))

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.READY and self.error_count == 0


class ImportRow(models.Model):
    """A data row of an imported table: what it matched, what it changes, and why."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CHANGED = "changed", _("Changed")
        UNCHANGED = "unchanged", _("Unchanged")
        WARNING = "warning", _("Warning")
        ERROR = "error", _("Error")

    class Match(models.TextChoices):
        NAME = "name", _("by name")
        ALIAS = "alias", _("by alias")
        CREATE = "create", _("new organisation")
        NONE = "", _("not matched")

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", verbose_name=_("import")
    )
    line = models.PositiveIntegerField(_("line"))
    number = models.CharField(_("row number in the table"), max_length=20, blank=True)
    name = models.CharField(_("organisation as written"), max_length=300, blank=True)
    district_name = models.CharField(_("district as written"), max_length=200, blank=True)
    province_name = models.CharField(_("province as written"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    match = models.CharField(_("matched"), max_length=8, choices=Match.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # new / changed / unchanged, also for a row whose status is a warning.
    effect = models.CharField(_("effect"), max_length=10, blank=True)
    messages = models.JSONField(_("reasons"), default=list, blank=True)
    before = models.JSONField(_("stored before"), null=True, blank=True)
    after = models.JSONField(_("after the import"), null=True, blank=True)
    suggestions = models.JSONField(_("suggestions"), default=list, blank=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["batch", "line"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="import_row_unique_line")
        ]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.name}"
