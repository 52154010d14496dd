"""``manage.py invite_administrators FILE``: each organisation's first administrator, invited."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ita.administration import onboarding


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        self.help = _(
            "Invite each organisation's administrator from a CSV file: the organisation by its "
            "code (รหัส) or its name (หน่วยงาน) and district (อำเภอ), and an e-mail address (อีเมล). "
            "An organisation already administered or invited is left alone: a second run "
            "changes nothing"
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("The CSV file"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Report what would happen; change nothing")
        )
        parser.add_argument(
            "--by", metavar="USERNAME", help=_("The operator recorded in the history as inviting")
        )

    def handle(
        self, *args: object, path: str, dry_run: bool, by: str | None, **options: object
    ) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        actor = None
        if by:
            actor = get_user_model().objects.filter(username=by).first()
            if actor is None:
                raise CommandError(_("No account named %(name)s") % {"name": by})
        try:
            rows = onboarding.read_rows(data)
            rows = (
                onboarding.plan(rows)
                if dry_run
                else onboarding.administrators_invite(rows=rows, actor=actor)
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for row in rows:
            organisation = row.organisation_name or row.named
            email = row.email or "—"
            detail = f": {row.detail}" if row.detail else ""
            self.stdout.write(
                _("line %(line)s: %(organisation)s, %(email)s → %(status)s%(detail)s")
                % {
                    "line": row.line,
                    "organisation": organisation,
                    "email": email,
                    "status": row.status_label,
                    "detail": detail,
                }
            )
        summary = ", ".join(
            f"{onboarding.STATUS_LABELS[status]} {count}"
            for status, count in sorted(onboarding.counts(rows).items())
        )
        self.stdout.write(
            (_("Dry run, nothing changed: %(summary)s") if dry_run else _("Done: %(summary)s"))
            % {"summary": summary}
        )
