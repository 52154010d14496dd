from django.contrib import admin

from ita.history.admin import PublishesMixin
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
    list_display = ["year", "pass_mark"]
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.select_related("year")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Assessment)
class AssessmentAdmin(PublishesMixin, admin.ModelAdmin):
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
    inlines = [ScoreInline]


@admin.register(IndicatorScore)
class IndicatorScoreAdmin(PublishesMixin, admin.ModelAdmin):
    list_display = ["assessment", "indicator", "score"]
    list_filter = ["indicator__year", "indicator__tool"]
    search_fields = ["assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "assessment__year", "indicator"]
    autocomplete_fields = ["assessment"]
