"""2564's O43 (การดำเนินการตามมาตรการ…) is answered by what was done, not by the report of the
measures: its items, in 2564 and in every checklist copied from it, move to the implementation
report (``OitItem.from_implementation``). Statuses already filled stay as they are."""

from django.db import migrations

IMPLEMENTATION_NAME = "การดำเนินการตามมาตรการ"  # measures.oit.IMPLEMENTATION_NAME, as of now


def forwards(apps, schema_editor):
    OitItem = apps.get_model("measures", "OitItem")
    OitItem.objects.filter(from_report=True, name__startswith=IMPLEMENTATION_NAME).update(
        from_report=False, from_implementation=True
    )


def backwards(apps, schema_editor):
    OitItem = apps.get_model("measures", "OitItem")
    OitItem.objects.filter(from_implementation=True).update(
        from_report=True, from_implementation=False
    )


class Migration(migrations.Migration):
    dependencies = [("measures", "0005_implementation_reports")]
    operations = [migrations.RunPython(forwards, backwards)]
