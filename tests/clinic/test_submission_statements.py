"""A submission runs only statements that do something for the intake it stores.

No delete of rows a new intake cannot have, no supersede update without an older
version, no savepoint inside the submission's own transaction, nothing read back that
the transaction has just written. Counted with the submission as the outermost
transaction, as in a request.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic import submission
from intake.document import parse_document
from intake.models import Intake
from tests.builders import days_before, with_answers
from tests.intake.conftest import VIGNETTES

# The emergency of vignette 02, with one row in each repeating part.
ANSWERS = {
    "medications": [{"name": "Metformin", "dose": "500 mg"}],
    "vaccinations": [{"name": "Influenza", "date": days_before(100)}],
    "injuries": [{"kind": "broken_leg", "date": days_before(400)}],
}


def statements(run) -> list[str]:
    """Each statement's verb and table, with the summary's task (sent on commit) held back
    and the transaction's own BEGIN and COMMIT left out."""
    with (
        mock.patch("reports.scheduling.enqueue_summary"),
        CaptureQueriesContext(connection) as captured,
    ):
        run()
    verbs = [
        f"{query['sql'].split(' ', 1)[0].upper()} {_table(query['sql'])}" for query in captured
    ]
    return [verb for verb in verbs if verb.split()[0] not in ("BEGIN", "COMMIT")]


def _table(sql: str) -> str:
    words = sql.replace('"', "").split()
    keyword = {"INSERT": "INTO", "UPDATE": "UPDATE", "DELETE": "FROM", "SELECT": "FROM"}.get(
        words[0].upper()
    )
    if keyword is None:
        return ""
    return words[[w.upper() for w in words].index(keyword) + 1].split(".")[0]


@pytest.mark.django_db(transaction=True)
def test_a_new_intake_from_a_document_runs_one_statement_per_row_it_stores(front_desk):
    doc = parse_document(with_answers(VIGNETTES["02-bladder-loss"]["document"], ANSWERS))

    ran = statements(lambda: submission.create_intake_from_document(doc, by=front_desk))

    # An audit event is linked into the chain by the insert's trigger on PostgreSQL; the
    # embedded default reads the last event first and links it in Python (audit/chain.py).
    audit = ["INSERT audit_auditevent"]
    if connection.vendor != "postgresql":
        audit.insert(0, "SELECT audit_auditevent")
    assert ran == [
        "SELECT intake_patient",  # is this patient known?
        "INSERT intake_patient",
        "INSERT intake_namewordvariant",  # the name's words, for the typo-tolerant search
        *audit,
        "INSERT intake_intake",  # written once, already submitted
        *audit,
        "INSERT intake_medication",
        "INSERT intake_vaccination",
        "INSERT intake_injury",
        "INSERT intake_intakeversion",
        "INSERT triage_triageassessment",
        "INSERT triage_triageflag",  # every flag in one statement
        "UPDATE intake_intake",  # the level and the open alert, for the worklist
        "INSERT triage_alert",  # an emergency: the alert, raised with the submission
        *audit,
        "INSERT reports_previsitsummary",
        *audit,
    ]
    assert Intake.objects.get().triage_level == "emergency"


@pytest.mark.django_db(transaction=True)
def test_an_amendment_supersedes_older_summaries_and_a_first_version_does_not(front_desk):
    doc = parse_document(VIGNETTES["02-bladder-loss"]["document"])
    first = statements(lambda: submission.create_intake_from_document(doc, by=front_desk))
    intake = Intake.objects.get()

    amended = statements(
        lambda: submission.amend_intake(
            intake=intake,
            by=front_desk,
            reason="misheard",
            seen_revision=intake.revision,
            answers={"bladder_bowel_control_loss": False},
        )
    )

    assert "UPDATE reports_previsitsummary" not in first
    assert "UPDATE reports_previsitsummary" in amended
    assert not [s for s in first + amended if s.startswith(("SAVEPOINT", "DELETE"))]
