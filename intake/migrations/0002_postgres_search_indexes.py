"""Search indexes that only PostgreSQL has: trigram for names, pattern ops for MRN prefixes."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS patient_search_name_trgm "
    "ON intake_patient USING gin (search_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS patient_mrn_upper_prefix "
    "ON intake_patient (UPPER(mrn::text) text_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS patient_mrn_upper_prefix",
    "DROP INDEX IF EXISTS patient_search_name_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite searches the same columns without these indexes
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
