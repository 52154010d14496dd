import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from measures.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail reminders about measures whose period ends soon or has ended without the measure "
        "being done. Run it daily: each kind of reminder is sent once per measure and period, "
        "by the task worker, which retries while the mail server fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=14,
            help="Remind this many days before a period ends (default 14).",
        )
        parser.add_argument(
            "--today",
            help="Act as if today were this date (YYYY-MM-DD, Christian era); for catching up.",
        )

    def handle(self, *args: object, days: int, today: str | None, **options: object) -> None:
        if days < 0:
            raise CommandError(f"--days must be 0 or more, not {days}")
        if today:
            try:
                on = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    f"--today must be a date like 2022-03-31, not {today!r}"
                ) from None
        else:
            on = timezone.localdate()
        queued = reminders_send(today=on, days_before=days)
        for r in queued:
            self.stdout.write(f"{r.kind:<9} measure {r.measure_id}: {', '.join(r.recipients)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(queued)} reminder(s) queued for {on.isoformat()}; the task worker "
                "(manage.py db_worker) sends them and records each once delivered."
            )
        )
