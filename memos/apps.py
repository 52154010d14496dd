from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemosConfig(AppConfig):
    name = "memos"
    verbose_name = _("Memos")

    def ready(self) -> None:
        from memos import signals  # noqa: PLC0415 (the models are ready only now)

        signals.connect()
