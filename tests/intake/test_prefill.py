"""A returning patient's new intake: only what changes slowly is carried over from the last
submitted one, each step marked and confirmed by saving it before the intake can go; the
clinician sees what changed since the last visit, and the severity at each visit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clinic import submission
from clinic.patient import access as patient_access
from intake import services
from intake.changes import since_last_visit
from intake.document import DocumentInvalid, parse_document
from intake.models import Intake, PrefilledStep
from reports import building
from reports.models import PreVisitSummary
from tests.builders import days_before, with_answers
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import PatientFactory
from tests.intake.formdata import as_the_forms_ask, step_data

pytestmark = pytest.mark.django_db

LAST_VISIT = {
    "medications": [{"name": "Levothyroxine", "dose": "50 mcg"}],
    "injuries": [{"kind": "broken_leg", "date": days_before(400)}],
    "lifestyle": {"alcohol_drinks_per_week": 3, "diet": "vegan", "smoking": "never"},
    "exposures": ["heavy_metals"],
}


def last_visit(front_desk) -> Intake:
    doc = parse_document(with_answers(VIGNETTES["10-hypothyroid"]["document"], LAST_VISIT))
    return submission.create_intake_from_document(doc, by=front_desk).intake


def test_only_what_changes_slowly_is_carried_over_and_each_step_is_marked(front_desk):
    before = last_visit(front_desk)
    draft, resumed = services.resume_or_start_intake(patient=before.patient, by=front_desk)

    assert not resumed
    assert [m.name for m in draft.medications.all()] == ["Levothyroxine"]
    assert [i.kind for i in draft.injuries.all()] == ["broken_leg"]
    assert (draft.conditions, draft.exposures) == (["hypothyroidism"], ["heavy_metals"])
    assert (draft.alcohol_drinks_per_week, draft.diet, draft.smoking) == (3, "vegan", "never")
    # Never carried over: symptoms, warning signs, risk factors.
    assert draft.severity is None and draft.locations == []
    assert draft.saddle_numbness is None and draft.fever is None and draft.cancer_active is None
    marked = PrefilledStep.objects.filter(intake=draft)
    assert sorted(marked.values_list("step", flat=True)) == ["history", "injuries", "medications"]
    assert {p.source_id for p in marked} == {before.pk}


def test_a_prefilled_intake_is_not_submitted_until_each_step_is_saved(front_desk, client_for):
    before = last_visit(front_desk)
    draft, _ = services.resume_or_start_intake(patient=before.patient, by=front_desk)
    desk = client_for(front_desk)
    doc = as_the_forms_ask(with_answers(VIGNETTES["10-hypothyroid"]["document"], LAST_VISIT))
    for slug in ("symptoms", "red-flags"):
        draft.refresh_from_db()
        url = reverse("intake:step", args=[draft.pk, slug])
        assert desk.post(url, step_data(slug, doc, revision=draft.revision)).status_code == 302

    page = desk.get(reverse("intake:step", args=[draft.pk, "medications"])).content.decode()
    assert 'id="prefilled"' in page and before.reported_on.isoformat() in page
    with pytest.raises(DocumentInvalid) as refused:
        submission.submit_intake(intake=draft, by=front_desk)
    assert {p.path for p in refused.value.problems} >= {"medications", "injuries", "conditions"}
    review = desk.get(reverse("intake:review", args=[draft.pk])).content.decode()
    assert "from the last visit: check it" in review

    for slug in ("medications", "injuries", "history"):
        draft.refresh_from_db()
        url = reverse("intake:step", args=[draft.pk, slug])
        assert desk.post(url, step_data(slug, doc, revision=draft.revision)).status_code == 302
    assert not PrefilledStep.objects.filter(intake=draft, confirmed_at=None).exists()
    assert submission.submit_intake(intake=draft, by=front_desk).intake.is_draft is False


def test_a_first_visit_is_not_prefilled(front_desk):
    last_visit(front_desk)  # another patient's: nothing of it is carried over
    draft, _ = services.resume_or_start_intake(patient=PatientFactory(), by=front_desk)
    assert not PrefilledStep.objects.filter(intake=draft).exists()
    assert not draft.medications.exists() and draft.conditions == []


# --- what changed ----------------------------------------------------------------------------


def test_what_changed_names_new_and_gone_symptoms_and_medicines():
    base = VIGNETTES["10-hypothyroid"]["document"]
    then = parse_document(with_answers(base, LAST_VISIT))
    now = parse_document(
        with_answers(
            base,
            {
                "symptoms.locations": ["calf", "foot"],
                "symptoms.severity": 6,
                "medications": [{"name": "LEVOTHYROXINE"}, {"name": "Gabapentin"}],
            },
        )
    )
    changed = since_last_visit(then, "routine", now, "urgent")
    assert changed.symptoms_new == ("Foot",) and changed.symptoms_gone == ()
    assert changed.medications_new == ("Gabapentin",) and changed.medications_gone == ()
    assert (changed.severity_then, changed.severity_now) == (2, 6)
    assert (changed.level_then, changed.level_now) == ("routine", "urgent")
    assert changed.anything


def test_the_intake_page_and_the_pdf_show_what_changed_and_the_trend(
    front_desk, client_for, clinician
):
    last_visit(front_desk)
    doc = with_answers(
        VIGNETTES["10-hypothyroid"]["document"],
        {"symptoms.severity": 7, "medications": [{"name": "Gabapentin"}]},
    )
    now = submission.create_intake_from_document(parse_document(doc), by=front_desk).intake

    page = client_for(clinician).get(reverse("triage:intake", args=[now.pk])).content.decode()
    section = page.split('id="since-last-visit"', 1)[1].split("</section>", 1)[0]
    assert "Severity 2/10 then" in section and "7/10 now" in section
    assert "New medicines: Gabapentin" in section
    assert "Medicines no longer listed: Levothyroxine" in section
    assert section.count('class="trend-visit"') == 2
    summary = PreVisitSummary.objects.get(intake=now)
    building.build_summary(summary.pk)  # the task, sent on commit in a request
    summary.refresh_from_db()
    assert summary.status == PreVisitSummary.Status.READY  # the PDF drew the section
    content = summary.content
    assert content["since_last_visit"]["medications_new"] == ["Gabapentin"]
    assert [severity for _, severity in content["severity_trend"]] == [2, 7]


def test_the_patient_is_asked_in_their_language(front_desk):
    before = last_visit(front_desk)
    before.patient.preferred_language = "es"
    before.patient.save()
    draft, _ = services.resume_or_start_intake(patient=before.patient, by=front_desk)
    link, _ = patient_access.make_link(draft, by=front_desk)
    token = patient_access.token_for(link)

    page = Client().get(reverse("patient:link-step", args=[token, "history"])).content.decode()

    assert "Estas respuestas son de su última visita" in page
