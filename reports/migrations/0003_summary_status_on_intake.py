"""The current version's summary status, copied onto the intake (intake.Intake.summary_status).

A summary inserted, or its status changed, writes it to its intake when the summary is the
current version's; and every write of an intake reads it again from the summaries, so an
instance read before the summary changed cannot save an old status back, and a new version
starts with its own summary's status ("" until it has one). Existing intakes are filled in.
"""

from django.db import migrations

from intake.triggers import per_vendor

CURRENT = """coalesce((
    SELECT s.status FROM reports_previsitsummary s
    WHERE s.intake_id = {intake}.id AND s.intake_version = {intake}.version
), '')"""
TO_INTAKE = """
    UPDATE intake_intake SET summary_status = NEW.status
    WHERE id = NEW.intake_id AND version = NEW.intake_version
        AND summary_status {differs} NEW.status
"""
POSTGRESQL = (
    f"""
    CREATE FUNCTION intake_intake_summary_status() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.summary_status := {CURRENT.format(intake="NEW")};
        RETURN NEW;
    END;
    $$
    """,
    # Named to sort before intake_intake_worklist_version: PostgreSQL fires BEFORE triggers
    # in name order, and that one compares the status this one sets.
    """
    CREATE TRIGGER intake_intake_summary_status
        BEFORE UPDATE ON intake_intake
        FOR EACH ROW EXECUTE FUNCTION intake_intake_summary_status()
    """,
    f"""
    CREATE FUNCTION reports_summary_status_to_intake() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {TO_INTAKE.format(differs="IS DISTINCT FROM")};
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE TRIGGER reports_summary_status_to_intake
        AFTER INSERT OR UPDATE OF status ON reports_previsitsummary
        FOR EACH ROW EXECUTE FUNCTION reports_summary_status_to_intake()
    """,
)
SQLITE = (
    f"""
    CREATE TRIGGER intake_intake_summary_status
        AFTER UPDATE ON intake_intake
        FOR EACH ROW WHEN NEW.summary_status IS NOT {CURRENT.format(intake="NEW")}
    BEGIN
        UPDATE intake_intake SET summary_status = {CURRENT.format(intake="intake_intake")}
        WHERE id = NEW.id;
    END
    """,  # nosec B608 (DDL built from the constant expressions above)
    f"""
    CREATE TRIGGER reports_summary_inserted
        AFTER INSERT ON reports_previsitsummary
        FOR EACH ROW
    BEGIN
        {TO_INTAKE.format(differs="IS NOT")};
    END
    """,
    f"""
    CREATE TRIGGER reports_summary_status_changed
        AFTER UPDATE OF status ON reports_previsitsummary
        FOR EACH ROW WHEN NEW.status IS NOT OLD.status
    BEGIN
        {TO_INTAKE.format(differs="IS NOT")};
    END
    """,
)
FILL = f"UPDATE intake_intake SET summary_status = {CURRENT.format(intake='intake_intake')}"  # nosec B608
DROP = {
    "postgresql": (
        "DROP TRIGGER IF EXISTS reports_summary_status_to_intake ON reports_previsitsummary",
        "DROP FUNCTION IF EXISTS reports_summary_status_to_intake()",
        "DROP TRIGGER IF EXISTS intake_intake_summary_status ON intake_intake",
        "DROP FUNCTION IF EXISTS intake_intake_summary_status()",
    ),
    "sqlite": (
        "DROP TRIGGER IF EXISTS reports_summary_status_changed",
        "DROP TRIGGER IF EXISTS reports_summary_inserted",
        "DROP TRIGGER IF EXISTS intake_intake_summary_status",
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_summary_refreshes"),
        ("intake", "0008_worklist_version_and_summary_status"),
    ]

    operations = [
        per_vendor(
            {"postgresql": (*POSTGRESQL, FILL), "sqlite": (*SQLITE, FILL)},
            DROP,
        )
    ]
