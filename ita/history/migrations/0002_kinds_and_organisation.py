"""Typed event kinds, and the organisation each change belongs to (filled in by memos.0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0001_initial"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="event",
            new_name="history_eve_object__14e17f_idx",
            old_name="ita_event_object__eeca75_idx",
        ),
        migrations.AlterField(
            model_name="event",
            name="action",
            field=models.CharField(choices=[('organisation.create', 'Organisation created'), ('organisation.emblem', 'Emblem changed'), ('alias.add', 'Organisation spelling added'), ('district_alias.add', 'District spelling added'), ('year.create', 'Assessment year created'), ('assessment.scores', 'Indicator scores set'), ('import.preview', 'Import previewed'), ('import.checked', 'Import checked'), ('import.create_organisation', 'Import row to create an organisation'), ('import.discard', 'Import discarded'), ('import.apply', 'Import applied'), ('import.revert', 'Import reverted'), ('finding.create', 'Finding added'), ('finding.update', 'Finding edited'), ('finding.delete', 'Finding deleted'), ('oit.load', 'OIT checklist loaded'), ('oit.statuses', 'OIT checklist answered'), ('measure.create', 'Measure added'), ('measure.suggest', 'Measure suggested'), ('measure.update', 'Measure edited'), ('measure.keep', 'Suggested measure kept'), ('measure.drop', 'Suggested measure dropped'), ('measure.delete', 'Measure deleted'), ('measure.progress', 'Progress recorded'), ('measure.reminder.due_soon', 'Reminder: period ends soon'), ('measure.reminder.overdue', 'Reminder: overdue'), ('memo.chain', 'Sign-off chain configured'), ('memo.create', 'Memo drafted'), ('memo.update', 'Memo edited'), ('memo.send', 'Memo sent'), ('memo.forward', 'Memo agreed and sent on'), ('memo.decide', 'Memo decided'), ('memo.return', 'Memo returned'), ('memo.withdraw', 'Memo withdrawn'), ('memo.attach', 'File attached'), ('memo.detach', 'File removed')], max_length=60, verbose_name="action"),
        ),
        migrations.AddField(
            model_name="event",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="organisations.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["organisation", "at"], name="history_eve_organis_a9e050_idx"),
        ),
    ]
