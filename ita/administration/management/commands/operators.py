"""``manage.py operators``: the site's operators, named by their accounts."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from ita.administration import operators


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        self.help = _(
            "Make or bring up to date the operators' group (imports, onboarding, background "
            "tasks, the Django admin's country data), put accounts in it or take them out, and "
            "list its members. Each change is recorded in the history"
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--add", action="append", default=[], metavar="USERNAME", help=_("Make an operator")
        )
        parser.add_argument(
            "--remove",
            action="append",
            default=[],
            metavar="USERNAME",
            help=_("No longer an operator"),
        )
        parser.add_argument(
            "--by", metavar="USERNAME", help=_("The account recorded in the history as acting")
        )

    def handle(
        self, *args: object, add: list[str], remove: list[str], by: str | None, **options: object
    ) -> None:
        names = {*add, *remove, *([by] if by else [])}
        found = {u.username: u for u in User.objects.filter(username__in=names)}
        unknown = sorted(names - set(found))
        if unknown:
            raise CommandError(
                _("No account named %(name)s: nothing was changed.") % {"name": unknown[0]}
            )
        both = sorted(set(add) & set(remove))
        if both:
            raise CommandError(
                _("%(name)s is both added and removed: nothing was changed.") % {"name": both[0]}
            )
        actor = found[by] if by else None
        done = []
        try:
            with transaction.atomic():  # every change or none
                operators.operators_group()
                for name in add:
                    if operators.operator_grant(user=found[name], actor=actor):
                        done.append(_("%(name)s is now an operator") % {"name": name})
                for name in remove:
                    if operators.operator_revoke(user=found[name], actor=actor):
                        done.append(_("%(name)s is no longer an operator") % {"name": name})
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " " + _("Nothing was changed.")) from exc
        for line in done:
            self.stdout.write(line)
        self.stdout.write(
            _("Operators: %(names)s") % {"names": ", ".join(operators.operator_names()) or "—"}
        )
