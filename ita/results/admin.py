from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ita.history.admin import PublishesMixin
from ita.history.models import Event, EventKind
from ita.lib.admin import Editor, ServiceAdminMixin
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

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Confirming the method (or withdrawing it) goes through its service once the levels
        and indicators are saved: the stored results get the levels it computes, or lose the
        computed ones, and the administrator is told how many."""
        super().save_related(request, form, formsets, change)
        year = form.instance
        wanted = form.cleaned_data.get("confirmed")
        if not change or "confirmed" not in form.changed_data:
            return
        # The form saved the flag itself: put it back, so the service sees the change.
        AssessmentYear.objects.filter(pk=year.pk).update(confirmed=not wanted)
        if wanted:
            services.year_confirm(year=year, actor=request.user)
            done = Event.objects.filter(action=EventKind.YEAR_CONFIRM, object_id=str(year.pk))
            counts = done.latest("pk").data
            self.message_user(
                request,
                _(
                    "The method of %(year)s is confirmed: %(levels)s level(s) and %(passed)s "
                    "pass/fail result(s) were computed from it for the stored results."
                )
                % {
                    "year": year.year,
                    "levels": counts.get("levels_computed", 0),
                    "passed": counts.get("passed_computed", 0),
                },
                messages.SUCCESS,
            )
        else:
            services.year_unconfirm(year=year, actor=request.user)
            done = Event.objects.filter(action=EventKind.YEAR_UNCONFIRM, object_id=str(year.pk))
            counts = done.latest("pk").data
            self.message_user(
                request,
                _(
                    "The method of %(year)s is no longer confirmed: %(levels)s computed level(s) "
                    "and %(passed)s computed pass/fail result(s) were removed."
                )
                % {
                    "year": year.year,
                    "levels": counts.get("levels_removed", 0),
                    "passed": counts.get("passed_removed", 0),
                },
                messages.WARNING,
            )
        year.confirmed = wanted


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


def _save_score(obj: IndicatorScore, actor: Editor) -> IndicatorScore:
    return services.score_save(score=obj, actor=actor)


def _delete_score(obj: IndicatorScore, actor: Editor) -> None:
    services.score_delete(score=obj, actor=actor)


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
    def save_service(obj: Assessment, actor: Editor) -> Assessment:
        return services.assessment_save(assessment=obj, actor=actor)

    @staticmethod
    def delete_service(obj: Assessment, actor: Editor) -> None:
        services.assessment_delete(assessment=obj, actor=actor)


@admin.register(IndicatorScore)
class IndicatorScoreAdmin(PublishesMixin, ServiceAdminMixin, admin.ModelAdmin):
    save_service = staticmethod(_save_score)
    delete_service = staticmethod(_delete_score)
    list_display = ["assessment", "indicator", "score"]
    list_filter = ["indicator__year", "indicator__tool"]
    search_fields = ["assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "assessment__year", "indicator"]
    autocomplete_fields = ["assessment"]
