"""What was done about an intake's alert steps its worklist_version (as its flags do, 0005):
the worklist row shows the desk's latest action and the acknowledgement, and its 10-second
refresh answers 304 until one of them changes.

Triggers on triage_alert are lost if a later migration makes SQLite rebuild that table
(docs/decisions/0019): such a migration drops and writes them again.
"""

from django.db import migrations

from intake.triggers import changed, per_vendor

SHOWN = ("acknowledged_at", "acknowledged_by_id", "intake_id")
STEP = "UPDATE intake_intake SET worklist_version = worklist_version + 1 WHERE id = {intake}"
OF_THE_ACTION = "(SELECT intake_id FROM triage_alert WHERE id = NEW.alert_id)"
POSTGRESQL = (
    f"""
    CREATE FUNCTION triage_alert_action_written() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {STEP.format(intake=OF_THE_ACTION)};
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE TRIGGER triage_alert_action_written
        AFTER INSERT ON triage_alertaction
        FOR EACH ROW EXECUTE FUNCTION triage_alert_action_written()
    """,
    f"""
    CREATE FUNCTION triage_alert_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {STEP.format(intake="NEW.intake_id")};
        RETURN NULL;
    END;
    $$
    """,
    f"""
    CREATE TRIGGER triage_alert_changed
        AFTER UPDATE ON triage_alert
        FOR EACH ROW WHEN {changed(SHOWN, vendor="postgresql")}
        EXECUTE FUNCTION triage_alert_changed()
    """,
)
SQLITE = (
    f"""
    CREATE TRIGGER triage_alert_action_written
        AFTER INSERT ON triage_alertaction
        FOR EACH ROW
    BEGIN
        {STEP.format(intake=OF_THE_ACTION)};
    END
    """,
    f"""
    CREATE TRIGGER triage_alert_changed
        AFTER UPDATE ON triage_alert
        FOR EACH ROW WHEN {changed(SHOWN, vendor="sqlite")}
    BEGIN
        {STEP.format(intake="NEW.intake_id")};
    END
    """,
)
DROP = {
    "postgresql": (
        "DROP TRIGGER IF EXISTS triage_alert_changed ON triage_alert",
        "DROP FUNCTION IF EXISTS triage_alert_changed()",
        "DROP TRIGGER IF EXISTS triage_alert_action_written ON triage_alertaction",
        "DROP FUNCTION IF EXISTS triage_alert_action_written()",
    ),
    "sqlite": (
        "DROP TRIGGER IF EXISTS triage_alert_changed",
        "DROP TRIGGER IF EXISTS triage_alert_action_written",
    ),
}


class Migration(migrations.Migration):
    dependencies = [("triage", "0007_alert_acknowledged_by_time")]

    operations = [per_vendor({"postgresql": POSTGRESQL, "sqlite": SQLITE}, DROP)]
