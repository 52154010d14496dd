"""Imports of published score tables: each one's preview, rows, commit and revert."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ita.organisations.models import District, Organisation, Province


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
    # What the check found beyond the rows' statuses: organisations the gazetteer places, agencies
    # that are not local governments, levels of another scheme than the year's.
    findings = models.JSONField(_("findings"), default=dict, blank=True, editable=False)
    # Prints of what the preview's check read (ita.imports.unchanged): the commit takes the rows
    # as the preview left them when nothing it read has changed since.
    checked_against = models.JSONField(
        _("checked against"), default=dict, blank=True, editable=False
    )
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
        SKIPPED = "skipped", _("Skipped")

    class Match(models.TextChoices):
        NAME = "name", _("by name")
        ALIAS = "alias", _("by alias")
        CREATE = "create", _("new organisation")
        PLACEABLE = "place", _("not known; matches the gazetteer")
        NONE = "", _("not matched")

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", verbose_name=_("import")
    )
    line = models.PositiveIntegerField(_("line"))
    number = models.CharField(_("row number in the table"), max_length=20, blank=True)
    name = models.CharField(_("organisation as written"), max_length=300, blank=True)
    district_name = models.CharField(_("district as written"), max_length=200, blank=True)
    province_name = models.CharField(_("province as written"), max_length=200, blank=True)
    # The district the row was placed in (its own, read by the spelling rules, or chosen): rows
    # of one new organisation are duplicates by it, whatever the table's spelling.
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
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


class ImportJob(models.Model):
    """An apply or a revert of an import, run by the task worker: queued by the page, its
    progress (rows done of the total) and its outcome, shown on the import's page.

    Its progress is written by the worker outside the apply's transaction (PostgreSQL: a
    connection of its own), so the page sees it while the apply runs; the row is never locked
    by the apply, which holds the import's and the year's locks instead.
    """

    class Action(models.TextChoices):
        APPLY = "apply", _("Apply")
        REVERT = "revert", _("Revert")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("import")
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.action} {self.status}"

    @property
    def pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent(self) -> int:
        if not self.total:
            return 0 if self.pending else 100
        return min(100, round(100 * self.done / self.total))
