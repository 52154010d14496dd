"""Memos point at ``organisations.Organisation`` (the same table, renamed by ``ita.0005``); each
organisation's sign-off chain moves from the organisation to its ``MemoSettings``."""

import django.db.models.deletion
from django.db import migrations, models

import memos.roles

FULL_CHAIN = ["head", "deputy", "clerk", "mayor"]


def copy_chains(apps, schema_editor):
    """Every organisation whose chain is not the full one gets a MemoSettings row with it."""
    Organisation = apps.get_model("organisations", "Organisation")
    MemoSettings = apps.get_model("memos", "MemoSettings")
    MemoSettings.objects.bulk_create(
        MemoSettings(organisation_id=pk, memo_chain=chain)
        for pk, chain in Organisation.objects.values_list("pk", "memo_chain").iterator()
        if chain != FULL_CHAIN
    )


def copy_chains_back(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    MemoSettings = apps.get_model("memos", "MemoSettings")
    for row in MemoSettings.objects.all():
        Organisation.objects.filter(pk=row.organisation_id).update(memo_chain=row.memo_chain)


class Migration(migrations.Migration):
    dependencies = [
        ("memos", "0002_memo_report_sent"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="memo",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memos",
                        to="organisations.organisation",
                        verbose_name="organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="outgoingregister",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ]
        ),
        migrations.CreateModel(
            name="MemoSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "memo_chain",
                    models.JSONField(
                        blank=True,
                        default=memos.roles.default_chain,
                        help_text='The executive roles a memo passes, in order, e.g. ["head", "clerk", "mayor"] for an organisation without a deputy clerk. It must end with the mayor.',
                        verbose_name="memo sign-off chain",
                    ),
                ),
                (
                    "organisation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memo_settings",
                        to="organisations.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "memo settings",
                "verbose_name_plural": "memo settings",
            },
        ),
        migrations.RunPython(copy_chains, copy_chains_back),
    ]
