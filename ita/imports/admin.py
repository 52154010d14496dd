from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ita.imports.models import ImportBatch, ImportJob, ImportRow
from ita.lib.admin import ReadOnlyAdmin


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

    def add_view(self, request, form_url="", extra_context=None):
        # "Add import" leads to the upload page, where the preview and its checks live.
        return redirect("imports:index")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportRow)
class ImportRowAdmin(ReadOnlyAdmin):
    """Each imported row, read-only: what it matched, what it changed and why."""

    list_display = ["batch", "line", "name", "district_name", "organisation", "status", "effect"]
    list_filter = ["status", "effect", "match", "batch__year"]
    search_fields = ["name", "district_name", "organisation__name"]
    list_select_related = ["batch", "organisation"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Each apply or revert run by the task worker: who asked, its progress and its outcome."""

    list_display = ["batch", "action", "status", "done", "total", "requested_by", "requested_at"]
    list_filter = ["status", "action", "batch__year"]
    search_fields = ["batch__file_name", "error"]
    list_select_related = ["batch", "requested_by"]
