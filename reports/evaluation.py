"""The evaluation contract (clinical-content.md §4): one document in, one JSON object out."""

from intake.document import IntakeDocument
from reports.suggestions import Suggestion, suggest_tests
from triage.engine import evaluate_triage

# A suggested test in the §4 contract: what the API and evaluate_intake answer.
SUGGESTION_FIELDS = ("code", "name", "reasons", "first_line", "note")


def suggestion_json(suggestion: Suggestion) -> dict[str, object]:
    """One suggested test as the §4 contract and the stored summary spell it."""
    return {
        "code": suggestion.code,
        "name": suggestion.name,
        "reasons": [str(reason) for reason in suggestion.reasons],
        "first_line": suggestion.first_line,
        "note": suggestion.note,
    }


def evaluate_document(doc: IntakeDocument) -> dict[str, object]:
    """Triage and suggested tests as the §4 JSON object (JSON-serialisable as is).

    Each suggestion also carries `first_line` and `note` (empty when there is none).
    """
    triage = evaluate_triage(doc)
    return {
        "level": str(triage.level),
        "flags": [
            {
                "code": flag.code,
                "severity": str(flag.severity),
                "title": flag.title,
                "evidence": list(flag.evidence),
                "source": flag.source,
            }
            for flag in triage.flags
        ],
        "suggested_tests": [suggestion_json(s) for s in suggest_tests(doc, triage)],
        "rules_version": triage.rules_version,
    }
