"""Findings move here from the ``ita`` app (the table was renamed by ``ita.0005``); the
organisation a checklist answer belongs to is now ``organisations.Organisation``."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ita", "0005_move_out"),
        ("measures", "0002_seed_measure_templates"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='oitstatus',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='oit_statuses', to='organisations.organisation', verbose_name='organisation'),
                ),
                migrations.CreateModel(
                    name='Finding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tool', models.CharField(choices=[('IIT', "IIT: internal stakeholders' perception"), ('EIT', "EIT: external stakeholders' perception"), ('OIT', 'OIT: open information')], max_length=3, verbose_name='tool')),
                        ('text', models.TextField(verbose_name='issue to improve')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='findings', to='ita.assessment', verbose_name='assessment')),
                        ('indicator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='findings', to='ita.indicator', verbose_name='indicator')),
                    ],
                    options={
                        'verbose_name': 'finding',
                        'verbose_name_plural': 'findings',
                        'ordering': ['assessment', 'tool', 'order', 'pk'],
                    },
                ),
                migrations.AlterField(
                    model_name='measure',
                    name='findings',
                    field=models.ManyToManyField(blank=True, related_name='measures', to='measures.finding', verbose_name='findings answered'),
                ),
                migrations.AlterField(
                    model_name='oititem',
                    name='findings',
                    field=models.ManyToManyField(blank=True, related_name='oit_items', to='measures.finding', verbose_name='findings citing the item'),
                ),
            ]
        ),
    ]
