from django.contrib import admin

from ita.history.admin import PublishesMixin
from ita.lib.admin import ServiceAdminMixin
from ita.results import services
from ita.results.models import Assessment, AssessmentYear, Indicator, IndicatorScore, RatingLevel


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["number", "name", "tool", "weight"]


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0
    fields = ["level", "min_total", "min_each_tool"]


@admin.register(AssessmentYear)
class AssessmentYearAdmin(PublishesMixin, admin.ModelAdmin):
    list_display = ["year", "pass_mark", "confirmed"]
    search_fields = ["year"]
    inlines = [IndicatorInline, RatingLevelInline]


@admin.register(Indicator)
class IndicatorAdmin(PublishesMixin, admin.ModelAdmin):
    list_display = ["number", "name", "tool", "weight", "year"]
    list_filter = ["year", "tool"]
    search_fields = ["name"]


@admin.register(RatingLevel)
class RatingLevelAdmin(PublishesMixin, admin.ModelAdmin):
    list_display = ["level", "min_total", "min_each_tool", "year"]
    list_filter = ["year"]
    search_fields = ["level"]


class ScoreInline(admin.TabularInline):
    model = IndicatorScore
    extra = 0
    fields = ["indicator", "score"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.select_related("year")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _save_score(obj: IndicatorScore, actor: object) -> IndicatorScore:
    return services.score_save(score=obj, actor=actor)  # type: ignore[arg-type]


def _delete_score(obj: IndicatorScore, actor: object) -> None:
    services.score_delete(score=obj, actor=actor)  # type: ignore[arg-type]


@admin.register(Assessment)
class AssessmentAdmin(PublishesMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Every edit of a result and its scores through the services, with history."""

    list_display = [
        "organisation",
        "year",
        "total",
        "level",
        "level_source",
        "change",
        "passed",
        "passed_source",
        "derived",
    ]
    list_filter = [
        "year",
        "level",
        "level_source",
        "passed",
        "derived",
        "organisation__kind",
        "organisation__district__province",
    ]
    search_fields = ["organisation__name", "organisation__aliases__name"]
    list_select_related = ["organisation", "year"]
    autocomplete_fields = ["organisation"]
    inlines = [ScoreInline]
    inline_services = {IndicatorScore: (_save_score, _delete_score)}

    @staticmethod
    def save_service(obj: Assessment, actor: object) -> Assessment:
        return services.assessment_save(assessment=obj, actor=actor)  # type: ignore[arg-type]

    @staticmethod
    def delete_service(obj: Assessment, actor: object) -> None:
        services.assessment_delete(assessment=obj, actor=actor)  # type: ignore[arg-type]


@admin.register(IndicatorScore)
class IndicatorScoreAdmin(PublishesMixin, ServiceAdminMixin, admin.ModelAdmin):
    save_service = staticmethod(_save_score)
    delete_service = staticmethod(_delete_score)
    list_display = ["assessment", "indicator", "score"]
    list_filter = ["indicator__year", "indicator__tool"]
    search_fields = ["assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "assessment__year", "indicator"]
    autocomplete_fields = ["assessment"]
