from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from ita.demo import load, memos, seed
from ita.organisations.models import Organisation


class Command(BaseCommand):
    help = "Load the demo data from the seed document (Trang 2564, อบต.สุโสะ and its people)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database has data."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Erase everything in the database but the country's provinces, districts and "
                "subdistricts (kept with their ids), then load the demo again."
            ),
        )

    def handle(self, *args: object, if_empty: bool, reset: bool, **options: object) -> None:
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("The database already has data; the demo was not loaded.")
                return
            if not reset:
                raise CommandError(
                    "The database already has data. Use --reset to erase it and reload the demo."
                )
            load.erase_all_but_the_country()
        # The demo's memos print in Thai: the catalogue is compiled before its PDF is stored.
        call_command("compilemessages", ignore_patterns=[".venv"], verbosity=0)
        # The demo memo goes up its chain through the services, which queue an e-mail to each
        # signer: the demo's people are not to be written to. Inside this block the tasks run at
        # once and the mail stays in memory, so nothing is left queued for the worker.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ):
            counts = load.load_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {counts['organisations']} organisations, "
                f"{counts['assessments']} assessments."
            )
        )
        # Made as the decision committed (memos.archive), or else at the first download.
        for stored in memos.archived():
            signed = f"signed by “{stored.signer}”" if stored.signed else "unsigned"
            self.stdout.write(
                f"Decided memo {stored.memo_id}: archival PDF stored, {signed}, "
                f"SHA-256 {stored.sha256}."
            )
        self.stdout.write(f"Demo logins (password {seed.DEMO_PASSWORD}):")
        for username, title in seed.DEMO_LOGINS:
            self.stdout.write(f"  {username:<10} {title}")
