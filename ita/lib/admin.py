"""Admin helpers shared by every app (no models of their own)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

M = TypeVar("M", bound=models.Model)

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


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin[M]):
    """For records written only by the services (history, sign-offs, imports): the admin reads."""

    formfield_overrides = URL_FIELDS


# Who edits in the admin: the request's user, as the services take their actor.
Editor = User | AnonymousUser
# A service the admin calls with the edited row and the user: ``save(obj, actor)``.
RowService = Callable[[M, Editor], object]
# An inline's rows are of the model it is listed under (a mapping cannot say so: ``Any``).
InlineServices = dict[type[models.Model], tuple[RowService[Any], RowService[Any]]]


# The formsets of an admin's inlines: rows of any model, under a row of ``M``.
InlineFormSet = BaseInlineFormSet[models.Model, M, forms.ModelForm[models.Model]]


class ServiceAdminMixin(admin.ModelAdmin[M]):
    """Saves and deletes, the form's and its inlines', go through the app's services (each
    writes its history row with the fields before and after), never straight to the table.

    ``save_service``/``delete_service`` for the admin's own model; ``inline_services`` maps an
    inline's model to its pair. A model an inline edits that is not listed saves as Django does.
    """

    save_service: RowService[M] | None = None
    delete_service: RowService[M] | None = None
    inline_services: InlineServices = {}

    def save_model(
        self, request: HttpRequest, obj: M, form: forms.ModelForm[M], change: bool
    ) -> None:
        service = self.save_service
        if service is None:
            super().save_model(request, obj, form, change)
        else:
            service(obj, request.user)

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        service = self.delete_service
        if service is None:
            super().delete_model(request, obj)
        else:
            service(obj, request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm[M],
        formset: InlineFormSet[M],
        change: bool,
    ) -> None:
        pair = self.inline_services.get(formset.model)
        if pair is None:
            super().save_formset(request, form, formset, change)
            return
        save, delete = pair
        # commit=False fills new_objects, changed_objects and deleted_objects for the admin's log.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete(obj, request.user)
        for obj in instances:
            save(obj, request.user)
        formset.save_m2m()
