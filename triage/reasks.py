"""The re-ask before submit (clinical-content.md §2, its end): typed words put back beside
the tick-box questions they bear on, when those were answered "no".

A free-text match is never dismissed because of a negation ("no bladder problems" still
fires `free_text_red_flag`). Instead, before the app's own forms submit an intake, every
red-flag question answered "no" that a free-text term bears on is asked again, with the
words quoted. Pure: the answers in their document form in, the re-asks out.

`TERM_QUESTIONS` says which red-flag questions each term of §1.1's free-text lists bears
on; docs/decisions/0016-re-ask-before-submit.md gives its readings. It lives here, not beside
the lists in triage/matching.py, because it changes no flag: the rules' fingerprint
(tests/triage/rules_fingerprints.json) covers that module, not this one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from intake.document import ALL_RED_FLAG_CODES
from triage.matching import find_terms
from triage.rules import FREE_TEXT_FIELDS, FREE_TEXT_TERMS, _quote

BLADDER_BOWEL = ("bladder_bowel_control_loss", "urinary_difficulty")
SADDLE = ("saddle_numbness",)
# The back passage is in the saddle question, and bowels are in both bladder-and-bowel ones.
BACK_PASSAGE = ("saddle_numbness", *BLADDER_BOWEL)
WALKING = ("cannot_move_or_walk",)
# A paralysed or unmovable leg, or a face or an arm.
PARALYSIS = ("cannot_move_or_walk", "face_arm_weakness")
# "Me caigo": the legs giving way, or a fall that hurt the back, head or neck.
FALLING = ("cannot_move_or_walk", "head_back_neck_injury")
# "Arrastro los pies" (dragging the feet) or "arrastra las palabras" (slurring words).
DRAGGING = ("cannot_move_or_walk", "slurred_speech")
SPEECH = ("slurred_speech",)
GARBLED = ("slurred_speech", "confusion")  # garbled speech, or garbled thinking
CONFUSION = ("confusion",)
FAINTING = ("loss_of_consciousness",)
COLLAPSED = ("loss_of_consciousness", "cannot_move_or_walk")  # fainted, or the legs went
BLACKED_OUT = ("loss_of_consciousness", "vision_problems")  # fainted, or the sight went black
VISION = ("vision_problems",)

# Every term of both free-text lists (§1.1), in their order, with the questions it bears on.
TERM_QUESTIONS: dict[str, tuple[str, ...]] = {
    # English
    "bladder*": BLADDER_BOWEL, "bowel*": BLADDER_BOWEL, "incontinen*": BLADDER_BOWEL,
    "urin*": BLADDER_BOWEL, "pee": BLADDER_BOWEL, "peed": BLADDER_BOWEL,
    "peeing": BLADDER_BOWEL, "wee": BLADDER_BOWEL, "wet myself": BLADDER_BOWEL,
    "wet the bed": BLADDER_BOWEL, "soiled": BLADDER_BOWEL,
    "back passage": BACK_PASSAGE,
    "between my legs": SADDLE, "private parts": SADDLE, "crotch*": SADDLE,
    "can t walk": WALKING, "cant walk": WALKING, "cannot walk": WALKING,
    "can not walk": WALKING, "unable to walk": WALKING, "couldn t walk": WALKING,
    "can t stand": WALKING, "cannot stand": WALKING, "gave way": WALKING,
    "gave out": WALKING, "foot drop": WALKING, "dragging my foot": WALKING,
    "paralys*": PARALYSIS, "paralyz*": PARALYSIS,
    "slurr*": SPEECH, "garbled": GARBLED,
    "confus*": CONFUSION, "disorient*": CONFUSION,
    "fainted": FAINTING, "fainting": FAINTING, "pass out": FAINTING, "passed out": FAINTING,
    "blacked out": BLACKED_OUT, "collapsed": COLLAPSED, "unconscious*": FAINTING,
    "vision*": VISION, "blurr*": VISION, "seeing double": VISION, "double vision": VISION,
    "blind*": VISION,
    "groin*": SADDLE, "saddle*": SADDLE, "genital*": SADDLE, "numb down there": SADDLE,
    # Spanish (incontinen*, confus*, vision* and genital* are shared with the English list)
    "vejiga*": BLADDER_BOWEL, "orin*": BLADDER_BOWEL, "pipi": BLADDER_BOWEL,
    "heces": BLADDER_BOWEL, "popo": BLADDER_BOWEL, "me hice encima": BLADDER_BOWEL,
    "no puedo caminar": WALKING, "no puedo andar": WALKING, "no puedo mover*": PARALYSIS,
    "no puedo estar de pie": WALKING, "no puede caminar": WALKING,
    "no puede andar": WALKING, "se me dobla la pierna": WALKING, "me caigo": FALLING,
    "paralis*": PARALYSIS,
    "desmay*": FAINTING, "perdi el conocimiento": FAINTING, "perdi la conciencia": FAINTING,
    "inconscien*": FAINTING,
    "confundid*": CONFUSION, "desorientad*": CONFUSION,
    "arrastr*": DRAGGING, "se me traba la lengua": SPEECH,
    "vista borrosa": VISION, "veo borroso": VISION, "veo doble": VISION, "cieg*": VISION,
    "ingle": SADDLE, "entrepierna*": SADDLE, "partes intimas": SADDLE,
}  # fmt: skip

# What was asked again and confirmed "no": (the free-text path, the words quoted, the code).
Confirmed = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Reask:
    """Words in one free-text answer that bear on red-flag questions answered "no"."""

    path: str  # the free-text answer: symptoms.description, notes, injuries.N.description
    words: str  # quoted as the free_text_red_flag flag quotes them
    terms: tuple[str, ...]  # the terms matched there
    questions: tuple[str, ...]  # the red-flag codes to ask again, in the forms' order


def _answer(answers: Mapping[str, object], path: str) -> object:
    """The answer at a dotted path of the document form; None where there is none."""
    value: object = answers
    for name in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(name)
        elif isinstance(value, list) and name.isdigit() and int(name) < len(value):
            value = value[int(name)]
        else:
            return None
    return value


def _free_texts(answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """Each free-text answer given, by its path (the paths the rules read)."""
    injuries = answers.get("injuries")
    count = len(injuries) if isinstance(injuries, list) else 0
    paths = (*FREE_TEXT_FIELDS, *(f"injuries.{i}.description" for i in range(count)))
    return [(path, text) for path in paths if isinstance(text := _answer(answers, path), str)]


def _quoted_matches(text: str) -> dict[str, tuple[str, ...]]:
    """The terms matched in `text` by the words quoted for them, quoted as the flag quotes
    them (its `_quote`: the person is shown the words the clinician will read). Matches that
    overlap are quoted once, as the first of them, as the flag does; matches quoted alike
    ("blurry vision") are one."""
    found: dict[str, tuple[str, ...]] = {}
    words, end = "", -1
    for match in find_terms(text, FREE_TEXT_TERMS):
        if match.start >= end:
            words = _quote(text, match.start, match.end)
        found[words] = tuple(dict.fromkeys((*found.get(words, ()), match.term)))
        end = max(end, match.end)
    return found


def reasks(
    answers: Mapping[str, object], confirmed: Collection[Confirmed] = ()
) -> tuple[Reask, ...]:
    """The re-asks `answers` call for, in text order.

    `answers` is the intake document's JSON form, whole or as far as it is answered (what
    `intake.answers.intake_answers` and `document_to_dict` give). A question is asked again
    only when it was answered "no" (False): one not asked, or answered "yes", is not. A
    question already asked again and confirmed "no" for the same words (`confirmed`) is not
    asked again.
    """
    red_flags = answers.get("red_flags")
    if not isinstance(red_flags, Mapping):
        return ()
    answered_no = {code for code in ALL_RED_FLAG_CODES if red_flags.get(code) is False}
    if not answered_no:
        return ()
    found = []
    for path, text in _free_texts(answers):
        for words, terms in _quoted_matches(text).items():
            bearing = {code for term in terms for code in TERM_QUESTIONS[term]}
            questions = tuple(
                code
                for code in ALL_RED_FLAG_CODES
                if code in bearing and code in answered_no and (path, words, code) not in confirmed
            )
            if questions:
                found.append(Reask(path, words, terms, questions))
    return tuple(found)


def by_question(found: tuple[Reask, ...]) -> dict[str, tuple[Reask, ...]]:
    """Each question to ask again (in the forms' order) with every re-ask that bears on it:
    a question is asked once, however many of the person's words bear on it."""
    return {
        code: bearing
        for code in ALL_RED_FLAG_CODES
        if (bearing := tuple(reask for reask in found if code in reask.questions))
    }
