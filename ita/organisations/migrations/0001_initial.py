"""Organisations and people, taken over from the ``ita`` app (tables renamed by ``ita.0005``).

The state is the tables as they are (the organisation still has its memo chain, which
``memos.0003`` copies out and ``0002`` drops); only the index of acting appointments is renamed
for its new table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import ita.documents.emblem


def default_memo_chain():
    # The default of that time; the chain has moved to memos.MemoSettings.
    return ["head", "deputy", "clerk", "mayor"]


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
                    name='District',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('name_key', models.CharField(db_index=True, editable=False, max_length=100)),
                    ],
                    options={
                        'verbose_name': 'district',
                        'verbose_name_plural': 'districts',
                        'ordering': ['province__name', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Province',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                        ('name_en', models.CharField(blank=True, max_length=100, verbose_name='name in English')),
                        ('region', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='NACC region (พื้นที่ภาค)')),
                    ],
                    options={
                        'verbose_name': 'province',
                        'verbose_name_plural': 'provinces',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('name_key', models.CharField(db_index=True, editable=False, max_length=200)),
                        ('kind', models.CharField(choices=[('pao', 'Provincial Administrative Organisation (อบจ.)'), ('city', 'City Municipality (เทศบาลนคร)'), ('town', 'Town Municipality (เทศบาลเมือง)'), ('sdm', 'Subdistrict Municipality (เทศบาลตำบล)'), ('sao', 'Subdistrict Administrative Organisation (อบต.)')], max_length=8, verbose_name='kind')),
                        ('code', models.CharField(blank=True, help_text="The organisation's official code (รหัส อปท.), when known.", max_length=20, null=True, unique=True, verbose_name='code')),
                        ('letter_code', models.CharField(blank=True, help_text='The code in front of memo numbers, e.g. ตง ๗๘๒๐๑.', max_length=40, verbose_name='letter code')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('memo_chain', models.JSONField(blank=True, default=default_memo_chain, help_text='The executive roles a memo passes, in order, e.g. ["head", "clerk", "mayor"] for an organisation without a deputy clerk. It must end with the mayor.', verbose_name='memo sign-off chain')),
                        ('emblem', models.FileField(blank=True, help_text='The Garuda emblem printed at the top left of memos: PNG or SVG, at most 1 MB.', upload_to='emblems/', validators=[ita.documents.emblem.validate_emblem_file], verbose_name='emblem')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='organisations.district', verbose_name='district')),
                    ],
                    options={
                        'verbose_name': 'organisation',
                        'verbose_name_plural': 'organisations',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='OrganisationAlias',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='spelling')),
                        ('name_key', models.CharField(db_index=True, editable=False, max_length=200)),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='organisations.organisation', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'alias',
                        'verbose_name_plural': 'aliases',
                    },
                ),
                migrations.CreateModel(
                    name='Position',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('role', models.CharField(choices=[('staff', 'Staff (author)'), ('head', "Head of the clerk's office (หัวหน้าสำนักปลัด)"), ('deputy', 'Deputy clerk (รองปลัด)'), ('clerk', 'Clerk (ปลัด)'), ('mayor', 'Mayor / chief executive (นายก)')], default='staff', max_length=10, verbose_name='role')),
                        ('unit', models.CharField(blank=True, max_length=200, verbose_name='unit')),
                        ('holder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='positions', to=settings.AUTH_USER_MODEL, verbose_name='holder')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='positions', to='organisations.organisation', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'position',
                        'verbose_name_plural': 'positions',
                        'ordering': ['organisation', 'role', 'title'],
                    },
                ),
                migrations.CreateModel(
                    name='ActingAppointment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('starts', models.DateField(verbose_name='from')),
                        ('ends', models.DateField(verbose_name='until (inclusive)')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='order or note')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='acting_appointments', to=settings.AUTH_USER_MODEL, verbose_name='acting holder')),
                        ('position', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='acting_appointments', to='organisations.position', verbose_name='position acted for')),
                    ],
                    options={
                        'verbose_name': 'acting appointment',
                        'verbose_name_plural': 'acting appointments',
                        'ordering': ['position', '-starts'],
                    },
                ),
                migrations.AddField(
                    model_name='district',
                    name='province',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='districts', to='organisations.province', verbose_name='province'),
                ),
                migrations.CreateModel(
                    name='DistrictAlias',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='spelling')),
                        ('name_key', models.CharField(db_index=True, editable=False, max_length=100)),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='organisations.district', verbose_name='district')),
                    ],
                    options={
                        'verbose_name': 'district alias',
                        'verbose_name_plural': 'district aliases',
                        'constraints': [models.UniqueConstraint(fields=('district', 'name_key'), name='district_alias_unique')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='organisation',
                    constraint=models.UniqueConstraint(fields=('district', 'name'), name='organisation_unique_name'),
                ),
                migrations.AddConstraint(
                    model_name='organisationalias',
                    constraint=models.UniqueConstraint(fields=('organisation', 'name_key'), name='alias_unique_key'),
                ),
                migrations.AddIndex(
                    model_name='actingappointment',
                    index=models.Index(fields=['user', 'starts', 'ends'], name='ita_actinga_user_id_cc3099_idx'),
                ),
                migrations.AddConstraint(
                    model_name='actingappointment',
                    constraint=models.CheckConstraint(condition=models.Q(('ends__gte', models.F('starts'))), name='acting_period_order'),
                ),
                migrations.AddConstraint(
                    model_name='district',
                    constraint=models.UniqueConstraint(fields=('province', 'name'), name='district_unique_name'),
                ),
            ]
        ),
        migrations.RenameIndex(
            model_name="actingappointment",
            new_name="organisatio_user_id_5eee78_idx",
            old_name="ita_actinga_user_id_cc3099_idx",
        ),
    ]
