from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "ita.results"
    # The label the results have had since the first release (tables ita_assessment, …).
    label = "ita"
    verbose_name = _("ITA results")
