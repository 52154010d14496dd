"""Admin helpers shared by every app (no models of their own)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

# Web addresses typed without a scheme are read as https (Django 6's default, chosen now).
URL_FIELDS: dict[type[models.Field], dict[str, object]] = {
    models.URLField: {"assume_scheme": "https"}
}


class ReadOnlyMixin:
    """No add, change or delete: for admins and inlines of records the services write."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """For records written only by the services (history, sign-offs, imports): the admin reads."""

    formfield_overrides = URL_FIELDS
