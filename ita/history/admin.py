from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from ita.history import published
from ita.history.models import Event, Publication
from ita.lib.admin import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "actor",
        "action",
        "organisation",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["comment", "object_id", "actor__username", "organisation__name"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "at"


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
