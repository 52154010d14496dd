from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ita.lib import tables
from ita.organisations.models import Province
from ita.results import exports
from ita.results.models import AssessmentYear
from ita.results.selectors import year_table


class Command(BaseCommand):
    help = "Print a year's results table (optionally one province) as CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Fiscal year, Buddhist Era.")
        parser.add_argument("--province", help="Province name, e.g. ตรัง.")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(
        self, *args: object, year: int, province: str | None, format: str, **o: object
    ) -> None:
        try:
            year_obj = AssessmentYear.objects.prefetch_related("indicators", "levels").get(
                year=year
            )
        except AssessmentYear.DoesNotExist:
            known = ", ".join(str(y) for y in AssessmentYear.objects.values_list("year", flat=True))
            raise CommandError(
                _("Unknown year %(year)s. Known years: %(known)s.")
                % {"year": year, "known": known or _("none")}
            ) from None
        prov = None
        if province:
            try:
                prov = Province.objects.get(name=province.strip())
            except Province.DoesNotExist:
                raise CommandError(
                    _("Unknown province “%(province)s”.") % {"province": province}
                ) from None
        table = exports.results_table(year_table(year_obj, prov))
        text = tables.to_json(table) if format == "json" else tables.to_csv(table, bom=False)
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
