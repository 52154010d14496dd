"""The organisations, the history, the imports and the findings leave the ``ita`` app.

Their tables are renamed for their new apps (organisations, history, imports, measures) and their
content types follow them (permissions and admin log entries keep pointing at them). The new
apps take the models over in their own state (``organisations.0001`` and the rest), then
``0006_delete_moved`` drops them from this app's state. No row is copied: only names change.
"""

from django.db import migrations

MOVED = {
    # model: new app label
    "province": "organisations",
    "district": "organisations",
    "districtalias": "organisations",
    "organisation": "organisations",
    "organisationalias": "organisations",
    "position": "organisations",
    "actingappointment": "organisations",
    "event": "history",
    "importbatch": "imports",
    "importrow": "imports",
    "finding": "measures",
}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, label in MOVED.items():
        if ContentType.objects.filter(app_label=label, model=model).exists():
            continue
        ContentType.objects.filter(app_label="ita", model=model).update(app_label=label)


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, label in MOVED.items():
        ContentType.objects.filter(app_label=label, model=model).update(app_label="ita")


class Migration(migrations.Migration):
    dependencies = [
        ("ita", "0004_import_batches"),
        ("memos", "0002_memo_report_sent"),
        ("measures", "0002_seed_measure_templates"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *(
            migrations.AlterModelTable(name=model, table=f"{label}_{model}")
            for model, label in MOVED.items()
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
