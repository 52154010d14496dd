from typing import TypeVar

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ita.history import published
from ita.history.models import Event, EventKind, Publication
from ita.lib.admin import InlineFormSet, ReadOnlyAdmin

M = TypeVar("M", bound=Model)


class KindFilter(admin.SimpleListFilter):
    """The kinds by name (the column holds codes; ``EventKind`` names them)."""

    title = _("action")
    parameter_name = "action"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Event]
    ) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in EventKind.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin[Event]):
    list_display = [
        "at",
        "actor",
        "kind",
        "organisation",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
    ]
    list_filter = [KindFilter, "object_type"]
    search_fields = ["comment", "object_id", "actor__username", "organisation__name"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "at"

    @admin.display(description=_("action"), ordering="action")
    def kind(self, event: Event) -> str:
        return event.action_label


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin[Publication]):
    list_display = ["version", "changed_at"]
    list_filter = ["changed_at"]


class PublishesMixin(admin.ModelAdmin[M]):
    """For the admin of records the public pages show (the method, results, organisations):
    each save or delete gives the published data a new version, in the admin's transaction
    (the admin saves the related objects after the object itself, on every form and list)."""

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[M],
        formsets: list[InlineFormSet[M]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        published.bump()

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        super().delete_model(request, obj)
        published.bump()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            published.bump()
