"""A flag written or acknowledged steps its intake's worklist_version (intake 0008).

Flags are inserted in one statement per assessment (bulk_create): on PostgreSQL a
statement-level trigger steps each intake once, not once per flag. An update steps it only
when something a row shows changed (whether acknowledged, or the wording).
"""

from django.db import migrations

from intake.triggers import changed, per_vendor

SHOWN = ("code", "severity", "title", "acknowledged_at")
STEP = """
    UPDATE intake_intake SET worklist_version = worklist_version + 1
    WHERE id IN (SELECT a.intake_id FROM triage_triageassessment a WHERE a.id IN ({flags}))
"""
POSTGRESQL = (
    f"""
    CREATE FUNCTION triage_flags_written() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {STEP.format(flags="SELECT assessment_id FROM written_flags")};
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE TRIGGER triage_flags_written
        AFTER INSERT ON triage_triageflag
        REFERENCING NEW TABLE AS written_flags
        FOR EACH STATEMENT EXECUTE FUNCTION triage_flags_written()
    """,
    f"""
    CREATE FUNCTION triage_flag_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {STEP.format(flags="NEW.assessment_id")};
        RETURN NULL;
    END;
    $$
    """,
    f"""
    CREATE TRIGGER triage_flag_changed
        AFTER UPDATE ON triage_triageflag
        FOR EACH ROW WHEN {changed(SHOWN, vendor="postgresql")}
        EXECUTE FUNCTION triage_flag_changed()
    """,
)
SQLITE = (
    f"""
    CREATE TRIGGER triage_flag_written
        AFTER INSERT ON triage_triageflag
        FOR EACH ROW
    BEGIN
        {STEP.format(flags="NEW.assessment_id")};
    END
    """,
    f"""
    CREATE TRIGGER triage_flag_changed
        AFTER UPDATE ON triage_triageflag
        FOR EACH ROW WHEN {changed(SHOWN, vendor="sqlite")}
    BEGIN
        {STEP.format(flags="NEW.assessment_id")};
    END
    """,
)
DROP = {
    "postgresql": (
        "DROP TRIGGER IF EXISTS triage_flag_changed ON triage_triageflag",
        "DROP FUNCTION IF EXISTS triage_flag_changed()",
        "DROP TRIGGER IF EXISTS triage_flags_written ON triage_triageflag",
        "DROP FUNCTION IF EXISTS triage_flags_written()",
    ),
    "sqlite": (
        "DROP TRIGGER IF EXISTS triage_flag_changed",
        "DROP TRIGGER IF EXISTS triage_flag_written",
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0004_reasked_answers"),
        ("intake", "0008_worklist_version_and_summary_status"),
    ]

    operations = [per_vendor({"postgresql": POSTGRESQL, "sqlite": SQLITE}, DROP)]
