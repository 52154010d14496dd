"""Imports, taken over from the ``ita`` app (tables renamed by ``ita.0005``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("ita", "0005_move_out"),
        ("organisations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('results', 'Published results table'), ('indicators', 'Indicator scores table')], max_length=12, verbose_name='table kind')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='fiscal year (BE)')),
                        ('status', models.CharField(choices=[('checking', 'Checking'), ('ready', 'Preview'), ('applied', 'Applied'), ('reverted', 'Reverted')], default='checking', max_length=10, verbose_name='status')),
                        ('source', models.CharField(choices=[('upload', 'Uploaded file'), ('paste', 'Pasted text'), ('command', 'Command line')], max_length=10, verbose_name='source')),
                        ('file_name', models.CharField(blank=True, max_length=255, verbose_name='file name')),
                        ('checksum', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('size', models.PositiveIntegerField(default=0, verbose_name='size in bytes')),
                        ('file_format', models.CharField(blank=True, max_length=40, verbose_name='format')),
                        ('table', models.JSONField(default=dict, editable=False, verbose_name='parsed table')),
                        ('resolutions', models.JSONField(blank=True, default=dict, editable=False, verbose_name='resolutions')),
                        ('rows_total', models.PositiveIntegerField(default=0, verbose_name='rows')),
                        ('rows_checked', models.PositiveIntegerField(default=0, verbose_name='rows checked')),
                        ('counts', models.JSONField(blank=True, default=dict, verbose_name='counts')),
                        ('year_created', models.BooleanField(default=False, verbose_name='year created by this import')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded')),
                        ('applied_at', models.DateTimeField(blank=True, null=True, verbose_name='applied')),
                        ('reverted_at', models.DateTimeField(blank=True, null=True, verbose_name='reverted')),
                        ('applied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='applied by')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                        ('province', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.province', verbose_name='province')),
                        ('reverted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reverted by')),
                    ],
                    options={
                        'verbose_name': 'import',
                        'verbose_name_plural': 'imports',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportRow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('line', models.PositiveIntegerField(verbose_name='line')),
                        ('number', models.CharField(blank=True, max_length=20, verbose_name='row number in the table')),
                        ('name', models.CharField(blank=True, max_length=300, verbose_name='organisation as written')),
                        ('district_name', models.CharField(blank=True, max_length=200, verbose_name='district as written')),
                        ('province_name', models.CharField(blank=True, max_length=200, verbose_name='province as written')),
                        ('match', models.CharField(blank=True, choices=[('name', 'by name'), ('alias', 'by alias'), ('create', 'new organisation'), ('', 'not matched')], max_length=8, verbose_name='matched')),
                        ('status', models.CharField(choices=[('new', 'New'), ('changed', 'Changed'), ('unchanged', 'Unchanged'), ('warning', 'Warning'), ('error', 'Error')], max_length=10, verbose_name='status')),
                        ('effect', models.CharField(blank=True, max_length=10, verbose_name='effect')),
                        ('messages', models.JSONField(blank=True, default=list, verbose_name='reasons')),
                        ('before', models.JSONField(blank=True, null=True, verbose_name='stored before')),
                        ('after', models.JSONField(blank=True, null=True, verbose_name='after the import')),
                        ('suggestions', models.JSONField(blank=True, default=list, verbose_name='suggestions')),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='imports.importbatch', verbose_name='import')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='organisations.organisation', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'imported row',
                        'verbose_name_plural': 'imported rows',
                        'ordering': ['batch', 'line'],
                        'indexes': [models.Index(fields=['batch', 'status'], name='ita_importr_batch_i_401e1e_idx')],
                        'constraints': [models.UniqueConstraint(fields=('batch', 'line'), name='import_row_unique_line')],
                    },
                ),
            ]
        ),
        migrations.RenameIndex(
            model_name="importrow",
            new_name="imports_imp_batch_i_4b8c02_idx",
            old_name="ita_importr_batch_i_401e1e_idx",
        ),
    ]
