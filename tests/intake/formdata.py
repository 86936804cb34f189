"""POST data for each questionnaire step, from an intake document (a vignette's)."""

from __future__ import annotations

import copy

from intake.document import ALL_RED_FLAG_CODES, CANCER_ACTIVE, RISK_FACTOR_CODES

# The forms offer only the codes asked since 2026.12.1: a legacy code as the asked codes of
# every derived term of §2 it counts for ("pale or cold", "swollen or red").
ASKED_FOR_LEGACY = {
    "color": ("pale_or_blue", "red_or_warm"),
    "temperature": ("cold", "red_or_warm"),
    "shape": ("swollen",),
}
# The flags of a document lacking what the app's own forms always ask (§1, §2): the forms
# can't leave a new question unasked, nor an injury without a day or "more than two weeks".
ONLY_WITHOUT_THE_FORMS = {"questions_not_asked", "injury_date_missing"}


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def _rows(prefix: str, rows: list[dict], fields: tuple[str, ...]) -> dict[str, object]:
    data: dict[str, object] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + 1),  # one blank extra row, as on the page
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name in fields:
            data[f"{prefix}-{index}-{name}"] = row.get(name, "")
    return data


def as_the_forms_ask(doc: dict) -> dict:
    """A document with what the forms always ask answered as its absence reads.

    Not asked reads like "no" everywhere but in `questions_not_asked`, an unasked
    `cancer_active` like "yes" (the safer reading of §2's "cancer now"), and an undated injury
    is never recent; legacy leg changes become ASKED_FOR_LEGACY. So the triage is the
    document's own less ONLY_WITHOUT_THE_FORMS.
    """
    doc = copy.deepcopy(doc)
    doc["symptoms"].setdefault("last_changed_days", None)
    doc["symptoms"]["leg_changes"] = list(
        dict.fromkeys(
            asked
            for code in doc["symptoms"].get("leg_changes", [])
            for asked in ASKED_FOR_LEGACY.get(code, (code,))
        )
    )
    for injury in doc.get("injuries", []):
        if not injury.get("date"):
            injury["older_than_14_days"] = True
    doc["red_flags"] = {code: doc["red_flags"].get(code, False) for code in ALL_RED_FLAG_CODES}
    risk_factors = doc.setdefault("risk_factors", {})
    for code in RISK_FACTOR_CODES:
        risk_factors.setdefault(code, False)
    if "cancer" in doc.get("conditions", []):
        risk_factors.setdefault(CANCER_ACTIVE, True)
    return doc


def red_flags(**yes: bool) -> dict[str, object]:
    """The warning-signs step answered "no" throughout but for `yes`."""
    return {
        "red_flags": {code: yes.get(code, False) for code in ALL_RED_FLAG_CODES},
        "risk_factors": dict.fromkeys(RISK_FACTOR_CODES, False),
    }


def step_data(slug: str, doc: dict, *, revision: int) -> dict[str, object]:
    symptoms = doc.get("symptoms", {})
    risk_factors = doc.get("risk_factors", {})
    lifestyle = doc.get("lifestyle", {})
    patient = doc.get("patient", {})
    by_step: dict[str, dict[str, object]] = {
        "patient": {
            **{
                k: patient.get(k, "")
                for k in (
                    "given_name",
                    "family_name",
                    "date_of_birth",
                    "sex",
                    "mrn",
                    "phone",
                    "email",
                )
            },
            "preferred_language": patient.get("preferred_language", "en"),
        },
        "symptoms": {
            **{k: v for k, v in symptoms.items() if v is not None and not isinstance(v, bool)},
            "suddenly_changed": _yes_no(
                None
                if "last_changed_days" not in symptoms
                else symptoms["last_changed_days"] is not None
            ),
            "positional": _yes_no(symptoms.get("positional")),
            "relieved_by_moving": _yes_no(symptoms.get("relieved_by_moving")),
        },
        "red-flags": {
            **{code: _yes_no(doc.get("red_flags", {}).get(code)) for code in ALL_RED_FLAG_CODES},
            **{code: _yes_no(risk_factors.get(code)) for code in RISK_FACTOR_CODES},
        },
        "medications": {
            "treatments": doc.get("treatments", []),
            **_rows("medications", doc.get("medications", []), ("name", "dose", "kind")),
            **_rows("vaccinations", doc.get("vaccinations", []), ("name", "date")),
        },
        "injuries": _rows(
            "injuries",
            doc.get("injuries", []),
            ("kind", "date", "older_than_14_days", "mechanism", "description"),
        ),
        "history": {
            "conditions": doc.get("conditions", []),
            "cancer_active": _yes_no(risk_factors.get(CANCER_ACTIVE)),
            "exposures": doc.get("exposures", []),
            "notes": doc.get("notes", ""),
            **{k: lifestyle.get(k, "") for k in ("alcohol_drinks_per_week", "diet", "smoking")},
        },
    }
    return {**by_step[slug], "revision": str(revision)}


def flags_through_the_forms(reference: dict) -> list[str]:
    """A vignette's reference flags as the forms' answers (`as_the_forms_ask`) give them."""
    return sorted(set(reference["flags"]) - ONLY_WITHOUT_THE_FORMS)


def reask_data(codes, *, answer: bool, revision: int) -> dict[str, object]:
    """POST data for the review page's submit: each question it asks again (by red-flag
    code) answered `answer`."""
    return {**{f"reask-{code}": _yes_no(answer) for code in codes}, "revision": str(revision)}
