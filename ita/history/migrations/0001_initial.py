"""The history log, taken over from the ``ita`` app (its table renamed by ``ita.0005``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("ita", "0005_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Event',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                        ('action', models.CharField(max_length=60, verbose_name='action')),
                        ('object_type', models.CharField(max_length=60, verbose_name='object type')),
                        ('object_id', models.CharField(blank=True, max_length=40, verbose_name='object')),
                        ('from_state', models.CharField(blank=True, max_length=40, verbose_name='from')),
                        ('to_state', models.CharField(blank=True, max_length=40, verbose_name='to')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='details')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ],
                    options={
                        'verbose_name': 'history entry',
                        'verbose_name_plural': 'history',
                        'ordering': ['-at', '-pk'],
                        'indexes': [models.Index(fields=['object_type', 'object_id'], name='ita_event_object__eeca75_idx')],
                    },
                ),
            ]
        ),
    ]
