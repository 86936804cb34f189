"""`manage.py evaluate_intake`: the evaluation contract (clinical-content.md §4) as a command."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from intake.document import parse_document
from intake.models import Intake, IntakeVersion, Patient
from reports.evaluation import evaluate_document
from reports.models import PreVisitSummary
from tests.builders import DELETE, VIGNETTES, benign_data, load_vignette, with_answers
from triage.models import TriageAssessment, TriageFlag

MANAGE = Path(__file__).parents[2] / "manage.py"
WRITTEN_BY_AN_INTAKE = (
    Patient,
    Intake,
    IntakeVersion,
    TriageAssessment,
    TriageFlag,
    PreVisitSummary,
    AuditEvent,
)


def row_counts() -> dict[str, int]:
    """Rows in every table an intake writes to: equal before and after means nothing was written."""
    return {model._meta.label: model.objects.count() for model in WRITTEN_BY_AN_INTAKE}


def run_command(path: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it: a separate process, so the exit status is the real one."""
    return subprocess.run(
        [sys.executable, str(MANAGE), "evaluate_intake", path],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def vignette_params() -> list[object]:
    return [pytest.param(path, id=path.stem) for path in VIGNETTES]


def invalid_document() -> dict:
    return with_answers(benign_data(), {"symptoms.severity": 11, "symptoms.sides": DELETE})


def document_file(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", vignette_params())
def test_the_command_prints_the_evaluation_of_every_vignette(tmp_path, path):
    vignette = load_vignette(path)
    result = run_command(str(document_file(tmp_path, vignette["document"])))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == evaluate_document(parse_document(vignette["document"]))
    reference = vignette["reference"]
    assert printed["level"] == reference["level"]
    assert sorted(flag["code"] for flag in printed["flags"]) == sorted(reference["flags"])
    assert sorted(test["code"] for test in printed["suggested_tests"]) == sorted(
        reference["suggested_tests"]
    )


def test_the_command_reads_standard_input_given_a_dash():
    document = load_vignette(VIGNETTES[1])["document"]
    result = run_command("-", stdin=json.dumps(document).encode())
    assert result.returncode == 0, result.stderr
    expected = evaluate_document(parse_document(document))
    assert json.loads(result.stdout) == expected


def test_an_invalid_document_exits_2_with_every_problem_by_path_on_stderr():
    result = run_command("-", stdin=json.dumps(invalid_document()).encode())
    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert "symptoms.sides: is required" in lines
    assert "symptoms.severity: must be between 0 and 10" in lines


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"\xff\xfe\x00garbage", b"", b"[" * 100_000],
    ids=["malformed", "not-utf8", "empty", "too-deep"],
)
def test_input_that_is_not_json_exits_2(raw):
    result = run_command("-", stdin=raw)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().startswith("(document): is not valid JSON")


def test_a_document_that_is_not_an_object_exits_2():
    result = run_command("-", stdin=b"[1, 2]")
    assert result.returncode == 2
    assert "(document): must be an object" in result.stderr.decode().splitlines()


def test_a_missing_file_exits_2_with_a_clear_message(tmp_path):
    missing = tmp_path / "nowhere.json"
    result = run_command(str(missing))
    assert result.returncode == 2
    assert result.stdout == b""
    assert f"{missing}: no such file" in result.stderr.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", vignette_params())
def test_evaluating_writes_nothing_to_the_database(tmp_path, path):
    vignette = load_vignette(path)
    before = row_counts()
    out = StringIO()
    call_command("evaluate_intake", str(document_file(tmp_path, vignette["document"])), stdout=out)
    assert json.loads(out.getvalue())["level"] == vignette["reference"]["level"]
    assert row_counts() == before


@pytest.mark.django_db
def test_a_rejected_document_writes_nothing_and_raises_with_status_2(tmp_path):
    path = document_file(tmp_path, invalid_document())
    before = row_counts()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("evaluate_intake", str(path), stdout=out, stderr=err)
    assert raised.value.returncode == 2
    assert out.getvalue() == ""
    assert err.getvalue().splitlines() == [
        "symptoms.sides: is required",
        "symptoms.severity: must be between 0 and 10",
    ]
    assert row_counts() == before


def refused_with_emergencies() -> dict:
    return with_answers(
        benign_data(),
        {
            "symptoms.severity": 11,
            "red_flags.bladder_bowel_control_loss": True,
            "red_flags.confusion": "yes",  # not the JSON true
            "red_flags.numb_down_there": True,  # unknown, still listed
        },
    )


@pytest.mark.django_db
def test_a_refused_document_still_reports_its_emergency_answers_after_the_problems(tmp_path):
    path = document_file(tmp_path, refused_with_emergencies())
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("evaluate_intake", str(path), stdout=StringIO(), stderr=err)

    assert raised.value.returncode == 2
    assert err.getvalue().splitlines() == [
        "symptoms.severity: must be between 0 and 10",
        "red_flags.confusion: must be true or false",
        "red_flags.numb_down_there: is not allowed here",
        "emergency answers in this refused document: red_flags.bladder_bowel_control_loss, "
        "red_flags.numb_down_there",
    ]


def test_the_emergency_answers_of_a_refused_document_reach_stderr_from_standard_input():
    result = run_command("-", stdin=json.dumps(refused_with_emergencies()).encode())

    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().splitlines()[-2] == (
        "emergency answers in this refused document: red_flags.bladder_bowel_control_loss, "
        "red_flags.numb_down_there"
    )
