"""Drop the moved models from this app's state (their new apps hold them now; no table changes)."""

import django.db.models.deletion
from django.db import migrations, models

# Those that point at others first.
MOVED = [
    "actingappointment",
    "position",
    "organisationalias",
    "districtalias",
    "importrow",
    "importbatch",
    "event",
    "finding",
    "organisation",
    "district",
    "province",
]


class Migration(migrations.Migration):
    dependencies = [
        ("ita", "0005_move_out"),
        ("organisations", "0001_initial"),
        ("history", "0001_initial"),
        ("imports", "0001_initial"),
        ("measures", "0003_finding"),
        ("memos", "0003_organisations_and_settings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="organisations.organisation",
                        verbose_name="organisation",
                    ),
                ),
                *(migrations.DeleteModel(name=model) for model in MOVED),
            ]
        )
    ]
