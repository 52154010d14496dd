import difflib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from ita.imports import parsing
from ita.imports.describe import method_line
from ita.imports.matching import province_key
from ita.imports.messages import ERROR, WARNING, render
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.services import import_commit, import_preview
from ita.organisations.models import Province
from ita.results import methods

STATUSES = ImportRow.Status
COUNTRY_PROVINCES = 77  # the gazetteer's, Bangkok included


def _province(name: str) -> Province:
    """The stored province of that name; else an error that suggests only stored names (never
    the refused one) and, when the country's provinces are missing, how to load them."""
    stored = {province_key(p.name): p for p in Province.objects.all()}
    found = stored.get(province_key(name))
    if found is not None:
        return found
    close = difflib.get_close_matches(province_key(name), list(stored), n=3, cutoff=0.6)
    message = _("The province “%(province)s” is not known.") % {"province": name}
    if close:
        message += " " + _("Did you mean: %(names)s?") % {
            "names": ", ".join(stored[key].name for key in close)
        }
    if len(stored) < COUNTRY_PROVINCES:
        message += " " + _(
            "The database holds %(count)s of the country's %(total)s provinces: "
            "load the rest with “manage.py load_gazetteer”."
        ) % {"count": len(stored), "total": COUNTRY_PROVINCES}
    elif not close:
        message += " " + _("Give its name as the gazetteer spells it.")
    raise CommandError(message)


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        # In the reader's language (Thai by default), worked out when the help is shown.
        self.help = _(
            "Import a published score table (CSV, XLSX or text copied from a PDF or the ITAS site) "
            "through the same checks as the browser. Exits non-zero, changing nothing, when any row "
            "is an error"
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("The table file"))
        parser.add_argument("--year", type=int, required=True, help=_("Fiscal year, Buddhist Era"))
        parser.add_argument(
            "--province", help=_("Province name, e.g. ตรัง (when the table has none)")
        )
        parser.add_argument(
            "--kind",
            choices=[parsing.RESULTS, parsing.INDICATORS],
            help=_("Table kind; detected from the header when not given"),
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help=_("Create the unknown organisations that match the gazetteer"),
        )
        parser.add_argument(
            "--agencies",
            choices=["store", "skip"],
            help=_(
                "Agencies that are not local governments: store them as their own kind, or skip"
            ),
        )
        parser.add_argument(
            "--confirm-method",
            action="store_true",
            help=_(
                "Confirm the year's method with this import: levels and pass/fail the table does "
                "not publish are computed from it"
            ),
        )
        parser.add_argument(
            "--scheme",
            choices=sorted(methods.SCHEMES),
            help=_("Check the levels against this scheme; the year is switched to it when applied"),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Check and report only; change nothing")
        )

    def handle(
        self,
        *args: object,
        path: str,
        year: int,
        province: str | None,
        kind: str | None,
        create_missing: bool,
        agencies: str | None,
        confirm_method: bool,
        scheme: str | None,
        dry_run: bool,
        **options: object,
    ) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        if file.stat().st_size > parsing.MAX_BYTES:
            raise CommandError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "size": file.stat().st_size // 1024 // 1024,
                    "limit": parsing.MAX_BYTES // 1024 // 1024,
                }
            )
        prov = _province(province) if province else None
        resolutions: dict[str, object] = {}
        if create_missing:
            resolutions["*create_missing"] = True
        if agencies:
            resolutions["*agencies"] = agencies
        chosen: dict[str, object] = {"confirm": True} if confirm_method else {}
        if scheme:
            chosen["scheme"] = scheme
        if chosen:
            resolutions["*method"] = chosen
        with transaction.atomic():
            try:
                batch = import_preview(
                    data=file.read_bytes(),
                    file_name=file.name,
                    year=year,
                    province=prov,
                    kind=kind,
                    source=ImportBatch.Source.COMMAND,
                    actor=None,
                    progress=self._progress,
                    resolutions=resolutions,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self._summary(batch)
            errors = batch.error_count
            if errors or dry_run:
                # The preview's own record is not kept either: the command changed nothing.
                transaction.set_rollback(True)
            else:
                try:
                    batch = import_commit(batch=batch, actor=None)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from None
        if errors:
            raise CommandError(_("%(n)s row(s) with errors; nothing was changed.") % {"n": errors})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Applied as import #%(id)s.") % {"id": batch.pk})
            )

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(_("checked %(done)s/%(total)s rows") % {"done": done, "total": total})

    def _summary(self, batch: ImportBatch) -> None:
        counts = batch.counts
        self.stdout.write(
            f"{batch.get_kind_display()} {batch.year}"
            f"{', ' + batch.province.name if batch.province else ''} ({batch.file_format}): "
            + _("%(n)s rows")
            % {"n": batch.rows_total}
        )
        self.stdout.write(
            "  "
            + ", ".join(f"{s.label.lower()}: {counts.get(s.value, 0)}" for s in STATUSES)
            + "; "
            + _("lines skipped (titles, notes, repeated headers): %(n)s")
            % {"n": counts.get("skipped_lines", 0)}
        )
        self.stdout.write("  " + method_line(batch))
        findings = batch.findings
        if findings.get("placeable") and not batch.resolutions.get("*create_missing"):
            self.stdout.write(
                "  "
                + _(
                    "%(n)s unknown organisation(s) match the gazetteer: add --create-missing to "
                    "create them"
                )
                % {"n": findings["placeable"]}
            )
        if findings.get("unconfirmed"):
            self.stdout.write(
                "  "
                + _(
                    "%(n)s row(s) have no published level or pass/fail and the method is not "
                    "confirmed: only their scores are stored (--confirm-method computes them)"
                )
                % {"n": findings["unconfirmed"]}
            )
        if findings.get("agencies"):
            self.stdout.write(
                "  "
                + _(
                    "%(n)s agency(ies) are not local governments (%(choice)s); --agencies store "
                    "or --agencies skip decides for the whole import"
                )
                % {
                    "n": findings["agencies"],
                    "choice": batch.resolutions.get("*agencies") or _("not chosen"),
                }
            )
        for row in batch.rows.exclude(status__in=["new", "changed", "unchanged"]).order_by("line"):
            for entry in row.messages:
                if entry["level"] in (ERROR, WARNING) or row.status == ERROR:
                    number = _("no. %(n)s, ") % {"n": row.number} if row.number else ""
                    self.stdout.write(
                        _("  line %(line)s (%(number)s%(name)s): %(level)s: %(text)s")
                        % {
                            "line": row.line,
                            "number": number,
                            "name": row.name or "—",
                            "level": entry["level"],
                            "text": render(entry),
                        }
                    )
