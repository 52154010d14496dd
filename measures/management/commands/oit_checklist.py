from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ita.results.models import AssessmentYear
from measures.services.checklist import oit_checklist_load


class Command(BaseCommand):
    help = (
        "Give a fiscal year its OIT checklist: the published list shipped with the product "
        "(2564), otherwise a copy of the latest earlier year's, to edit in the admin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Fiscal year (BE), e.g. 2564")

    def handle(self, *args: object, year: int, **options: object) -> None:
        year_obj = AssessmentYear.objects.prefetch_related("indicators").filter(year=year).first()
        if year_obj is None:
            raise CommandError(f"There is no assessment year {year}.")
        try:
            items = oit_checklist_load(year=year_obj, actor=None)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"{len(items)} OIT items loaded for {year}."))
