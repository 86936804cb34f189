"""`make safety`: the vignettes through evaluate_intake, against their references."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.management.commands.safety_figures import Figures, Share, safety_figures
from tests.builders import VIGNETTES, benign_data, load_vignette


def result(level: str, flags=(), tests=()) -> dict:
    return {
        "level": level,
        "flags": [{"code": code} for code in flags],
        "suggested_tests": [{"code": code} for code in tests],
    }


def reference(level: str, flags=(), tests=()) -> dict:
    return {"level": level, "flags": list(flags), "suggested_tests": list(tests)}


def test_the_figures_count_recall_level_and_exact_agreement():
    cases = [
        ("caught", reference("emergency", ["confusion"]), result("emergency", ["confusion"])),
        ("missed", reference("emergency", ["confusion"]), result("urgent", ["leg_weakness"])),
        ("level-only", reference("urgent", ["a"], ["x"]), result("urgent", ["a"], ["y"])),
        ("exact", reference("routine", [], ["x"]), result("routine", [], ["x"])),
    ]

    assert safety_figures(cases) == Figures(
        emergency_recall=Share(1, 2),
        level_agreement=Share(3, 4),
        exact_agreement=Share(2, 4),
        disagreements=("missed", "level-only"),
    )


def test_a_share_reads_as_a_count_and_a_percentage():
    assert str(Share(27, 28)) == "27/28 (96.4%)"
    assert str(Share(0, 0)) == "0/0 (n/a)"


def test_every_repository_vignette_agrees_exactly():
    out = StringIO()

    call_command("safety_figures", stdout=out)

    assert out.getvalue().splitlines()[1:] == [
        "Emergency recall: 10/10 (100.0%)",
        "Level agreement: 28/28 (100.0%)",
        "Exact agreement (level, flags, tests): 28/28 (100.0%)",
        "A regression check on cases written together with the rules, not an external validation.",
    ]
    assert len(VIGNETTES) == 28


def test_a_missed_emergency_fails_the_check_and_names_the_case(tmp_path):
    wrong = {"document": benign_data(), "reference": reference("emergency", ["confusion"])}
    (tmp_path / "99-wrong.json").write_text(json.dumps(wrong), encoding="utf-8")
    right = load_vignette(VIGNETTES[1])
    (tmp_path / "02-bladder-loss.json").write_text(json.dumps(right), encoding="utf-8")
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("safety_figures", vignettes=tmp_path, stdout=out)

    assert raised.value.returncode == 1
    assert out.getvalue().splitlines()[1:5] == [
        "Emergency recall: 1/2 (50.0%)",
        "Level agreement: 1/2 (50.0%)",
        "Exact agreement (level, flags, tests): 1/2 (50.0%)",
        "Disagrees with its reference: 99-wrong",
    ]


def test_a_directory_without_vignettes_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no vignettes"):
        call_command("safety_figures", vignettes=tmp_path, stdout=StringIO())
