from django.contrib import admin
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from ita.lib.admin import ReadOnlyAdmin, ReadOnlyMixin
from ita.organisations.admin import OrganisationAdmin
from ita.organisations.models import Organisation
from memos import settings_services
from memos.models import (
    Attachment,
    Memo,
    MemoArchive,
    MemoSettings,
    OutgoingRegister,
    SigningCertificate,
    SignOff,
)


class MemoSettingsInline(admin.StackedInline):
    """The organisation's memo chain, edited under the organisation."""

    model = MemoSettings
    extra = 0
    max_num = 1
    can_delete = False
    fields = ["memo_chain"]


# The organisations' admin, with each one's memo chain (the memos' setting) under it.
admin.site.unregister(Organisation)


@admin.register(Organisation)
class OrganisationWithMemoSettingsAdmin(OrganisationAdmin):
    inlines = [*OrganisationAdmin.inlines, MemoSettingsInline]

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not MemoSettings:
            super().save_formset(request, form, formset, change)
            return
        # The chain is written by the service (checked, with a history row), never directly;
        # the admin's own log reads what was saved from the formset, as formset.save() leaves it.
        created: list[MemoSettings] = []
        changed: list[tuple[MemoSettings, list[str]]] = []
        for chain_form in formset.forms:
            if chain_form.has_changed() and chain_form.cleaned_data:
                existed = chain_form.instance.pk is not None
                row = settings_services.memo_chain_set(
                    organisation=form.instance,
                    memo_chain=chain_form.cleaned_data["memo_chain"],
                    actor=request.user,
                )
                if existed:
                    changed.append((row, chain_form.changed_data))
                else:
                    created.append(row)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = created, changed, []


@admin.register(MemoSettings)
class MemoSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "memo_chain"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the chain is set, never deleted (every change is in the history)

    def save_model(
        self, request: HttpRequest, obj: MemoSettings, form: ModelForm, change: bool
    ) -> None:
        settings_services.memo_chain_set(
            organisation=obj.organisation, memo_chain=obj.memo_chain, actor=request.user
        )


class SignOffInline(ReadOnlyMixin, admin.TabularInline):
    model = SignOff
    extra = 0
    fields = readonly_fields = (
        "round",
        "step",
        "decision",
        "signer_name",
        "acting_for",
        "comment",
        "signed_at",
    )


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


@admin.register(MemoArchive)
class MemoArchiveAdmin(ReadOnlyAdmin):
    """The decided memos' stored PDFs (``memos.archive``): read here, never replaced."""

    list_display = ["memo", "sha256", "size", "signer", "created_at"]
    search_fields = ["memo__subject", "sha256", "memo__verify_code"]
    list_select_related = ["memo"]
    exclude = ["certificate"]


@admin.register(SigningCertificate)
class SigningCertificateAdmin(ReadOnlyAdmin):
    """The organisations' signing certificates: uploaded by their clerks (``memos.signing``);
    the key never shows, here or anywhere."""

    list_display = ["organisation", "subject", "not_after", "self_signed", "uploaded_at"]
    list_filter = ["self_signed"]
    search_fields = ["organisation__name", "subject", "fingerprint"]
    list_select_related = ["organisation"]
    exclude = ["protected_key", "certificate"]
