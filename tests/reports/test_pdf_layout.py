"""Issue #17, item 5: every shared vignette's summary PDF, read back as text. Page 1 holds
the emergency box (first, with who acted and when), the reason for the visit, the patient's
own words and the flags; then the tests, medications, history and timeline. Every flag and
test has its reasons in words, no code shows, and a case with no test fits on one page."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from intake.document import parse_document
from reports.pdf import EMERGENCY_HEADING, PAGE_SIZES, render_summary_pdf
from reports.suggestions import suggest_tests
from reports.summary import build_summary_content
from tests.builders import VIGNETTES, load_vignette, with_answers
from triage.engine import evaluate_triage

DESCRIPTION = (
    "It started as pins and needles in my toes and now it climbs up to my knee by the "
    "evening. Walking on the gravel path to the shed feels like walking on cotton wool, and "
    "I trip on the edge of the rug more than I used to."
)
NOTES = "My sister has the same thing. I work nights at the bakery."
ENTRY = {"clinic": "Riverside Neurology", "entered": "at the front desk by Fran Desk"}
DESK_ACTION = {"by": "Fran Desk", "at": "2026-11-20T15:04:00+00:00"}
# What must never reach a reader: an answer's path ("red_flags.fever") or a bare code.
CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b|\b[a-z]+_[a-z_]+\b")
SECTIONS = (
    "Reason for visit",
    "In the patient's own words",
    "Flags",
    "Suggested tests to consider",
    "Medications and supplements",
    "History",
    "Timeline",
)


def one_line(text: str) -> str:
    return " ".join(text.split())


def summary_of(path, page_size: str = "letter") -> tuple[dict, list[str]]:
    data = with_answers(
        load_vignette(path)["document"], {"symptoms.description": DESCRIPTION, "notes": NOTES}
    )
    doc = parse_document(data)
    triage = evaluate_triage(doc)
    content = build_summary_content(
        doc,
        triage,
        entry=ENTRY,
        desk_action=DESK_ACTION if triage.level == "emergency" else None,
    )
    rendered = render_summary_pdf(content, page_size=page_size)
    pages = [one_line(page.extract_text()) for page in PdfReader(io.BytesIO(rendered.pdf)).pages]
    assert len(pages) == rendered.pages
    return content, pages


@pytest.fixture(
    scope="module",
    params=[(path, size) for path in VIGNETTES for size in PAGE_SIZES],
    ids=lambda param: f"{param[0].stem}-{param[1]}",
)
def summary(request):
    return summary_of(*request.param)


def test_page_one_holds_the_emergency_first_then_the_visit_the_words_and_the_flags(summary):
    content, pages = summary
    first = pages[0]
    emergency = any(flag["severity"] == "emergency" for flag in content["red_flags"])

    if emergency:
        box = first.index(EMERGENCY_HEADING)
        assert box < first.index("Reason for visit")
        assert (
            "Front desk called 911 / sent the patient to the emergency department: Fran Desk"
            in (first)
        )
    for heading in SECTIONS[:3]:
        assert heading in first, heading
    assert one_line(DESCRIPTION) in first and NOTES in first
    for flag in content["red_flags"] + content["attention"]:
        assert flag["title"] in first, flag["title"]


def test_the_sections_come_in_order(summary):
    _content, pages = summary
    text = " ".join(pages)
    places = [text.index(heading) for heading in SECTIONS]
    assert places == sorted(places)


def test_the_clinic_the_channel_and_who_entered_it_are_on_the_page(summary):
    _content, pages = summary
    assert "Riverside Neurology" in pages[0]
    assert "entered at the front desk by Fran Desk" in pages[0]


def test_every_flag_and_test_has_its_reasons_in_words_and_no_code_shows(summary):
    content, pages = summary
    text = " ".join(pages)
    for flag in content["red_flags"] + content["attention"]:
        for words in flag["evidence_words"]:
            assert one_line(words) in text, (flag["code"], words)
    for test in content["suggested_tests"]:
        assert test["name"] in text
        for reason in test["reasons_in_words"]:
            assert one_line(reason) in text, (test["name"], reason)
    assert not CODE.findall(text.replace(DESCRIPTION, "").replace(NOTES, ""))


def _suggests_no_test(path) -> bool:
    doc = parse_document(load_vignette(path)["document"])
    return not suggest_tests(doc, evaluate_triage(doc))


NO_TEST_VIGNETTES = [path for path in VIGNETTES if _suggests_no_test(path)]


def test_some_vignettes_suggest_no_test():
    assert len(NO_TEST_VIGNETTES) >= 3  # the one-page test below has cases to check


@pytest.mark.parametrize("page_size", PAGE_SIZES)
@pytest.mark.parametrize("path", NO_TEST_VIGNETTES, ids=lambda path: path.stem)
def test_a_case_with_no_test_to_suggest_fits_on_one_page(path, page_size):
    content, pages = summary_of(path, page_size)
    assert not content["suggested_tests"]
    assert len(pages) == 1, [len(page) for page in pages]
