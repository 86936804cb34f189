"""§2's re-ask before submit: which typed words put which "no" back to the person entering."""

import pytest

from intake.document import ALL_RED_FLAG_CODES, document_to_dict, parse_document
from tests.builders import DELETE, benign_data, benign_data_2026_11, with_answers
from triage.matching import FREE_TEXT_LISTS, TERM_LISTS
from triage.reasks import TERM_QUESTIONS, Reask, by_question, reasks
from triage.rules import free_text_red_flag_matches

BLADDER = ("bladder_bowel_control_loss", "urinary_difficulty")


def answers(**changes: object) -> dict:
    """The benign document (every red flag answered no) with dotted paths changed; keyword
    names use "__" for the dots."""
    return with_answers(benign_data(), {path.replace("__", "."): v for path, v in changes.items()})


def asked(found: tuple[Reask, ...]) -> list[tuple[str, tuple[str, ...]]]:
    return [(reask.path, reask.questions) for reask in found]


def test_every_free_text_term_bears_on_at_least_one_red_flag_question():
    terms = {term for code in FREE_TEXT_LISTS for term in TERM_LISTS[code].terms}

    assert set(TERM_QUESTIONS) == terms  # none left out, none that is not a term
    unknown = {term: codes for term, codes in TERM_QUESTIONS.items() if not codes}
    unknown |= {
        term: codes
        for term, codes in TERM_QUESTIONS.items()
        if not set(codes) <= set(ALL_RED_FLAG_CODES)
    }
    assert unknown == {}


@pytest.mark.parametrize(
    ("typed", "questions"),
    [
        ("No bladder problems", BLADDER),
        ("I have not wet myself", BLADDER),
        ("No puedo caminar desde ayer", ("cannot_move_or_walk",)),
        ("my leg gave way on the stairs", ("cannot_move_or_walk",)),
        ("his speech was slurred", ("slurred_speech",)),
        ("se me traba la lengua", ("slurred_speech",)),
        ("a bit of blurry vision", ("vision_problems",)),
        ("veo doble por la noche", ("vision_problems",)),
        ("numb in the groin", ("saddle_numbness",)),
        ("hormigueo en la entrepierna", ("saddle_numbness",)),
        ("numb down there", ("saddle_numbness",)),
        ("I felt confused", ("confusion",)),
        ("me desmayé el lunes", ("loss_of_consciousness",)),
        ("I nearly passed out", ("loss_of_consciousness",)),
        # The safer readings (docs/decisions/0016): every question the words might mean.
        ("numb around the back passage", (*BLADDER, "saddle_numbness")),
        ("I collapsed", ("cannot_move_or_walk", "loss_of_consciousness")),
        ("I blacked out", ("loss_of_consciousness", "vision_problems")),
        ("arrastro los pies", ("cannot_move_or_walk", "slurred_speech")),
        ("me caigo mucho", ("head_back_neck_injury", "cannot_move_or_walk")),
        ("no puedo mover el brazo", ("cannot_move_or_walk", "face_arm_weakness")),
    ],
)
def test_words_bearing_on_a_question_answered_no_put_it_back(typed, questions):
    assert asked(reasks(answers(symptoms__description=typed))) == [
        ("symptoms.description", questions)
    ]


def test_a_question_answered_yes_is_not_asked_again():
    found = reasks(
        answers(
            symptoms__description="No bladder problems", red_flags__bladder_bowel_control_loss=True
        )
    )

    assert asked(found) == [("symptoms.description", ("urinary_difficulty",))]


def test_a_question_not_asked_is_not_asked_again():
    # Vignette 01 as written for 2026.11.1: urinary_difficulty was never asked.
    data = with_answers(benign_data_2026_11(), {"symptoms.description": "No bladder problems"})

    assert asked(reasks(data)) == [("symptoms.description", ("bladder_bowel_control_loss",))]
    data = with_answers(data, {"red_flags.bladder_bowel_control_loss": True})
    assert reasks(data) == ()


def test_no_red_flag_answered_yet_means_nothing_to_ask_again():
    assert reasks(answers(symptoms__description="No bladder problems", red_flags=DELETE)) == ()
    assert reasks(answers(symptoms__description="No bladder problems", red_flags={})) == ()


def test_words_that_only_contain_a_term_are_not_matched():
    assert reasks(answers(symptoms__description="I watch television with my legs crossed")) == ()
    assert reasks(answers(symptoms__description="Hablo inglés")) == ()


def test_the_words_are_quoted_as_the_flag_quotes_them_field_by_field():
    data = answers(
        notes="Says no bladder trouble at all",
        injuries=[
            {"kind": "back_injury", "date": "2025-01-01", "description": "fell, no fainting"},
        ],
    )

    found = reasks(data)

    assert [(r.path, r.words, r.terms) for r in found] == [
        ("notes", '"Says no bladder trouble at all"', ("bladder*",)),
        ("injuries.0.description", '"fell, no fainting"', ("fainting",)),
    ]
    flagged = free_text_red_flag_matches(parse_document(data))
    assert [f"{r.path}: {r.words}" for r in found] == list(flagged)


def test_overlapping_terms_are_one_quote_asking_every_question_they_bear_on():
    typed = (
        "Since Monday I keep seeing double vision when I read the paper. On most days I can t "
        "walk far."
    )

    found = reasks(answers(symptoms__description=typed))

    assert [(r.words, r.terms, r.questions) for r in found] == [
        (
            '"Since Monday I keep seeing double vision when I read the paper. On most…"',
            ("seeing double", "double vision", "vision*"),
            ("vision_problems",),
        ),
        (
            '"…when I read the paper. On most days I can t walk far."',
            ("can t walk",),
            ("cannot_move_or_walk",),
        ),
    ]


def test_matches_quoted_alike_are_one_re_ask():
    found = reasks(answers(symptoms__description="pee, blurry vision, pee"))

    assert [(r.terms, r.questions) for r in found] == [
        (("pee", "blurr*", "vision*"), (*BLADDER, "vision_problems"))
    ]


def test_a_parsed_document_reads_the_same_as_the_answers_so_far():
    data = answers(symptoms__description="No puedo caminar")

    assert reasks(document_to_dict(parse_document(data))) == reasks(data)


def test_what_was_confirmed_no_for_the_same_words_is_not_asked_again():
    data = answers(symptoms__description="No bladder problems")
    words = '"No bladder problems"'

    confirmed = {("symptoms.description", words, "bladder_bowel_control_loss")}
    assert asked(reasks(data, confirmed)) == [("symptoms.description", ("urinary_difficulty",))]
    # Other words (the description was changed since) are asked about again.
    changed = answers(symptoms__description="No bladder problems at all")
    assert asked(reasks(changed, confirmed)) == [("symptoms.description", BLADDER)]
    # The same words confirmed in another field do not count for this one.
    elsewhere = {("notes", words, code) for code in BLADDER}
    assert asked(reasks(data, elsewhere)) == [("symptoms.description", BLADDER)]


def test_each_question_is_asked_once_with_every_quote_that_bears_on_it():
    found = reasks(answers(symptoms__description="some urine leaks", notes="bowels odd"))

    grouped = by_question(found)

    assert list(grouped) == list(BLADDER)
    assert [r.words for r in grouped["bladder_bowel_control_loss"]] == [
        '"some urine leaks"',
        '"bowels odd"',
    ]
