"""Emblems uploaded before they were made safe at upload become the PNG every document prints.

Each stored file is made into a bounded PNG as an upload now is (``check_emblem``, in a child
process under a CPU and memory budget); a file that is refused today is removed from the
organisation (its administrators upload it again and are told why), so no document is ever drawn
from an unchecked file. Each change is in the history, as ``organisation_set_emblem`` writes it
(by nobody: the upgrade made it), a removal with the file it removed and why.
"""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import migrations

from ita.documents.emblem import check_emblem, stored_emblem

logger = logging.getLogger("ita.organisations")


def _record(apps, organisation, *, old, checked=None, refused=""):
    """The history row ``organisation_set_emblem`` writes, with the file it replaced."""
    Event = apps.get_model("history", "Event")
    Event.objects.create(
        actor=None,
        action="organisation.emblem",
        organisation_id=organisation.pk,
        object_type="organisations.organisation",
        object_id=str(organisation.pk),
        comment=organisation.emblem.name if checked else refused,
        data={
            "removed": checked is None,
            "type": checked.mime_type if checked else "",
            "sha256": checked.sha256 if checked else "",
            "previous": old,
            "by": "organisations.0006_emblems_made_safe",
        },
    )


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
            reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            _record(apps, organisation, old=old, refused=reason)
            continue
        organisation.emblem.save(
            checked.stored_name(f"org{organisation.pk}"), ContentFile(checked.data), save=False
        )
        organisation.save(update_fields=["emblem"])
        _record(apps, organisation, old=old, checked=checked)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0005_notice"), ("history", "0002_kinds_and_organisation")]

    operations = [migrations.RunPython(make_safe, migrations.RunPython.noop)]
