from django.db import migrations


def seed(apps, schema_editor):
    from measures.template_texts import shipped

    MeasureTemplate = apps.get_model("measures", "MeasureTemplate")
    if MeasureTemplate.objects.exists():
        return
    MeasureTemplate.objects.bulk_create(shipped(MeasureTemplate))


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_report_measures")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
