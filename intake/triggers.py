"""Database triggers written by migrations, one SQL text per vendor.

The worklist reads two columns that the database keeps (intake.Intake.summary_status and
worklist_version): kept by triggers, a bulk `update()` or an admin edit keeps them right
too. Migrations of the apps above the intake (triage, reports) add their triggers the same
way.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations

Statements = Sequence[str]


def changed(columns: Sequence[str], *, vendor: str) -> str:
    """SQL true when any of `columns` differs between OLD and NEW (NULLs compared as values)."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return "(" + " OR ".join(f"NEW.{column} {differs} OLD.{column}" for column in columns) + ")"


def per_vendor(
    forward: dict[str, Statements], backward: dict[str, Statements]
) -> migrations.RunPython:
    """A migration operation running the statements written for the connection's vendor."""

    def run(statements: dict[str, Statements]):
        def execute(apps, schema_editor) -> None:
            for statement in statements.get(schema_editor.connection.vendor, ()):
                schema_editor.execute(statement, params=None)

        return execute

    return migrations.RunPython(run(forward), run(backward))
