"""The worklist's sort key as one ascending index, so a keyset page is a single index seek.

triage.worklist orders by ((-open_alert), submitted_at, id) and cuts pages with one row
comparison on that tuple. `intake_worklist_order` (open_alert DESC, ...) gives the same
order, but a mixed-direction key cannot be compared as one row, so PostgreSQL walked every
earlier row of the index: page 200 of a million intakes read 10,000 entries. Built
CONCURRENTLY (hence not atomic) so a deploy does not block submissions on a large table.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS intake_worklist_key "
    "ON intake_intake ((-open_alert), submitted_at, id) WHERE NOT (status = 'draft')",
]
BACKWARD = ["DROP INDEX CONCURRENTLY IF EXISTS intake_worklist_key"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite plans these small tables well without it
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("intake", "0002_postgres_search_indexes")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
