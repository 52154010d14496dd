from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ita.models import (
    ActingAppointment,
    Assessment,
    AssessmentYear,
    District,
    DistrictAlias,
    Event,
    Finding,
    ImportBatch,
    ImportRow,
    Indicator,
    IndicatorScore,
    Organisation,
    OrganisationAlias,
    Position,
    Province,
    RatingLevel,
)

admin.site.site_header = _("ITA for local government: administration")
admin.site.site_title = _("ITA administration")
admin.site.index_title = _("Data and settings")


# Web addresses typed without a scheme are read as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyMixin:
    """No add, change or delete: for admins and inlines of records the services write."""

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """For records written only by the services (history, sign-offs, imports): the admin reads."""

    formfield_overrides = URL_FIELDS


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0
    fields = ["name"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "region"]
    search_fields = ["name", "name_en"]
    list_filter = ["region"]
    inlines = [DistrictInline]


class DistrictAliasInline(admin.TabularInline):
    model = DistrictAlias
    extra = 0
    fields = ["name", "note"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "province"]
    list_filter = ["province"]
    search_fields = ["name", "aliases__name"]
    inlines = [DistrictAliasInline]


@admin.register(DistrictAlias)
class DistrictAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "note"]
    search_fields = ["name", "district__name"]
    autocomplete_fields = ["district"]


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 0
    fields = ["name", "note", "created_at"]
    readonly_fields = ["created_at"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ["title", "role", "unit", "holder"]
    autocomplete_fields = ["holder"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "province", "code", "letter_code"]
    list_filter = ["kind", "district__province", "district"]
    search_fields = ["name", "aliases__name", "code", "district__name"]
    list_select_related = ["district__province"]
    autocomplete_fields = ["district"]
    inlines = [AliasInline, PositionInline]
    formfield_overrides = URL_FIELDS

    @admin.display(description=_("province"), ordering="district__province__name")
    def province(self, obj: Organisation) -> str:
        return obj.district.province.name


@admin.register(OrganisationAlias)
class OrganisationAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "note", "created_at"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["number", "name", "tool", "weight"]


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0
    fields = ["level", "min_total", "min_each_tool"]


@admin.register(AssessmentYear)
class AssessmentYearAdmin(admin.ModelAdmin):
    list_display = ["year", "pass_mark"]
    search_fields = ["year"]
    inlines = [IndicatorInline, RatingLevelInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "tool", "weight", "year"]
    list_filter = ["year", "tool"]
    search_fields = ["name"]


@admin.register(RatingLevel)
class RatingLevelAdmin(admin.ModelAdmin):
    list_display = ["level", "min_total", "min_each_tool", "year"]
    list_filter = ["year"]
    search_fields = ["level"]


class ScoreInline(admin.TabularInline):
    model = IndicatorScore
    extra = 0
    fields = ["indicator", "score"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.select_related("year")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    fields = [("tool", "indicator", "order"), "text"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "total", "level", "change", "passed", "derived"]
    list_filter = [
        "year",
        "level",
        "passed",
        "derived",
        "organisation__kind",
        "organisation__district__province",
    ]
    search_fields = ["organisation__name", "organisation__aliases__name"]
    list_select_related = ["organisation", "year"]
    autocomplete_fields = ["organisation"]
    inlines = [ScoreInline, FindingInline]


@admin.register(IndicatorScore)
class IndicatorScoreAdmin(admin.ModelAdmin):
    list_display = ["assessment", "indicator", "score"]
    list_filter = ["indicator__year", "indicator__tool"]
    search_fields = ["assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "assessment__year", "indicator"]
    autocomplete_fields = ["assessment"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["text", "tool", "indicator", "assessment"]
    list_filter = ["tool", "assessment__year"]
    search_fields = ["text", "assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "assessment__year", "indicator"]
    autocomplete_fields = ["assessment"]


class ActingInline(admin.TabularInline):
    model = ActingAppointment
    extra = 0
    fields = ["user", "starts", "ends", "note"]
    autocomplete_fields = ["user"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    inlines = [ActingInline]
    list_display = ["title", "role", "organisation", "holder"]
    list_filter = ["role"]
    search_fields = ["title", "organisation__name", "holder__username", "holder__first_name"]
    list_select_related = ["organisation", "holder"]
    autocomplete_fields = ["organisation", "holder"]


@admin.register(ActingAppointment)
class ActingAppointmentAdmin(admin.ModelAdmin):
    list_display = ["position", "user", "starts", "ends", "note"]
    list_filter = ["position__role"]
    search_fields = ["position__title", "position__organisation__name", "user__username"]
    list_select_related = ["position__organisation", "user"]
    autocomplete_fields = ["position", "user"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "from_state", "to_state"]
    list_filter = ["action", "object_type"]
    search_fields = ["comment", "object_id", "actor__username"]
    date_hierarchy = "at"


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The record of imports; importing itself happens on the staff page (/imports/)."""

    list_display = ["pk", "created_at", "created_by", "file_name", "year", "kind", "status", "page"]
    list_filter = ["status", "kind", "year", "source"]
    search_fields = ["file_name", "checksum"]
    list_select_related = ["created_by"]
    exclude = ["table", "resolutions"]
    readonly_fields = ["page"]

    @admin.display(description=_("preview page"))
    def page(self, obj: ImportBatch) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("imports:detail", args=[obj.pk]), _("open")
        )

    def add_view(self, request, form_url="", extra_context=None):  # noqa: ANN001, ANN201
        # "Add import" leads to the upload page, where the preview and its checks live.
        return redirect("imports:index")

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(ImportRow)
class ImportRowAdmin(ReadOnlyAdmin):
    """Each imported row, read-only: what it matched, what it changed and why."""

    list_display = ["batch", "line", "name", "district_name", "organisation", "status", "effect"]
    list_filter = ["status", "effect", "match", "batch__year"]
    search_fields = ["name", "district_name", "organisation__name"]
    list_select_related = ["batch", "organisation"]
