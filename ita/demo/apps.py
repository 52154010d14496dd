from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data of the whole product (``manage.py load_demo``); no models of its own."""

    name = "ita.demo"
    label = "demo"
    verbose_name = _("Demo data")
