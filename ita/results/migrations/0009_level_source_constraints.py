from django.db import migrations, models


class Migration(migrations.Migration):
    """The levels' source constraints, after 0008 has filled the sources and committed (an
    ALTER TABLE beside the updates of the same transaction fails on PostgreSQL)."""

    dependencies = [
        ("ita", "0008_level_sources"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('level', ''), ('level_source', '')), models.Q(models.Q(('level', ''), _negated=True), ('level_source__in', ['published', 'computed'])), _connector='OR'), name='assessment_level_source', violation_error_message='A level needs its source (published or computed).'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('passed__isnull', True), ('passed_source', '')), models.Q(('passed__isnull', False), ('passed_source__in', ['published', 'computed'])), _connector='OR'), name='assessment_passed_source', violation_error_message='Pass or fail needs its source (published or computed).'),
        ),
    ]
