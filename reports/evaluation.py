"""The evaluation contract (clinical-content.md §4): one document in, one JSON object out."""

from intake.document import IntakeDocument
from reports.suggestions import suggest_tests
from triage.engine import evaluate_triage


def evaluate_document(doc: IntakeDocument) -> dict[str, object]:
    """Triage and suggested tests as the §4 JSON object (JSON-serialisable as is).

    Each suggestion also carries `first_line` and `note` (empty when there is none).
    """
    triage = evaluate_triage(doc)
    return {
        "level": triage.level,
        "flags": [
            {
                "code": flag.code,
                "severity": flag.severity,
                "title": flag.title,
                "evidence": list(flag.evidence),
                "source": flag.source,
            }
            for flag in triage.flags
        ],
        "suggested_tests": [
            {
                "code": suggestion.code,
                "name": suggestion.name,
                "reasons": list(suggestion.reasons),
                "first_line": suggestion.first_line,
                "note": suggestion.note,
            }
            for suggestion in suggest_tests(doc, triage)
        ],
        "rules_version": triage.rules_version,
    }
