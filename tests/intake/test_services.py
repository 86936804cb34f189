"""The intake's plain services: what an amendment changed, by answer path."""

from intake.services import changed_paths


def test_an_amendment_names_each_answer_of_a_section_the_earlier_version_lacked():
    before = {"red_flags": {"confusion": False}, "notes": ""}
    after = {
        "red_flags": {"confusion": True},
        "risk_factors": {"fever": False, "blood_thinner": True},
        "notes": "",
    }
    assert changed_paths(before, after) == [
        "red_flags.confusion",
        "risk_factors.blood_thinner",
        "risk_factors.fever",
    ]
    assert changed_paths(after, before) == [
        "red_flags.confusion",
        "risk_factors.blood_thinner",
        "risk_factors.fever",
    ]


def test_lists_and_values_are_compared_whole():
    before = {"conditions": ["diabetes"], "injuries": [{"kind": "other"}], "notes": "a"}
    after = {"conditions": ["diabetes", "cancer"], "injuries": [{"kind": "other"}], "notes": "a"}
    assert changed_paths(before, after) == ["conditions"]
