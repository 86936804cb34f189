import json

from intake.document import parse_document
from reports.evaluation import evaluate_document
from tests.builders import VIGNETTES, document, load_vignette


def test_evaluation_is_the_spec_json_object():
    doc = parse_document(load_vignette(VIGNETTES[1])["document"])  # 02-bladder-loss

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
                "note": "[ext] No imaging for uncomplicated radicular pain in its first 6 weeks; "
                "article FAQ: MRI shows a herniated disc",
            }
        ],
        "rules_version": "2026.11.1",
    }


def test_first_line_suggestions_carry_the_aan_note():
    doc = document({"conditions": ["diabetes"]})

    assert evaluate_document(doc)["suggested_tests"] == [
        {
            "code": "glucose_hba1c",
            "name": "Fasting glucose and HbA1c",
            "reasons": ["Condition: diabetes (conditions)"],
            "first_line": True,
            "note": "First-line screening for distal symmetric polyneuropathy (AAN 2009, level C)",
        }
    ]


def test_evaluation_round_trips_through_json():
    result = evaluate_document(document({"symptoms.description": "can't walk — “bowel”"}))

    assert json.loads(json.dumps(result)) == result
