"""The operators' view of accounts' records (read only: they are written by their services)."""

from django.contrib import admin

from ita.accounts.models import Attempt, Invitation, RecoveryCode
from ita.lib.admin import ReadOnlyAdmin


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(ReadOnlyAdmin):
    """Whose codes are issued and which are spent; never the digest (a code is reset through
    ``second_factor_reset``, which records who did it)."""

    list_display = ["user", "created_at", "used_at"]
    exclude = ["digest"]
    list_filter = ["used_at", "created_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    # Invitations are written by the organisations' administrators and by the onboarding, whose
    # page (preview, then one step) the list links to for the operators who hold its permission.
    change_list_template = "admin/accounts/invitation/change_list.html"
    list_display = ["email", "organisation", "position", "state_label", "created_at", "expires_at"]
    list_filter = ["created_at"]
    search_fields = ["email", "organisation__name", "position__title"]
    list_select_related = ["organisation", "position"]
    exclude = ["nonce"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    """What the lockout and the other limits counted (``ita.accounts.limits``), read only."""

    list_display = ["at", "kind", "account", "address", "device"]
    list_filter = ["kind", "at"]
    search_fields = ["account", "address"]
    exclude = ["session"]
