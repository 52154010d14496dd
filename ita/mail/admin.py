from django.contrib import admin

from ita.lib.admin import ReadOnlyAdmin
from ita.mail.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "recipients", "status", "copies", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "recipients", "message_id"]
    readonly_fields = [
        "key",
        "message_id",
        "subject",
        "recipients",
        "status",
        "copies",
        "tries",
        "created_at",
        "sent_at",
    ]
