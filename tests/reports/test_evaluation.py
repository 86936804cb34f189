import json

from reports.evaluation import evaluate_document
from tests.builders import document


def test_evaluation_is_the_spec_json_object():
    # §4's example: bladder loss, every question asked (vignette 02 predates the new ones).
    doc = document({"red_flags.bladder_bowel_control_loss": True})

    assert evaluate_document(doc) == {
        "level": "emergency",
        "flags": [
            {
                "code": "bladder_bowel_control_loss",
                "severity": "emergency",
                "title": "Loss of bladder or bowel control",
                "evidence": ["red_flags.bladder_bowel_control_loss"],
                "source": "article: Call 911 — loss of bladder and/or bowel control",
            }
        ],
        "suggested_tests": [
            {
                "code": "mri_lumbar_spine",
                "name": "MRI of the lumbar spine",
                "reasons": [
                    "Loss of bladder or bowel control (red_flags.bladder_bowel_control_loss)"
                ],
                "first_line": False,
                "note": "",  # 2026.12.1: no caveat against imaging beside a red flag
            }
        ],
        "rules_version": "2026.12.1",
    }


def test_first_line_suggestions_carry_the_aan_note():
    doc = document({"conditions": ["diabetes"]})

    assert evaluate_document(doc)["suggested_tests"] == [
        {
            "code": "glucose_hba1c",
            "name": "Fasting glucose and HbA1c",
            "reasons": ["Condition: diabetes (conditions)"],
            "first_line": True,
            "note": "First-line screening for distal symmetric polyneuropathy (AAN 2009, level C). "
            "When glucose and HbA1c are normal, a 2-hour oral glucose tolerance test may be "
            "considered (AAN 2009)",
        }
    ]


def test_evaluation_round_trips_through_json():
    result = evaluate_document(document({"symptoms.description": "can't walk — “bowel”"}))

    assert json.loads(json.dumps(result)) == result
