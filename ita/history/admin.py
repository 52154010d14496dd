from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ita.history import published
from ita.history.models import Event, EventKind, Publication
from ita.lib.admin import ReadOnlyAdmin


class KindFilter(admin.SimpleListFilter):
    """The kinds by name (the column holds codes; ``EventKind`` names them)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in EventKind.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
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
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["version", "changed_at"]
    list_filter = ["changed_at"]


class PublishesMixin:
    """For the admin of records the public pages show (the method, results, organisations):
    each save or delete gives the published data a new version, in the admin's transaction
    (the admin saves the related objects after the object itself, on every form and list)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        published.bump()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        published.bump()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)  # type: ignore[misc]
            published.bump()
