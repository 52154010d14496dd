from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Remediation measures")

    def ready(self) -> None:
        # A year's scores applied: the year gets its OIT checklist
        # (measures.services.checklist.year_opened).
        # Imported here: both read models, loaded only after the apps are.
        from ita.imports.signals import scores_applied  # noqa: PLC0415
        from measures.services import checklist  # noqa: PLC0415

        scores_applied.connect(checklist.year_opened, dispatch_uid="measures.year_opened")
