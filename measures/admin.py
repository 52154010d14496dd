from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ita.history.admin import PublishesMixin
from ita.lib.admin import Editor, ReadOnlyAdmin, ReadOnlyMixin, ServiceAdminMixin
from ita.results.admin import AssessmentAdmin
from ita.results.models import Assessment
from measures.models import (
    Evidence,
    Finding,
    ImplementationEntry,
    ImplementationReport,
    Measure,
    MeasureStep,
    MeasureTemplate,
    OitItem,
    OitItemCorrection,
    OitStatus,
    ProgressUpdate,
    PublishedImplementation,
    PublishedReport,
    ReminderSent,
)
from measures.services.findings import finding_delete, finding_save


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    fields = [("tool", "indicator", "order"), "text"]


# The results' admin, with each assessment's findings (the report's) below its scores.
admin.site.unregister(Assessment)


def _save_finding(obj: Finding, actor: Editor) -> Finding:
    return finding_save(finding=obj, actor=actor)


def _delete_finding(obj: Finding, actor: Editor) -> None:
    finding_delete(finding=obj, actor=actor)


@admin.register(Assessment)
class AssessmentWithFindingsAdmin(AssessmentAdmin):
    inlines = [*AssessmentAdmin.inlines, FindingInline]
    inline_services = {**AssessmentAdmin.inline_services, Finding: (_save_finding, _delete_finding)}


@admin.register(Finding)
class FindingAdmin(PublishesMixin, ServiceAdminMixin, admin.ModelAdmin):
    save_service = staticmethod(_save_finding)
    delete_service = staticmethod(_delete_finding)
    list_display = ["text", "tool", "indicator", "assessment"]
    list_filter = ["tool", "assessment__year"]
    search_fields = ["text", "assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "assessment__year", "indicator"]
    autocomplete_fields = ["assessment"]


@admin.register(OitItem)
class OitItemAdmin(admin.ModelAdmin):
    """Each year's checklist is edited here (items are renumbered between years)."""

    list_display = ["code", "name", "group", "indicator", "year"]
    list_display_links = ["code"]
    list_editable = ["name", "group"]
    list_filter = ["year"]
    search_fields = ["name", "group"]
    list_select_related = ["indicator", "year"]
    ordering = ["-year__year", "number"]
    fields = ["year", "number", "name", "group", "indicator", "from_report"]

    def get_queryset(self, request):
        # The country's list: an organisation's own items are its business (its page).
        return super().get_queryset(request).filter(organisation__isnull=True)

    @admin.display(description=_("item"), ordering="number")
    def code(self, obj: OitItem) -> str:
        return obj.code

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = db_field.related_model.objects.select_related("year")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(OitItemCorrection)
class OitItemCorrectionAdmin(ReadOnlyAdmin):
    """An organisation's corrections of a year's checklist, made on its own page (the
    service writes the history); read here."""

    list_display = ["item", "organisation", "name", "not_applicable", "reason", "updated_at"]
    list_filter = ["not_applicable", "item__year"]
    search_fields = ["organisation__name", "name", "item__name"]
    list_select_related = ["item", "organisation"]


@admin.register(OitStatus)
class OitStatusAdmin(ReadOnlyAdmin):
    list_display = ["item", "organisation", "state", "evidence_url", "updated_at"]
    list_filter = ["state", "item__year"]
    search_fields = ["organisation__name", "item__name"]
    list_select_related = ["item", "organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(MeasureTemplate)
class MeasureTemplateAdmin(admin.ModelAdmin):
    """The wording "Suggest measures" drafts from; staff edit the drafts afterwards."""

    list_display = ["title", "tool", "indicator_number", "responsible_unit", "months", "active"]
    list_filter = ["tool", "active"]
    list_editable = ["active"]
    search_fields = ["title", "steps"]


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = MeasureStep
    extra = 0


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["title", "assessment", "responsible_unit", "start_month", "end_month", "draft"]
    list_filter = ["draft", "assessment__year"]
    search_fields = ["title", "assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "assessment__year"]
    autocomplete_fields = ["assessment"]
    filter_horizontal = ["findings", "indicators", "oit_items"]
    inlines = [StepInline]


class EvidenceInline(ReadOnlyMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["original_name", "size", "content_type"]
    fields = ["original_name", "size", "content_type"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ["measure", "created_at", "author", "marks_done"]
    list_select_related = ["measure", "author"]
    search_fields = ["note", "measure__title"]
    inlines = [EvidenceInline]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["measure", "kind", "period_end", "recipients", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["measure"]


@admin.register(MeasureStep)
class MeasureStepAdmin(ReadOnlyAdmin):
    list_display = ["measure", "order", "text"]
    list_select_related = ["measure"]
    search_fields = ["text", "measure__title"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    """File names and sizes only: the files themselves are served to members in the app."""

    list_display = ["original_name", "size", "content_type", "update"]
    list_select_related = ["update"]
    search_fields = ["original_name", "update__measure__title"]
    fields = ["original_name", "size", "content_type", "update"]


@admin.register(PublishedReport)
class PublishedReportAdmin(ReadOnlyAdmin):
    """Written by publishing a decided memo's report (``memos.publishing``), never here."""

    list_display = ["assessment", "memo_number", "decision", "decided_on", "published_at"]
    list_select_related = ["assessment__organisation", "assessment__year"]
    list_filter = ["assessment__year"]
    search_fields = ["assessment__organisation__name", "memo_number", "memo_subject"]
    exclude = ["report_html"]


class ImplementationEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = ImplementationEntry
    fields = ["order", "measure", "status", "when", "done", "result"]
    extra = 0


@admin.register(ImplementationReport)
class ImplementationReportAdmin(ReadOnlyAdmin):
    """What was done in a year, written by its author on the organisation's pages (through
    ``measures.implementation``), never here."""

    list_display = ["assessment", "start_month", "end_month", "created_by", "updated_at"]
    list_select_related = ["assessment__organisation", "assessment__year", "created_by"]
    list_filter = ["assessment__year"]
    search_fields = ["assessment__organisation__name"]
    inlines = [ImplementationEntryInline]


@admin.register(ImplementationEntry)
class ImplementationEntryAdmin(ReadOnlyAdmin):
    list_display = ["report", "order", "measure", "status"]
    list_select_related = [
        "report__assessment__organisation",
        "report__assessment__year",
        "measure",
    ]
    list_filter = ["status"]
    search_fields = ["measure__title", "report__assessment__organisation__name"]


@admin.register(PublishedImplementation)
class PublishedImplementationAdmin(ReadOnlyAdmin):
    """Written by publishing an implementation report's decided memo, never here."""

    list_display = ["report", "memo_number", "decision", "decided_on", "published_at"]
    list_select_related = ["report__assessment__organisation", "report__assessment__year"]
    list_filter = ["report__assessment__year"]
    search_fields = ["report__assessment__organisation__name", "memo_number", "memo_subject"]
    exclude = ["report_html"]
