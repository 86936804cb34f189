"""The flags an answer raises alone, before the document is whole (triage.engine)."""

import pytest

from intake.document import ALL_RED_FLAG_CODES
from tests.builders import document
from triage.engine import FIRED_ALONE_BY, evaluate_triage, fired_by_answers_alone

RED_FLAG_PATHS = [f"red_flags.{code}" for code in ALL_RED_FLAG_CODES]


def test_every_red_flag_answer_raises_something_alone():
    assert sorted(FIRED_ALONE_BY) == sorted(RED_FLAG_PATHS)


@pytest.mark.parametrize("path", RED_FLAG_PATHS)
def test_what_an_answer_raises_alone_is_what_the_whole_table_raises_for_it(path):
    alone = fired_by_answers_alone((path,))
    whole = evaluate_triage(document({path: True}))
    assert [flag.code for flag in alone] == [FIRED_ALONE_BY[path].code]
    assert {flag.code for flag in alone} <= {flag.code for flag in whole.flags}
    assert all(path in whole.flag(flag.code).evidence for flag in alone)
    # The same answer "no" on an otherwise benign document raises none of them.
    benign = evaluate_triage(document({path: False}))
    assert not {flag.code for flag in alone} & {flag.code for flag in benign.flags}


def test_answers_that_raise_nothing_alone_are_left_to_the_whole_table():
    assert fired_by_answers_alone(("symptoms.onset", "risk_factors.fever")) == ()
