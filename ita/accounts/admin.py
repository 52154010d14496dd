from django.contrib import admin

from ita.accounts.models import RecoveryCode
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
