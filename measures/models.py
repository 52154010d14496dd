"""The yearly report's own records: findings, the OIT checklist, measures and their follow-up."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ita.organisations.models import Organisation
from ita.results.models import Assessment, AssessmentYear, Indicator, Tool
from measures import periods


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


class OitItemQuerySet(models.QuerySet["OitItem"]):
    def country(self) -> OitItemQuerySet:
        """The country's list, shared by every organisation (what the operators keep)."""
        return self.filter(organisation__isnull=True)

    def seen_by(self, organisation_id: int) -> OitItemQuerySet:
        """The country's items and the organisation's own (never another organisation's)."""
        return self.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))


class OitItem(models.Model):
    """One published item of a year's OIT checklist (O1 … O43 in 2564); or, with an
    ``organisation``, an item that organisation added to the year's list for itself (A1, A2 …),
    which no other organisation sees."""

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.CASCADE,
        related_name="oit_items",
        verbose_name=_("assessment year"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="oit_items",
        verbose_name=_("indicator"),
    )
    group = models.CharField(_("sub-indicator"), max_length=200, blank=True)
    from_report = models.BooleanField(
        _("answered by the published report"),
        default=False,
        help_text=_(
            "The item asks for the internal measures and what was done about them (O42 and "
            "O43 in 2564): an organisation's published report of the year before answers it."
        ),
    )
    from_implementation = models.BooleanField(
        _("answered by the published implementation report"),
        default=False,
        help_text=_(
            "The item asks what was done about the internal measures (O43 in 2564): an "
            "organisation's published implementation report of the year before answers it."
        ),
    )
    to_review = models.BooleanField(
        _("to review"),
        default=False,
        help_text=_(
            "Copied from an earlier year's checklist when the year opened: check each item "
            "against the year's published list."
        ),
    )
    findings = models.ManyToManyField(
        Finding,
        blank=True,
        related_name="oit_items",
        verbose_name=_("findings citing the item"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_oit_items",
        verbose_name=_("added by the organisation"),
        help_text=_("Empty: the country's item, seen by every organisation."),
    )

    objects = OitItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("OIT item")
        verbose_name_plural = _("OIT items")
        ordering = ["year", "organisation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=Q(organisation__isnull=True),
                name="oit_item_unique_number",
            ),
            models.UniqueConstraint(
                fields=["year", "organisation", "number"],
                condition=Q(organisation__isnull=False),
                name="oit_item_unique_own_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def code(self) -> str:
        return f"A{self.number}" if self.organisation_id else f"O{self.number}"


class OitItemCorrection(models.Model):
    """An organisation's correction of one item of the year's checklist, for itself only: the
    item's name and description as the organisation reads it, or the item marked not applicable
    to it with the reason. The country's item stays as the operators keep it; where an
    organisation has no correction, it sees the country's item (``selectors.oit_items_for``)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="oit_corrections",
        verbose_name=_("organisation"),
    )
    item = models.ForeignKey(
        OitItem, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("OIT item")
    )
    name = models.CharField(
        _("name"), max_length=300, blank=True, help_text=_("Empty: the country's name.")
    )
    description = models.TextField(_("description"), blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("OIT item correction")
        verbose_name_plural = _("OIT item corrections")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "item"], name="oit_correction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.organisation}"


class OitStatus(models.Model):
    """An organisation's answer to one checklist item: is it published, and where."""

    class State(models.TextChoices):
        UNKNOWN = "unknown", _("Not checked")
        PUBLISHED = "published", _("Published")
        INCOMPLETE = "incomplete", _("Incomplete")
        MISSING = "missing", _("Not published")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="oit_statuses",
        verbose_name=_("organisation"),
    )
    item = models.ForeignKey(
        OitItem, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("OIT item")
    )
    state = models.CharField(
        _("status"), max_length=12, choices=State.choices, default=State.UNKNOWN
    )
    evidence_url = models.URLField(_("web address of the evidence"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("OIT item status")
        verbose_name_plural = _("OIT item statuses")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "item"], name="oit_status_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_state_display()}"


class MeasureQuerySet(models.QuerySet["Measure"]):
    def kept(self) -> MeasureQuerySet:
        return self.filter(draft=False)

    def overdue_on(self, today: dt.date) -> MeasureQuerySet:
        """Not done and past the last day of the period's last month (``periods.status_rules``)."""
        return self.kept().filter(periods.status_q(periods.Status.OVERDUE, today))

    def with_status(self, today: dt.date) -> MeasureQuerySet:
        """Each measure's status on ``today`` (``status_code``), computed by the database from
        the same rules as ``Measure.status_on``."""
        return self.annotate(status_code=periods.status_case(today))


class Measure(models.Model):
    """A remediation measure (มาตรการ/แนวทาง) of an organisation's yearly report."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="measures", verbose_name=_("assessment")
    )
    table = models.PositiveSmallIntegerField(
        _("table"),
        default=1,
        help_text=_("Reports may list measures in more than one table; numbering restarts."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("measure"), max_length=500)
    steps_lead = models.CharField(
        _("introduction to the steps"),
        max_length=300,
        blank=True,
        help_text=_("Printed before the numbered steps, e.g. ปรับปรุงเว็บไซต์ ดังนี้"),
    )
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    start_month = models.DateField(_("first month"), null=True, blank=True)
    end_month = models.DateField(_("last month"), null=True, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="measures", verbose_name=_("findings answered")
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="measures", verbose_name=_("indicators")
    )
    oit_items = models.ManyToManyField(
        OitItem, blank=True, related_name="measures", verbose_name=_("OIT items")
    )
    draft = models.BooleanField(
        _("suggested draft"),
        default=False,
        help_text=_("Drafted by “Suggest measures”; not in the report until kept."),
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried forward from"),
        help_text=_("The unfinished measure of an earlier year's report this one continues."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["assessment", "draft", "table", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_month__isnull=True, end_month__isnull=True)
                | Q(
                    start_month__isnull=False,
                    end_month__isnull=False,
                    end_month__gte=models.F("start_month"),
                ),
                name="measure_period_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title[:80]

    def status_on(self, today: dt.date) -> str:
        return periods.status_on(self.start_month, self.end_month, self.done_on, today)

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def period_display(self) -> str:
        return periods.period_th(self.start_month, self.end_month)

    @property
    def period_end(self) -> dt.date | None:
        return None if self.end_month is None else periods.last_day(self.end_month)


STATUS_LABELS = {
    periods.Status.PLANNED: _("Planned"),
    periods.Status.IN_PROGRESS: _("In progress"),
    periods.Status.DONE: _("Done"),
    periods.Status.OVERDUE: _("Overdue"),
}


class MeasureStep(models.Model):
    """One of a measure's ordered steps (วิธีการดำเนินการ)."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("measure")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("step"))

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["measure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "order"], name="measure_step_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class ProgressUpdate(models.Model):
    """A note on how a measure is going, with evidence files."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="updates", verbose_name=_("measure")
    )
    note = models.TextField(_("note"))
    marks_done = models.BooleanField(_("the measure is done"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["measure", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.note[:60]


def evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: the original is kept in the row, never trusted as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"measures/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file attached to a progress update; served only to the organisation's members."""

    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("progress update"),
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["update", "pk"]

    def __str__(self) -> str:
        return self.original_name


class MeasureTemplate(models.Model):
    """Wording for a suggested measure, for an indicator (by its number in the year's method)."""

    tool = models.CharField(_("tool"), max_length=3, choices=Tool.choices)
    indicator_number = models.PositiveSmallIntegerField(
        _("indicator number"),
        null=True,
        blank=True,
        help_text=_("Empty: used for any indicator of the tool that has no template of its own."),
    )
    title = models.CharField(_("measure"), max_length=500)
    steps = models.TextField(_("steps"), help_text=_("One step per line, in order."))
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    months = models.PositiveSmallIntegerField(
        _("length in months"), default=3, help_text=_("The period starts the month after drafting.")
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("measure template")
        verbose_name_plural = _("measure templates")
        ordering = ["tool", "indicator_number", "pk"]

    def __str__(self) -> str:
        return self.title[:80]

    def step_lines(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

    @staticmethod
    def choose(templates: list[MeasureTemplate], tool: str, number: int) -> MeasureTemplate | None:
        """The template for indicator ``number`` of ``tool``: its own, else the tool's general."""
        own = [t for t in templates if t.tool == tool and t.indicator_number == number]
        general = [t for t in templates if t.tool == tool and t.indicator_number is None]
        return next(iter(own or general), None)


class ReminderSent(models.Model):
    """A reminder e-mailed about a measure, so a daily run sends each kind once per period."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Period ends soon")
        OVERDUE = "overdue", _("Overdue")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("measure")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_end = models.DateField(_("period end"))
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            # One per kind for a given period: changing the period arms the reminders again.
            models.UniqueConstraint(
                fields=["measure", "kind", "period_end"], name="reminder_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.kind} {self.period_end}"


def published_pdf_path(instance: PublishedDocument, filename: str) -> str:
    return f"measures/published/{uuid.uuid4().hex}.pdf"


class PublishedDocument(models.Model):
    """What a decided memo carried, made public: the document's HTML as sent and the memo's
    PDF, frozen. Written only by ``measures.publishing`` (the memo's decision is the memos
    app's to check)."""

    report_html = models.TextField(_("report as sent"), editable=False)
    pdf = models.FileField(_("signed PDF"), upload_to=published_pdf_path, max_length=300)
    memo_number = models.CharField(_("memo number (ที่)"), max_length=100, blank=True)
    memo_subject = models.CharField(_("memo subject"), max_length=500, blank=True)
    decision = models.CharField(_("the mayor's decision"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    # When the mayor decided the memo it comes from (empty for a publication made before it was
    # kept: ``decided_on`` stands in): a memo decided earlier does not replace it unasked.
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        abstract = True


class PublishedReport(PublishedDocument):
    """The yearly report as the memo carried it to the mayor, made public once approved."""

    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.PROTECT,
        related_name="publication",
        verbose_name=_("assessment"),
    )

    class Meta:
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        ordering = ["-assessment__year__year", "pk"]

    def __str__(self) -> str:
        return str(self.assessment)


class ImplementationReport(models.Model):
    """What was done about a year's measures (รายงานผลการดำเนินการตามมาตรการ), for a period.

    Drafted from the measures' progress and evidence (``measures.implementation``), edited by
    the organisation's members, carried up the chain by its own memo and published beside the
    yearly report (O43 in 2564's numbering).
    """

    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.PROTECT,
        related_name="implementation",
        verbose_name=_("assessment"),
    )
    start_month = models.DateField(_("first month"))
    end_month = models.DateField(_("last month"))
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Printed before the table of measures.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("implementation report")
        verbose_name_plural = _("implementation reports")
        ordering = ["-assessment__year__year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__gte=models.F("start_month")),
                name="implementation_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.period_display}"

    @property
    def period_display(self) -> str:
        return periods.period_th(self.start_month, self.end_month)


class ImplementationEntry(models.Model):
    """One measure in the implementation report: what was done, when, its status and result,
    and which of its evidence files the author chose to publish."""

    report = models.ForeignKey(
        ImplementationReport,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("implementation report"),
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="implementation_entries",
        verbose_name=_("measure"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    done = models.TextField(_("what was done"), blank=True)
    when = models.CharField(_("when"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=[(k, v) for k, v in STATUS_LABELS.items()]
    )
    result = models.TextField(_("result"), blank=True)
    public_evidence = models.ManyToManyField(
        Evidence,
        blank=True,
        related_name="implementation_entries",
        verbose_name=_("evidence files to publish"),
    )

    class Meta:
        verbose_name = _("implementation entry")
        verbose_name_plural = _("implementation entries")
        ordering = ["report", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "measure"], name="implementation_one_entry")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.measure_id}"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


class PublishedImplementation(PublishedDocument):
    """The implementation report as its memo carried it, made public beside the yearly report;
    the evidence files the author chose are public with it."""

    report = models.OneToOneField(
        ImplementationReport,
        on_delete=models.PROTECT,
        related_name="publication",
        verbose_name=_("implementation report"),
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="+", verbose_name=_("published evidence files")
    )

    class Meta:
        verbose_name = _("published implementation report")
        verbose_name_plural = _("published implementation reports")

    def __str__(self) -> str:
        return str(self.report)
