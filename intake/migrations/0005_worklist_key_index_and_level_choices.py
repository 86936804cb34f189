"""One index per worklist order, declared in Intake.Meta (WORKLIST_KEY), on SQLite and
PostgreSQL alike; it replaces the Meta index of mixed directions and the raw-SQL copy of
migration 0003. Level and alert choices on the fields."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0004_typed_text_validators'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Made by 0003 on PostgreSQL only, outside the migration state; the Meta index below
        # takes its name and its key.
        migrations.RunSQL(
            "DROP INDEX IF EXISTS intake_worklist_key", reverse_sql=migrations.RunSQL.noop
        ),
        migrations.RemoveIndex(
            model_name='intake',
            name='intake_worklist_order',
        ),
        migrations.AlterField(
            model_name='intake',
            name='open_alert',
            field=models.PositiveSmallIntegerField(choices=[(0, 'None'), (1, 'Urgent'), (2, 'Emergency')], default=0),
        ),
        migrations.AlterField(
            model_name='intake',
            name='triage_level',
            field=models.CharField(blank=True, choices=[('emergency', 'Emergency'), ('urgent', 'Urgent'), ('routine', 'Routine')], max_length=16),
        ),
        migrations.AddIndex(
            model_name='intake',
            index=models.Index(models.Func(models.F('open_alert'), output_field=models.IntegerField(), template='(-%(expressions)s)'), models.F('submitted_at'), models.F('id'), condition=models.Q(('status', 'draft'), _negated=True), name='intake_worklist_key'),
        ),
    ]
