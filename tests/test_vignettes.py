"""The worked cases of the spec: the engine must match each `reference` exactly."""

import pytest

from intake.document import parse_document
from reports.evaluation import evaluate_document
from tests.builders import VIGNETTES, load_vignette

CASES = [pytest.param(load_vignette(path), id=path.stem) for path in VIGNETTES]


def test_all_28_vignettes_are_checked():
    assert len(CASES) == 28


@pytest.mark.parametrize("vignette", CASES)
def test_vignette_matches_its_reference_exactly(vignette):
    result = evaluate_document(parse_document(vignette["document"]))
    reference = vignette["reference"]

    assert result["level"] == reference["level"]
    assert {flag["code"] for flag in result["flags"]} == set(reference["flags"])
    assert {test["code"] for test in result["suggested_tests"]} == set(reference["suggested_tests"])


@pytest.mark.parametrize("vignette", CASES)
def test_vignette_meets_what_a_clinician_expects(vignette):
    result = evaluate_document(parse_document(vignette["document"]))
    expect = vignette["expect"]
    flags = {flag["code"] for flag in result["flags"]}
    tests = {test["code"] for test in result["suggested_tests"]}

    assert result["level"] == expect["level"]
    assert set(expect["flags"]) <= flags
    assert flags.isdisjoint(expect["no_flags"])
    assert set(expect["tests"]) <= tests
    assert tests.isdisjoint(expect["no_tests"])
