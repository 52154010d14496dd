"""The ITA method of each year (indicators, weights, levels, pass mark) and the published results."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ita.organisations.models import Organisation, Province
from ita.results import rules

SCORE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Tool(models.TextChoices):
    IIT = "IIT", _("IIT: internal stakeholders' perception")
    EIT = "EIT", _("EIT: external stakeholders' perception")
    OIT = "OIT", _("OIT: open information")


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
    confirmed = models.BooleanField(
        _("method confirmed"),
        default=True,
        help_text=_(
            "A year created by an import has the published method of its period and stays "
            "unconfirmed until an administrator has checked it."
        ),
    )

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


class Source(models.TextChoices):
    """Where a stored level or pass/fail came from; blank: none is known (the score only)."""

    PUBLISHED = "published", _("published by the NACC")
    COMPUTED = "computed", _("computed from the confirmed method")


class AssessmentQuerySet(models.QuerySet["Assessment"]):
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
    # Published in the table, or computed from a confirmed method of the year; blank with no
    # level (pass/fail): nothing is shown as official that the NACC did not publish.
    level_source = models.CharField(
        _("level from"), max_length=10, choices=Source.choices, blank=True
    )
    passed_source = models.CharField(
        _("pass/fail from"), max_length=10, choices=Source.choices, blank=True
    )
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
            models.CheckConstraint(
                condition=Q(level="", level_source="")
                | (~Q(level="") & Q(level_source__in=Source.values)),
                name="assessment_level_source",
                violation_error_message=_("A level needs its source (published or computed)."),
            ),
            models.CheckConstraint(
                condition=Q(passed__isnull=True, passed_source="")
                | Q(passed__isnull=False, passed_source__in=Source.values),
                name="assessment_passed_source",
                violation_error_message=_("Pass or fail needs its source (published or computed)."),
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
            # score_count comes with computed (with_computed_total); hasattr narrows one name only.
            if self.computed is None or self.score_count != len(self.year.indicator_specs):  # type: ignore[attr-defined]
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
