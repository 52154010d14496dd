from django.contrib import admin

from ita.admin import ReadOnlyAdmin, ReadOnlyMixin
from memos.models import Attachment, Memo, OutgoingRegister, SignOff


class SignOffInline(ReadOnlyMixin, admin.TabularInline):
    model = SignOff
    extra = 0
    fields = ["round", "step", "decision", "signer_name", "acting_for", "comment", "signed_at"]
    readonly_fields = fields


@admin.register(Memo)
class MemoAdmin(ReadOnlyAdmin):
    list_display = ["subject", "organisation", "number", "state", "outcome", "author", "updated_at"]
    list_filter = ["state", "outcome"]
    search_fields = ["subject", "organisation__name", "author__username"]
    list_select_related = ["organisation", "author"]
    inlines = [SignOffInline]


@admin.register(OutgoingRegister)
class OutgoingRegisterAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "fiscal_year", "last_number"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "memo", "size", "uploaded_at"]
    search_fields = ["name", "memo__subject"]
    list_select_related = ["memo"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["memo", "round", "step", "decision", "signer_name", "signed_at"]
    list_filter = ["step", "decision"]
    search_fields = ["memo__subject", "signer_name", "comment"]
    list_select_related = ["memo"]
