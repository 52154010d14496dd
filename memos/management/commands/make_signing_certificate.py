"""manage.py make_signing_certificate: a self-signed certificate for a test or a demo only.

Its name says so: "<name> (ทดสอบ/TEST ONLY)". Either installed at once as an organisation's
signing certificate (``--organisation ID``), or written as a PKCS#12 file to upload through the
certificate page (``-o file.p12 --password …``), or both.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ita.documents import signing
from ita.organisations.models import Organisation
from memos.signing import install_credentials


class Command(BaseCommand):
    help = (
        "Make a self-signed signing certificate, named as a TEST ONLY certificate, for a test "
        "or a demo: install it for an organisation and/or write it as a PKCS#12 file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, help="Install it for this organisation id.")
        parser.add_argument("-o", "--output", type=Path, help="Write a PKCS#12 file here.")
        parser.add_argument("--password", default="", help="The PKCS#12 file's password.")
        parser.add_argument("--name", default="", help="The name (default: the organisation's).")
        parser.add_argument("--days", type=int, default=3650, help="Valid for (default 3650).")

    def handle(self, *args: object, **options: object) -> None:
        organisation_id = options["organisation"]
        assert organisation_id is None or isinstance(organisation_id, int)
        output, days = options["output"], options["days"]
        assert (output is None or isinstance(output, Path)) and isinstance(days, int)  # argparse
        password = str(options["password"] or "")
        if organisation_id is None and output is None:
            raise CommandError("Give --organisation ID, or -o FILE.p12 --password PASSWORD.")
        if output is not None and not password:
            raise CommandError("A PKCS#12 file needs a password: give --password.")
        organisation = None
        if organisation_id is not None:
            organisation = Organisation.objects.filter(pk=organisation_id).first()
            if organisation is None:
                raise CommandError(f"There is no organisation {organisation_id}.")
        name = str(options["name"] or (organisation.name if organisation else "ITA"))
        credentials = signing.make_test_credentials(name, days=days)
        if output is not None:
            directory = output.parent if str(output.parent) else Path(".")
            if not directory.is_dir():
                raise CommandError(f"Cannot write {output}: the folder {directory} does not exist.")
            part_name = ""
            try:
                with tempfile.NamedTemporaryFile(
                    dir=directory, suffix=".part", delete=False
                ) as part:
                    part_name = part.name
                    part.write(credentials.pkcs12(password.encode("utf-8")))
                os.replace(part_name, output)
            except OSError as error:
                if part_name:
                    Path(part_name).unlink(missing_ok=True)
                raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
            self.stdout.write(f"Wrote {output}: {credentials.subject}")
        if organisation is not None:
            install_credentials(organisation=organisation, credentials=credentials)
            self.stdout.write(
                f"Installed for {organisation.name}: {credentials.subject} "
                f"(SHA-256 {credentials.fingerprint})"
            )
