import datetime as dt
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from intake.document import (
    ALL_RED_FLAG_CODES,
    NOT_ASKED,
    RISK_FACTOR_CODES,
    DocumentInvalid,
    IntakeDocument,
    Lifestyle,
    Problem,
    RedFlags,
    RiskFactors,
    answer_at,
    document_to_dict,
    emergency_answers,
    parse_document,
)
from tests.builders import (
    DELETE,
    REPORTED_ON,
    VIGNETTES,
    benign_data,
    document,
    load_vignette,
    with_answers,
)
from tests.strategies import DIRECTION_CONTROLS

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "intake" / "schema" / "intake.schema.json").read_text()
)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
FULL_WIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
LOCATIONS_CHOICE = "must be one of: toes, foot, ankle, shin, calf, knee, thigh, buttock"


def problems(data: object, today: dt.date = REPORTED_ON) -> list[str]:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(data, today=today)
    return [str(problem) for problem in caught.value.problems]


def vignette_params() -> list[object]:
    return [pytest.param(load_vignette(path)["document"], id=path.stem) for path in VIGNETTES]


@pytest.mark.parametrize("data", vignette_params())
def test_every_vignette_parses_and_round_trips_through_the_canonical_form(data):
    doc = parse_document(data)

    assert parse_document(document_to_dict(doc)) == doc
    assert doc.reported_on == dt.date.fromisoformat(data["reported_on"])


def test_lists_become_tuples_and_unanswered_optionals_get_their_defaults():
    doc = document({"symptoms.frequency": DELETE, "symptoms.associated": ["burning"]})

    assert doc.symptoms.locations == ("calf",)
    assert doc.symptoms.associated == ("burning",)
    assert doc.symptoms.frequency is None
    assert doc.symptoms.description == ""
    assert doc.patient.preferred_language == "en"
    assert doc.patient.mrn == ""
    assert doc.medications == ()
    assert doc.lifestyle is None
    assert doc.notes == ""


def test_reported_on_defaults_to_today():
    data = with_answers(benign_data(), {"reported_on": DELETE})

    assert parse_document(data, today=dt.date(2027, 1, 5)).reported_on == dt.date(2027, 1, 5)
    assert parse_document(data).reported_on == dt.date.today()


def test_an_integral_float_is_a_whole_number_as_in_json_schema():
    assert document({"symptoms.severity": 5.0}).symptoms.severity == 5


def test_an_empty_lifestyle_reads_as_unanswered():
    assert document({"lifestyle": {}}).lifestyle is None
    assert document({"lifestyle": {"diet": "vegan"}}).lifestyle == Lifestyle(diet="vegan")


def test_red_flag_fields_are_named_by_the_red_flag_codes_in_order():
    assert tuple(RedFlags.__dataclass_fields__) == ALL_RED_FLAG_CODES


def test_canonical_form_omits_unanswered_keys_and_writes_dates_as_text():
    data = with_answers(
        benign_data(),
        {"symptoms.frequency": None, "patient.mrn": "", "lifestyle": {}, "notes": ""},
    )

    canonical = document_to_dict(parse_document(data))

    assert canonical == {
        "reported_on": "2026-11-20",
        "patient": {
            "given_name": "Ana",
            "family_name": "Lopez",
            "date_of_birth": "1971-04-02",
            "sex": "female",
            "preferred_language": "en",
        },
        "symptoms": {
            "sides": "left",
            "locations": ["calf"],
            "onset": "gradual",
            "duration_days": 1,
            "last_changed_days": None,  # an answer: it has not changed
            "pattern": "comes_and_goes",
            "positional": True,
            "relieved_by_moving": True,
            "progression": "getting_better",
            "severity": 2,
        },
        "red_flags": dict.fromkeys(ALL_RED_FLAG_CODES, False),
        "risk_factors": dict.fromkeys(RISK_FACTOR_CODES, False),
    }
    assert json.loads(json.dumps(canonical)) == canonical


def test_canonical_form_keeps_every_answer_of_a_full_document():
    data = with_answers(
        benign_data(),
        {
            "medications": [{"name": "Metformin", "dose": "500 mg", "kind": "prescription"}],
            "treatments": ["chemotherapy"],
            "vaccinations": [{"name": "Influenza", "date": "2026-10-01"}],
            "injuries": [{"kind": "other", "date": "2020-01-01", "mechanism": "fall"}],
            "conditions": ["diabetes"],
            "exposures": ["frostbite"],
            "lifestyle": {"alcohol_drinks_per_week": 0, "diet": "vegan", "smoking": "never"},
            "notes": "Walks daily.",
        },
    )
    doc = parse_document(data)

    assert document_to_dict(doc) == with_answers(data, {"patient.preferred_language": "en"})
    assert parse_document(document_to_dict(doc)) == doc


def test_answer_at_follows_dotted_paths_and_stops_at_an_absent_section():
    doc = document({"symptoms.onset": "sudden"})

    assert answer_at(doc, "symptoms.onset") == "sudden"
    assert answer_at(doc, "red_flags.confusion") is False
    assert answer_at(doc, "lifestyle.diet") is None


REJECTED = [
    ("symptoms.severity", 11, "symptoms.severity: must be between 0 and 10"),
    ("symptoms.severity", -1, "symptoms.severity: must be between 0 and 10"),
    ("symptoms.severity", True, "symptoms.severity: must be a whole number"),
    ("symptoms.severity", "5", "symptoms.severity: must be a whole number"),
    ("symptoms.severity", 5.5, "symptoms.severity: must be a whole number"),
    ("symptoms.severity", None, "symptoms.severity: must be a whole number"),
    ("symptoms.duration_days", 36501, "symptoms.duration_days: must be between 0 and 36500"),
    ("symptoms.sides", "up", "symptoms.sides: must be one of: left, right, both"),
    ("symptoms.sides", None, "symptoms.sides: must be one of: left, right, both"),
    (
        "symptoms.frequency",
        "hourly",
        "symptoms.frequency: must be one of: several_times_a_day, daily, weekly, "
        "monthly_or_less, or null",
    ),
    ("red_flags.confusion", "yes", "red_flags.confusion: must be true or false"),
    ("red_flags.confusion", 1, "red_flags.confusion: must be true or false"),
    ("red_flags.confusion", None, "red_flags.confusion: must be true or false"),
    ("patient.given_name", DELETE, "patient.given_name: is required"),
    ("patient.given_name", "", "patient.given_name: must not be empty"),
    ("patient.given_name", "x" * 101, "patient.given_name: must be at most 100 characters"),
    ("patient.given_name", 7, "patient.given_name: must be text"),
    ("patient.mrn", "x" * 33, "patient.mrn: must be at most 32 characters"),
    ("patient.sex", "f", "patient.sex: must be one of: female, male, other, unknown"),
    ("patient.preferred_language", "fr", "patient.preferred_language: must be one of: en, es"),
    ("patient.email", "ana.example.org", "patient.email: must be an email address"),
    ("patient.email", "ana@example", "patient.email: must be an email address"),
    (
        "patient.phone",
        "call me",
        "patient.phone: must be a phone number: 7 to 15 digits, spaces and + ( ) - . only",
    ),
    (
        "patient.phone",
        "555-01",
        "patient.phone: must be a phone number: 7 to 15 digits, spaces and + ( ) - . only",
    ),
    (
        "patient.date_of_birth",
        "1971-4-2",
        "patient.date_of_birth: must be a date in the form YYYY-MM-DD",
    ),
    (
        "patient.date_of_birth",
        "02/04/1971",
        "patient.date_of_birth: must be a date in the form YYYY-MM-DD",
    ),
    ("patient.date_of_birth", "2026-11-21", "patient.date_of_birth: must not be in the future"),
    (
        "patient.date_of_birth",
        "1905-11-20",
        "patient.date_of_birth: must give an age of at most 120 years",
    ),
    ("reported_on", "2026-02-30", "reported_on: must be a date in the form YYYY-MM-DD"),
    ("reported_on", "20261120", "reported_on: must be a date in the form YYYY-MM-DD"),
    ("reported_on", "2026-11-20T09:00", "reported_on: must be a date in the form YYYY-MM-DD"),
    ("reported_on", "2026-11-20\n", "reported_on: must be a date in the form YYYY-MM-DD"),
    ("reported_on", 20261120, "reported_on: must be a date in the form YYYY-MM-DD"),
    ("symptoms.description", "x" * 4001, "symptoms.description: must be at most 4000 characters"),
    ("notes", "x" * 4001, "notes: must be at most 4000 characters"),
    ("extra", 1, "extra: is not allowed here"),
    ("symptoms.itch", True, "symptoms.itch: is not allowed here"),
    ("red_flags.fever", False, "red_flags.fever: is not allowed here"),
    ("symptoms.locations", [], "symptoms.locations: must list at least 1 item"),
    ("symptoms.locations", "toes", "symptoms.locations: must be a list"),
    ("symptoms.locations", ["toes", "toes", "toes"], "symptoms.locations: must not repeat 'toes'"),
    ("symptoms.locations", ["toes", "hip"], f"symptoms.locations.1: {LOCATIONS_CHOICE}"),
    ("symptoms.locations", [["toes"]], f"symptoms.locations.0: {LOCATIONS_CHOICE}"),
    ("treatments", ["chemotherapy", "chemotherapy"], "treatments: must not repeat 'chemotherapy'"),
    ("patient", [], "patient: must be an object"),
    ("red_flags", DELETE, "red_flags: is required"),
    ("medications", "aspirin", "medications: must be a list"),
    ("medications", ["aspirin"], "medications.0: must be an object"),
    ("medications", [{"dose": "1 mg"}], "medications.0.name: is required"),
    (
        "medications",
        [{"name": "A"}, {"name": "B"}, {"name": ""}],
        "medications.2.name: must not be empty",
    ),
    ("medications", [{"name": "A", "brand": "B"}], "medications.0.brand: is not allowed here"),
    (
        "medications",
        [{"name": "A", "kind": "herbal"}],
        "medications.0.kind: must be one of: prescription, over_the_counter, supplement",
    ),
    ("medications", [{"name": "A"}] * 101, "medications: must list at most 100 items"),
    (
        "vaccinations",
        [{"name": "Flu", "date": "soon"}],
        "vaccinations.0.date: must be a date in the form YYYY-MM-DD",
    ),
    ("vaccinations", [{"name": "Flu"}] * 51, "vaccinations: must list at most 50 items"),
    (
        "injuries",
        [{"kind": "sprain"}],
        "injuries.0.kind: must be one of: back_injury, head_injury, neck_injury, broken_leg, "
        "herniated_disc, pinched_nerve, other",
    ),
    (
        "injuries",
        [{"kind": "other", "mechanism": "bike"}],
        "injuries.0.mechanism: must be one of: car_accident, fall, sports, work, "
        "lifting_or_twisting, other",
    ),
    (
        "injuries",
        [{"kind": "other", "description": "x" * 2001}],
        "injuries.0.description: must be at most 2000 characters",
    ),
    (
        "lifestyle",
        {"alcohol_drinks_per_week": 201},
        "lifestyle.alcohol_drinks_per_week: must be between 0 and 200",
    ),
    ("lifestyle", {"diet": "keto"}, "lifestyle.diet: must be one of: omnivore, vegetarian, vegan"),
    ("lifestyle", {"smoking": True}, "lifestyle.smoking: must be one of: never, former, current"),
    ("lifestyle", [], "lifestyle: must be an object"),
    (
        "conditions",
        ["gout"],
        "conditions.0: must be one of: "
        + ", ".join(
            [
                "diabetes",
                "prediabetes",
                "hypothyroidism",
                "multiple_sclerosis",
                "atherosclerosis",
                "peripheral_arterial_disease",
                "heart_disease",
                "migraine",
                "peripheral_neuropathy",
                "raynauds",
                "seizures",
                "stroke",
                "lupus",
                "transverse_myelitis",
                "fibromyalgia",
                "shingles",
                "kidney_disease",
                "cancer",
                "vitamin_deficiency",
                "weight_loss_surgery",
            ]
        ),
    ),
    (
        "exposures",
        ["lead"],
        "exposures.0: must be one of: frostbite, insect_bite, seafood_toxin, heavy_metals, "
        "nitrous_oxide",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [pytest.param(path, value, problem, id=problem[:60]) for path, value, problem in REJECTED],
)
def test_each_problem_is_reported_with_its_path_and_a_plain_message(path, value, problem):
    assert problems(with_answers(benign_data(), {path: value})) == [problem]


def test_an_age_of_exactly_120_is_accepted():
    doc = document({"patient.date_of_birth": "1906-11-20"})

    assert doc.patient.date_of_birth == dt.date(1906, 11, 20)


def test_date_of_birth_is_checked_against_today_when_reported_on_is_absent():
    data = with_answers(
        benign_data(), {"reported_on": DELETE, "patient.date_of_birth": "2027-01-02"}
    )

    assert problems(data, today=dt.date(2027, 1, 1)) == [
        "patient.date_of_birth: must not be in the future"
    ]
    assert parse_document(data, today=dt.date(2027, 1, 2)).patient.date_of_birth == dt.date(
        2027, 1, 2
    )


def test_every_problem_is_collected_at_once_in_document_order():
    data = with_answers(
        benign_data(),
        {
            "reported_on": "yesterday",
            "patient.family_name": DELETE,
            "symptoms.severity": 12,
            "symptoms.locations": ["toes", "toes"],
            "red_flags.confusion": "no",
            "medications": [{"name": ""}],
            "surprise": True,
        },
    )

    assert problems(data) == [
        "reported_on: must be a date in the form YYYY-MM-DD",
        "patient.family_name: is required",
        "symptoms.locations: must not repeat 'toes'",
        "symptoms.severity: must be between 0 and 10",
        "red_flags.confusion: must be true or false",
        "medications.0.name: must not be empty",
        "surprise: is not allowed here",
    ]


def test_problem_reads_as_path_then_message_and_the_error_lists_them_all():
    error = DocumentInvalid(
        (Problem("symptoms.severity", "must be between 0 and 10"), Problem("notes", "must be text"))
    )

    assert str(error.problems[0]) == "symptoms.severity: must be between 0 and 10"
    assert str(error) == "symptoms.severity: must be between 0 and 10\nnotes: must be text"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(None, id="null"),
        pytest.param([], id="list"),
        pytest.param([benign_data()], id="list-of-document"),
        pytest.param("document", id="text"),
        pytest.param(3, id="number"),
        pytest.param(True, id="boolean"),
    ],
)
def test_a_document_that_is_not_an_object_is_one_root_problem(data):
    assert problems(data) == ["(document): must be an object"]


def test_an_empty_object_lists_each_required_section():
    assert problems({}) == [
        "patient: is required",
        "symptoms: is required",
        "red_flags: is required",
    ]


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param({"patient": {"given_name": {"a": [None, {"b": []}]}}}, id="nested-object"),
        pytest.param({"symptoms": [[[[]]]]}, id="nested-lists"),
        pytest.param({"red_flags": {str(i): i for i in range(50)}}, id="many-unknown-keys"),
        pytest.param({"medications": [None, 1, "x", [], {}]}, id="mixed-items"),
        pytest.param({"reported_on": None, "lifestyle": None, "notes": None}, id="nulls"),
        pytest.param({"symptoms": {"locations": [{}, [], None, 1.5]}}, id="unhashable-codes"),
        # \d matches full-width digits; the YYYY-MM-DD rule must not.
        pytest.param({"reported_on": "2026-11-20".translate(FULL_WIDTH)}, id="full-width-digits"),
        pytest.param({"symptoms": {"severity": float("inf")}}, id="infinite"),
    ],
)
def test_garbage_is_reported_as_problems_not_a_traceback(garbage):
    assert problems(garbage)


# Parser and JSON Schema must agree on validity. The parser's own extra rules (the date
# checks, age at most 120, no frequency with a constant pattern, "older than 14 days" on a
# recent date, stricter email and phone) stay out.
LATEST_VIGNETTE_DAY = dt.date(2026, 11, 30)
STILL_VALID = {
    "frequency-null": {"symptoms.frequency": None},
    "frequency-absent": {"symptoms.frequency": DELETE},
    "optional-patient-keys-absent": {"patient.sex": DELETE},
    "integral-float": {"symptoms.duration_days": 3.0},
    "empty-lifestyle": {"lifestyle": {}},
    "empty-lists": {"medications": [], "injuries": [], "conditions": []},
    "longest-text": {"notes": "x" * 4000, "patient.given_name": "x" * 100},
    "bounds": {"symptoms.severity": 0, "symptoms.duration_days": 36500},
    "undated-items": {"injuries": [{"kind": "other"}], "vaccinations": [{"name": "Flu"}]},
    "hundred-medications": {"medications": [{"name": "A"}] * 100},
}
BROKEN = {
    "missing-patient": {"patient": DELETE},
    "unknown-root-key": {"extra": 1},
    "unknown-symptom-key": {"symptoms.extra": 1},
    "unknown-medication-key": {"medications": [{"name": "A", "extra": 1}]},
    "missing-symptoms": {"symptoms": DELETE},
    "missing-severity": {"symptoms.severity": DELETE},
    "missing-red-flag": {"red_flags.vision_problems": DELETE},
    "missing-medication-name": {"medications": [{"dose": "1 mg"}]},
    "severity-too-high": {"symptoms.severity": 11},
    "severity-negative": {"symptoms.severity": -1},
    "severity-boolean": {"symptoms.severity": False},
    "severity-text": {"symptoms.severity": "2"},
    "severity-fraction": {"symptoms.severity": 2.5},
    "duration-too-long": {"symptoms.duration_days": 36501},
    "alcohol-too-high": {"lifestyle": {"alcohol_drinks_per_week": 201}},
    "red-flag-number": {"red_flags.confusion": 0},
    "red-flag-null": {"red_flags.confusion": None},
    "bad-sides": {"symptoms.sides": "middle"},
    "bad-frequency": {"symptoms.frequency": "hourly"},
    "bad-location": {"symptoms.locations": ["hip"]},
    "bad-condition": {"conditions": ["gout"]},
    "bad-injury-kind": {"injuries": [{"kind": "sprain"}]},
    "bad-sex": {"patient.sex": "F"},
    "bad-date": {"reported_on": "2026-13-01"},
    "datetime": {"reported_on": "2026-11-20T10:00:00"},
    "bad-vaccination-date": {"vaccinations": [{"name": "Flu", "date": "last week"}]},
    "email-without-at": {"patient.email": "ana.example.org"},
    "empty-name": {"patient.given_name": ""},
    "long-name": {"patient.family_name": "x" * 101},
    "long-notes": {"notes": "x" * 4001},
    "no-locations": {"symptoms.locations": []},
    "duplicate-location": {"symptoms.locations": ["calf", "calf"]},
    "duplicate-treatment": {"treatments": ["chemotherapy", "chemotherapy"]},
    "too-many-medications": {"medications": [{"name": "A"}] * 101},
    "too-many-injuries": {"injuries": [{"kind": "other"}] * 51},
    "locations-not-list": {"symptoms.locations": "calf"},
    "patient-not-object": {"patient": "Ana"},
    "lifestyle-null": {"lifestyle": None},
    "notes-number": {"notes": 5},
}


def agreement_params() -> list[object]:
    params = []
    for path in VIGNETTES:
        data = load_vignette(path)["document"]
        params.append(pytest.param(data, True, id=f"{path.stem}"))
        for name, answers in STILL_VALID.items():
            params.append(pytest.param(with_answers(data, answers), True, id=f"{path.stem}-{name}"))
        for name, answers in BROKEN.items():
            params.append(
                pytest.param(with_answers(data, answers), False, id=f"{path.stem}-{name}")
            )
    return params


def parser_accepts(data: object) -> bool:
    try:
        parse_document(data, today=LATEST_VIGNETTE_DAY)
    except DocumentInvalid:
        return False
    return True


@pytest.mark.parametrize(("data", "valid"), agreement_params())
def test_parser_and_json_schema_agree(data, valid):
    assert (parser_accepts(data), VALIDATOR.is_valid(data)) == (valid, valid)


def test_a_parsed_document_is_frozen():
    doc = document()

    with pytest.raises(AttributeError):
        doc.notes = "changed"  # type: ignore[misc]
    assert isinstance(doc, IntakeDocument)


@pytest.mark.parametrize("text", ["nul\x00byte", "bell\x07", "lone\ud800surrogate"])
def test_text_no_database_can_store_is_a_problem_not_a_crash(text):
    data = with_answers(benign_data(), {"symptoms.description": text})
    with pytest.raises(DocumentInvalid) as invalid:
        parse_document(data)
    assert [str(p) for p in invalid.value.problems] == [
        "symptoms.description: must not contain control characters"
    ]


@pytest.mark.parametrize("control", DIRECTION_CONTROLS)
def test_text_direction_controls_are_refused_where_right_to_left_text_is_not(control):
    data = with_answers(benign_data(), {"medications": [{"name": f"Metformin {control}500 mg"}]})
    with pytest.raises(DocumentInvalid) as invalid:
        parse_document(data)
    assert [str(p) for p in invalid.value.problems] == [
        "medications.0.name: must not contain text-direction control characters"
    ]
    arabic = with_answers(benign_data(), {"medications": [{"name": "ميتفورمين 500 mg"}]})
    assert parse_document(arabic).medications[0].name == "ميتفورمين 500 mg"


def test_tabs_and_line_breaks_are_ordinary_text():
    data = with_answers(benign_data(), {"notes": "line one\n\tline two\r\n"})
    assert parse_document(data).notes == "line one\n\tline two\r\n"


# --- 2026.12.1 -------------------------------------------------------------------------

# The new questions' answers, each refused by its path when it is not what §1 allows.
NEW_ANSWERS_REJECTED = [
    ("symptoms.last_changed_days", -1, "symptoms.last_changed_days: must be between 0 and 36500"),
    ("symptoms.last_changed_days", "3",
     "symptoms.last_changed_days: must be a whole number or null"),
    ("red_flags.urinary_difficulty", None, "red_flags.urinary_difficulty: must be true or false"),
    ("risk_factors.fever", "yes", "risk_factors.fever: must be true or false"),
    ("risk_factors.smoker", True, "risk_factors.smoker: is not allowed here"),
    ("risk_factors", [], "risk_factors: must be an object"),
    (
        "symptoms.leg_changes",
        ["purple"],
        "symptoms.leg_changes.0: must be one of: pale_or_blue, cold, swollen, red_or_warm, "
        "wound_or_ulcer, color, shape, temperature",
    ),
    (
        "symptoms.other_symptoms",
        ["fever"],
        "symptoms.other_symptoms.0: must be one of: dizziness, rash, muscle_cramps, "
        "hand_numbness_or_clumsiness, unsteady_or_falling, sudden_severe_headache, "
        "tearing_chest_or_back_pain",
    ),
    (
        "injuries",
        [{"kind": "other", "older_than_14_days": "yes"}],
        "injuries.0.older_than_14_days: must be true or false",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [pytest.param(*case, id=case[2][:60]) for case in NEW_ANSWERS_REJECTED],
)
def test_a_new_answer_that_is_not_allowed_is_refused_by_its_path(path, value, problem):
    assert problems(with_answers(benign_data(), {path: value})) == [problem]


def test_a_document_of_2026_11_without_the_new_questions_is_still_valid():
    doc = parse_document(load_vignette(VIGNETTES[0])["document"])

    assert doc.symptoms.last_changed_days is NOT_ASKED
    assert doc.red_flags.urinary_difficulty is None
    assert doc.risk_factors == RiskFactors()
    assert "last_changed_days" not in document_to_dict(doc)["symptoms"]
    assert "risk_factors" not in document_to_dict(doc)


@pytest.mark.parametrize(
    ("answer", "read"),
    [(None, None), (0, 0), (36500, 36500)],
    ids=["null-has-not-changed", "today", "longest"],
)
def test_last_changed_days_null_is_an_answer_and_round_trips(answer, read):
    doc = document({"symptoms.last_changed_days": answer})

    assert doc.symptoms.last_changed_days == read
    assert document_to_dict(doc)["symptoms"]["last_changed_days"] == answer
    assert parse_document(document_to_dict(doc)) == doc


def test_the_new_answers_are_read_and_round_trip():
    doc = document(
        {
            "symptoms.leg_changes": ["pale_or_blue", "wound_or_ulcer"],
            "symptoms.other_symptoms": ["unsteady_or_falling"],
            "red_flags.urinary_difficulty": True,
            "risk_factors.cancer_active": False,
            "conditions": ["cancer"],
            "exposures": ["nitrous_oxide"],
            "injuries": [
                {
                    "kind": "back_injury",
                    "older_than_14_days": True,
                    "mechanism": "lifting_or_twisting",
                }
            ],
        }
    )

    assert doc.red_flags.urinary_difficulty is True
    assert doc.risk_factors == RiskFactors(
        fever=False,
        injects_drugs=False,
        immunosuppressed=False,
        spinal_procedure_recent=False,
        blood_thinner=False,
        cancer_active=False,
    )
    assert doc.injuries[0].older_than_14_days is True
    assert doc.injuries[0].mechanism == "lifting_or_twisting"
    assert parse_document(document_to_dict(doc)) == doc


def test_legacy_leg_change_codes_stay_readable():
    doc = document({"symptoms.leg_changes": ["color", "shape", "temperature"]})

    assert doc.symptoms.leg_changes == ("color", "shape", "temperature")


def test_a_misspelt_or_foreign_medicine_name_is_kept_as_typed():
    names = ["Omeprasol 20mg", "Варфарин", "Sintróm"]
    doc = document({"medications": [{"name": name} for name in names]})

    assert [medication.name for medication in doc.medications] == names


# The date checks of §1: each refused with its path, never read as "recent".
DATE_CASES = [
    pytest.param({"reported_on": "2026-11-21"}, [], id="reported-on-tomorrow-accepted"),
    pytest.param(
        {"reported_on": "2026-11-22"},
        ["reported_on: must not be after 2026-11-21"],
        id="reported-on-the-day-after-tomorrow",
    ),
    pytest.param(
        {"patient.date_of_birth": "2026-11-20"}, [], id="born-on-reported-on-accepted"
    ),
    pytest.param(
        {"patient.date_of_birth": "2026-11-21"},
        ["patient.date_of_birth: must not be in the future"],
        id="born-after-reported-on",
    ),
    pytest.param(
        {"patient.date_of_birth": "1905-11-21"}, [], id="age-120-accepted"
    ),
    pytest.param(
        {"patient.date_of_birth": "1905-11-20"},
        ["patient.date_of_birth: must give an age of at most 120 years"],
        id="age-121",
    ),
    pytest.param(
        {"injuries": [{"kind": "other", "date": "2026-11-20"}]}, [], id="injury-on-reported-on"
    ),
    pytest.param(
        {"injuries": [{"kind": "other", "date": "2026-11-21"}]},
        ["injuries.0.date: must not be after reported_on"],
        id="injury-after-reported-on",
    ),
    pytest.param(
        {"injuries": [{"kind": "other", "date": "1971-04-02"}]}, [], id="injury-on-birth-day"
    ),
    pytest.param(
        {"injuries": [{"kind": "other", "date": "1971-04-01"}]},
        ["injuries.0.date: must not be before the date of birth"],
        id="injury-before-birth",
    ),
    pytest.param(
        {"vaccinations": [{"name": "Flu", "date": "2026-11-21"}]},
        ["vaccinations.0.date: must not be after reported_on"],
        id="vaccination-after-reported-on",
    ),
    pytest.param(
        {"vaccinations": [{"name": "Flu", "date": "1970-01-01"}]},
        ["vaccinations.0.date: must not be before the date of birth"],
        id="vaccination-before-birth",
    ),
    pytest.param(
        {"injuries": [{"kind": "other", "date": "2026-11-06", "older_than_14_days": True}]},
        ["injuries.0.older_than_14_days: must not be true for a date within 14 days of "
         "reported_on"],
        id="older-than-14-days-but-dated-14-days-before",
    ),
    pytest.param(
        {"injuries": [{"kind": "other", "date": "2026-11-05", "older_than_14_days": True}]},
        [],
        id="older-than-14-days-and-dated-15-days-before",
    ),
    pytest.param(
        {"injuries": [{"kind": "other", "date": "2026-11-19", "older_than_14_days": False}]},
        [],
        id="not-older-and-recent",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "expected"), DATE_CASES)
def test_the_date_checks(answers, expected):
    data = with_answers(benign_data(), answers)

    if expected:
        assert problems(data, today=REPORTED_ON) == expected
    else:
        assert parse_document(data, today=REPORTED_ON)


@pytest.mark.parametrize("frequency", ["several_times_a_day", "daily", "weekly", "monthly_or_less"])
def test_a_frequency_with_a_constant_pattern_is_refused(frequency):
    data = with_answers(
        benign_data(), {"symptoms.pattern": "constant", "symptoms.frequency": frequency}
    )

    assert problems(data) == ["symptoms.frequency: must be null or absent when pattern is constant"]


@pytest.mark.parametrize("frequency", [None, DELETE], ids=["null", "absent"])
def test_comes_and_goes_may_leave_frequency_unsaid(frequency):
    doc = document({"symptoms.frequency": frequency})

    assert doc.symptoms.frequency is None


def test_answer_at_follows_list_indexes():
    doc = document({"injuries": [{"kind": "other"}, {"kind": "broken_leg", "date": "2026-11-01"}]})

    assert answer_at(doc, "injuries.1.date") == dt.date(2026, 11, 1)
    assert answer_at(doc, "injuries.2.date") is None


@pytest.mark.parametrize(
    ("data", "found"),
    [
        pytest.param(
            {"red_flags": {"confusion": True, "vision_problems": False, "slurred_speech": True}},
            ("red_flags.confusion", "red_flags.slurred_speech"),
            id="in-document-order",
        ),
        pytest.param(
            {"red_flags": {"confusion": 1, "vision_problems": "yes", "x": True}},
            ("red_flags.x",),
            id="only-the-json-true-unknown-keys-included",
        ),
        pytest.param({"red_flags": [True]}, (), id="red-flags-not-an-object"),
        pytest.param([{"red_flags": {"confusion": True}}], (), id="not-an-object"),
        pytest.param(None, (), id="nothing"),
    ],
)
def test_emergency_answers_are_read_from_any_document(data, found):
    assert emergency_answers(data) == found
