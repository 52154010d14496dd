from django.apps import AppConfig
from django.core.management import call_command
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(using: str, **kwargs: object) -> None:
    """After every migrate (each deploy, a flush): the shared cache's table where the cache is
    the database's, and a new version of the published data, so no page cached by the code
    before is served by the code after."""
    from ita.history import published  # noqa: PLC0415 (models are loaded only after ready())

    call_command("createcachetable", database=using, verbosity=0)
    # Not when migrating backwards to before the table existed.
    if published.Publication._meta.db_table in connections[using].introspection.table_names():
        published.bump()


class HistoryConfig(AppConfig):
    name = "ita.history"
    label = "history"
    verbose_name = _("History")

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="history.after_migrate")
