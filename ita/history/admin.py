from django.contrib import admin

from ita.history.models import Event
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
