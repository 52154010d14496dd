"""Emblems uploaded before they were made safe at upload become the PNG every document prints.

Each stored file is made into a bounded PNG as an upload now is (``check_emblem``, in a child
process under a CPU and memory budget); a file that is refused today is removed from the
organisation (its administrators upload it again and are told why), so no document is ever drawn
from an unchecked file.
"""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import migrations

from ita.documents.emblem import check_emblem, stored_emblem

logger = logging.getLogger("ita.organisations")


def make_safe(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    for organisation in Organisation.objects.exclude(emblem="").iterator():
        old = organisation.emblem.name
        try:
            with organisation.emblem.open("rb") as file:
                data = file.read()
            if stored_emblem(data, old) is not None:
                continue
            checked = check_emblem(data, old)
        except (OSError, ValidationError) as error:
            logger.warning("emblem %s of organisation %s removed: %s", old, organisation.pk, error)
            organisation.emblem = ""
            organisation.save(update_fields=["emblem"])
            continue
        organisation.emblem.save(
            checked.stored_name(f"org{organisation.pk}"), ContentFile(checked.data), save=False
        )
        organisation.save(update_fields=["emblem"])


class Migration(migrations.Migration):
    dependencies = [("organisations", "0005_notice")]

    operations = [migrations.RunPython(make_safe, migrations.RunPython.noop)]
