"""The worklist's two database-kept columns, and the triggers that keep worklist_version.

worklist_version grows whenever a listed column of the intake (LISTED_COLUMNS below) or
its patient's name, MRN or date of birth changes; whatever the
application writes to it is ignored, so saving an instance read before a change cannot set
it back. Another trigger may ask for a step by writing a larger value (`+ 1`). Flags
(triage 0005) and summaries (reports 0003) bump it the same way.

On PostgreSQL a BEFORE UPDATE trigger sets the new row's value. SQLite has no BEFORE that
may change the row, so an AFTER UPDATE trigger writes it (SQLite does not fire a trigger
from its own statement); there, saving an instance read before its summary's status changed
steps it once more than needed, which costs one refresh that draws the same rows.
"""

from django.conf import settings
from django.db import migrations, models

from intake.triggers import changed, per_vendor

# The intake columns a worklist row shows or is listed by (clinic.clinician.worklist's
# ROW_FIELDS, its filters and its order), and its patient's: tests/clinic/clinician/test_worklist_version.py
# changes each field the rows show and expects a step.
LISTED_COLUMNS = (
    "patient_id", "status", "version", "reported_on", "submitted_at", "triage_level",
    "open_alert", "reviewed_at", "summary_status",
)  # fmt: skip
LISTED_PATIENT_COLUMNS = ("given_name", "family_name", "mrn", "date_of_birth", "search_name")

POSTGRESQL = (
    f"""
    CREATE FUNCTION intake_intake_worklist_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.worklist_version := OLD.worklist_version + CASE
            WHEN NEW.worklist_version > OLD.worklist_version
                OR {changed(LISTED_COLUMNS, vendor="postgresql")} THEN 1
            ELSE 0 END;
        RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER intake_intake_worklist_version
        BEFORE UPDATE ON intake_intake
        FOR EACH ROW EXECUTE FUNCTION intake_intake_worklist_version()
    """,
    """
    CREATE FUNCTION intake_patient_worklist_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE intake_intake SET worklist_version = worklist_version + 1
        WHERE patient_id = NEW.id;
        RETURN NULL;
    END;
    $$
    """,
    f"""
    CREATE TRIGGER intake_patient_worklist_version
        AFTER UPDATE ON intake_patient
        FOR EACH ROW WHEN {changed(LISTED_PATIENT_COLUMNS, vendor="postgresql")}
        EXECUTE FUNCTION intake_patient_worklist_version()
    """,
)
SQLITE_CHANGED = changed(LISTED_COLUMNS, vendor="sqlite")
SQLITE = (
    f"""
    CREATE TRIGGER intake_intake_worklist_version
        AFTER UPDATE ON intake_intake
        FOR EACH ROW WHEN NEW.worklist_version IS NOT OLD.worklist_version OR {SQLITE_CHANGED}
    BEGIN
        UPDATE intake_intake SET worklist_version = OLD.worklist_version
            + (NEW.worklist_version > OLD.worklist_version OR {SQLITE_CHANGED})
        WHERE id = NEW.id;
    END
    """,  # nosec B608 (DDL built from the constant column lists above)
    f"""
    CREATE TRIGGER intake_patient_worklist_version
        AFTER UPDATE ON intake_patient
        FOR EACH ROW WHEN {changed(LISTED_PATIENT_COLUMNS, vendor="sqlite")}
    BEGIN
        UPDATE intake_intake SET worklist_version = worklist_version + 1
        WHERE patient_id = NEW.id;
    END
    """,  # nosec B608
)
DROP = {
    "postgresql": (
        "DROP TRIGGER IF EXISTS intake_patient_worklist_version ON intake_patient",
        "DROP FUNCTION IF EXISTS intake_patient_worklist_version()",
        "DROP TRIGGER IF EXISTS intake_intake_worklist_version ON intake_intake",
        "DROP FUNCTION IF EXISTS intake_intake_worklist_version()",
    ),
    "sqlite": (
        "DROP TRIGGER IF EXISTS intake_patient_worklist_version",
        "DROP TRIGGER IF EXISTS intake_intake_worklist_version",
    ),
}


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0007_patient_phone_validator'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='intake',
            name='summary_status',
            field=models.CharField(blank=True, choices=[('pending', 'Being prepared'), ('ready', 'Ready'), ('failed', 'Failed'), ('superseded', 'Superseded by a newer version')], editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name='intake',
            name='worklist_version',
            field=models.PositiveBigIntegerField(default=1, editable=False),
        ),
        migrations.AddIndex(
            model_name='intake',
            index=models.Index(models.F('summary_status'), models.Func(models.F('open_alert'), output_field=models.IntegerField(), template='(-%(expressions)s)'), models.F('submitted_at'), models.F('id'), condition=models.Q(('status', 'draft'), _negated=True), name='intake_worklist_summary'),
        ),
        per_vendor({"postgresql": POSTGRESQL, "sqlite": SQLITE}, DROP),
    ]
