from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ita.ops import checks  # noqa: F401  (registers this project's deployment checks)


class OpsConfig(AppConfig):
    name = "ita.ops"
    label = "ops"
    verbose_name = _("Operations")
