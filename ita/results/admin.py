from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ita.history.admin import PublishesMixin
from ita.history.models import Event, EventKind
from ita.lib.admin import Editor, InlineFormSet, ServiceAdminMixin
from ita.results import services
from ita.results.models import Assessment, AssessmentYear, Indicator, IndicatorScore, RatingLevel


def _confirmed_message(year: int) -> str:
    return _(
        "The method of %(year)s is confirmed, and levels and pass/fail were computed from it: "
        "it is not edited as it stands. Withdraw the confirmation first (untick “confirmed” "
        "and save: the computed ones are removed), then edit the method and confirm it again "
        "(they are computed anew)."
    ) % {"year": year}


def _stored_confirmed(year_id: int | None) -> int | None:
    """The year of ``year_id`` when it is stored confirmed (its method is then not edited)."""
    if year_id is None:
        return None
    return (
        AssessmentYear.objects.filter(pk=year_id, confirmed=True)
        .values_list("year", flat=True)
        .first()
    )


class ConfirmedMethodFormSet(BaseInlineFormSet):
    """The indicators and levels of a confirmed year are not changed, unless the same save
    withdraws the confirmation (its computed levels then go): nothing computed from an older
    method stays."""

    def clean(self) -> None:
        super().clean()
        year = _stored_confirmed(self.instance.pk)
        if year is not None and self.data.get("confirmed") and self.has_changed():
            raise forms.ValidationError(_confirmed_message(year))


class AssessmentYearForm(forms.ModelForm[AssessmentYear]):
    class Meta:
        model = AssessmentYear
        fields = ["year", "pass_mark", "note", "confirmed"]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        year = _stored_confirmed(self.instance.pk)
        edited = set(self.changed_data) - {"confirmed", "note"}
        if year is not None and cleaned.get("confirmed") and edited:
            raise forms.ValidationError(_confirmed_message(year))
        return cleaned


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["number", "name", "tool", "weight"]
    formset = ConfirmedMethodFormSet


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0
    fields = ["level", "min_total", "min_each_tool"]
    formset = ConfirmedMethodFormSet


@admin.register(AssessmentYear)
class AssessmentYearAdmin(PublishesMixin[AssessmentYear]):
    list_display = ["year", "pass_mark", "confirmed"]
    search_fields = ["year"]
    inlines = [IndicatorInline, RatingLevelInline]
    form = AssessmentYearForm

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[AssessmentYear],
        formsets: list[InlineFormSet[AssessmentYear]],
        change: bool,
    ) -> None:
        """Confirming the method (or withdrawing it) goes through its service once the levels
        and indicators are saved: the stored results get the levels it computes, or lose the
        computed ones, and the administrator is told how many."""
        super().save_related(request, form, formsets, change)
        year = form.instance
        wanted = bool(form.cleaned_data.get("confirmed"))
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


# An indicator or a level: a part of a year's method.
MethodPart = Indicator | RatingLevel


class MethodPartForm(forms.ModelForm[MethodPart]):
    """An indicator or a level edited on its own: never one of a confirmed year."""

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        for year_id in {self.instance.year_id, getattr(cleaned.get("year"), "pk", None)}:
            year = _stored_confirmed(year_id)
            if year is not None:
                raise forms.ValidationError(_confirmed_message(year))
        return cleaned


class MethodPartAdmin(PublishesMixin[MethodPart]):
    form = MethodPartForm

    def has_delete_permission(self, request: HttpRequest, obj: MethodPart | None = None) -> bool:
        if obj is not None and _stored_confirmed(obj.year_id) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict:
        # Deleting many at once would pass by a confirmed year's: one at a time, each asked.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Indicator)
class IndicatorAdmin(MethodPartAdmin):
    list_display = ["number", "name", "tool", "weight", "year"]
    list_filter = ["year", "tool"]
    search_fields = ["name"]


@admin.register(RatingLevel)
class RatingLevelAdmin(MethodPartAdmin):
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
class AssessmentAdmin(PublishesMixin[Assessment], ServiceAdminMixin[Assessment]):
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
class IndicatorScoreAdmin(PublishesMixin[IndicatorScore], ServiceAdminMixin[IndicatorScore]):
    save_service = staticmethod(_save_score)
    delete_service = staticmethod(_delete_score)
    list_display = ["assessment", "indicator", "score"]
    list_filter = ["indicator__year", "indicator__tool"]
    search_fields = ["assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "assessment__year", "indicator"]
    autocomplete_fields = ["assessment"]
