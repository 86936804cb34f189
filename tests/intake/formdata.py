"""POST data for each questionnaire step, from an intake document (a vignette's)."""

from __future__ import annotations

from intake.document import RED_FLAG_CODES


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


def step_data(slug: str, doc: dict, *, revision: int) -> dict[str, object]:
    symptoms = doc.get("symptoms", {})
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
            "positional": _yes_no(symptoms.get("positional")),
            "relieved_by_moving": _yes_no(symptoms.get("relieved_by_moving")),
        },
        "red-flags": {code: _yes_no(doc.get("red_flags", {}).get(code)) for code in RED_FLAG_CODES},
        "medications": {
            "treatments": doc.get("treatments", []),
            **_rows("medications", doc.get("medications", []), ("name", "dose", "kind")),
            **_rows("vaccinations", doc.get("vaccinations", []), ("name", "date")),
        },
        "injuries": _rows(
            "injuries", doc.get("injuries", []), ("kind", "date", "mechanism", "description")
        ),
        "history": {
            "conditions": doc.get("conditions", []),
            "exposures": doc.get("exposures", []),
            "notes": doc.get("notes", ""),
            **{k: lifestyle.get(k, "") for k in ("alcohol_drinks_per_week", "diet", "smoking")},
        },
    }
    return {**by_step[slug], "revision": str(revision)}


def reask_data(codes, *, answer: bool, revision: int) -> dict[str, object]:
    """POST data for the review page's submit: each question it asks again (by red-flag
    code) answered `answer`."""
    return {**{f"reask-{code}": _yes_no(answer) for code in codes}, "revision": str(revision)}
