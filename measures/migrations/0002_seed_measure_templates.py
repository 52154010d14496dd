from django.db import migrations


def seed(apps, schema_editor):
    from measures.template_texts import FOLLOW_UP, TEMPLATES, UNIT

    MeasureTemplate = apps.get_model("measures", "MeasureTemplate")
    if MeasureTemplate.objects.exists():
        return
    MeasureTemplate.objects.bulk_create(
        MeasureTemplate(
            tool=tool,
            indicator_number=number,
            title=title,
            steps="\n".join(steps),
            responsible_unit=UNIT,
            follow_up=FOLLOW_UP,
            months=3,
        )
        for tool, number, title, steps in TEMPLATES
    )


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_report_measures")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
