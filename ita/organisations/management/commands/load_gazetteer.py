from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from ita.organisations.services import gazetteer_load


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        # In the reader's language (Thai by default), worked out when the help is shown.
        self.help = _(
            "Load the country's provinces, districts and subdistricts (the gazetteer) into an install "
            "made before it: stored ones are matched by name and given their codes"
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--codes-only",
            action="store_true",
            help=_("Only give the stored provinces and districts their codes; add none"),
        )

    def handle(self, *args: object, codes_only: bool, **options: object) -> None:
        loaded = gazetteer_load(create=not codes_only, actor=None)
        self.stdout.write(
            _(
                "Added %(provinces)s provinces, %(districts)s districts and %(subdistricts)s "
                "subdistricts; %(coded)s stored names given their codes"
            )
            % {
                "provinces": loaded.provinces,
                "districts": loaded.districts,
                "subdistricts": loaded.subdistricts,
                "coded": len(loaded.coded),
            }
        )
