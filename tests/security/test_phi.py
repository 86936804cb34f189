"""No patient data where it does not belong: logs, task messages, URLs, e-mail, error pages.

An intake whose names and free text carry a marker no other text contains goes through
every way in (the front desk's pages, the patient's link, the REST API, FHIR), the
clinician's pages and the summary pipeline, with every logger at DEBUG. The marker must
then be in the database (it went through) and nowhere else.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from celery import signals
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.celery import app
from intake.fhir import questionnaire_response
from intake.models import Intake, Patient
from intake.steps import STEPS
from reports import building as pipeline
from reports.models import PreVisitSummary
from tests.builders import with_answers
from tests.intake.conftest import VIGNETTES
from tests.intake.formdata import as_the_forms_ask, reask_data, step_data
from tests.triage.clinic import listed
from triage.models import TriageFlag

MARKER = "Zqx7Marker"
LINK = re.compile(r'(?:href|action|src|hx-get|hx-post)="([^"]*)"')
# Every free-text answer, and the names, carry the marker; no dates, so any day will do.
DOCUMENT = as_the_forms_ask(
    with_answers(
        VIGNETTES["10-hypothyroid"]["document"],
        {
            "patient.given_name": f"Ana {MARKER}",
            "patient.family_name": f"{MARKER}-Lopez",
            "patient.mrn": f"{MARKER}-1",
            "symptoms.description": f"Tingling since {MARKER} day",
            "medications": [
                {"name": f"{MARKER} tablets", "dose": f"2 {MARKER}", "kind": "supplement"}
            ],
            "vaccinations": [{"name": f"{MARKER} vaccine"}],
            "injuries": [{"kind": "other", "description": f"Fell off a {MARKER}"}],
            # Words the review page puts back beside their question, quoted with the marker.
            "notes": f"Ask about {MARKER}, no bladder trouble",
        },
    )
)
ASKED_AGAIN = ["bladder_bowel_control_loss", "urinary_difficulty"]


@dataclass
class Outlets:
    """Everything that leaves the app other than its pages and the database."""

    urls: list[str] = field(default_factory=list)  # requested, and redirected to
    task_messages: list[str] = field(default_factory=list)

    def leaks(self, caplog) -> dict[str, list[str]]:
        logged = [
            f"{record.getMessage()} {record.exc_text or ''}".strip() for record in caplog.records
        ]
        mailed = [f"{message.subject} {message.body}" for message in mail.outbox]
        places = {
            "log": logged,
            "url": self.urls,
            "task": self.task_messages,
            "mail": mailed,
        }
        return {name: [text for text in texts if MARKER in text] for name, texts in places.items()}


@pytest.fixture
def outlets(monkeypatch, caplog) -> Iterator[Outlets]:
    seen = Outlets()
    # As LOG_LEVEL=DEBUG logs: every logger at DEBUG but those the settings pin higher
    # because they would log patient data (SQL parameters, template contexts) or noise.
    pinned = settings.LOGGING["loggers"]
    caplog.set_level(logging.DEBUG)
    for name in logging.root.manager.loggerDict:
        if name not in pinned:
            caplog.set_level(logging.DEBUG, logger=name)

    original = Client.request

    def watched(client: Client, **request):
        response = original(client, **request)
        seen.urls.append(f"{request['PATH_INFO']}?{request.get('QUERY_STRING', '')}")
        seen.urls.append(response.get("Location", ""))
        if response.get("Content-Type", "").startswith("text/html"):  # and the pages' links
            seen.urls += LINK.findall(response.content.decode())
        return response

    monkeypatch.setattr(Client, "request", watched)

    def published(body=None, headers=None, **kwargs) -> None:
        seen.task_messages.append(repr((body, headers)))

    signals.before_task_publish.connect(published, weak=False)
    # Tasks are published (to the in-memory broker), not run in-process: the messages
    # are what a real broker would carry. The worker's part is run below, by id.
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield seen
    app.conf.task_always_eager = eager
    signals.before_task_publish.disconnect(published)


def run_the_worker() -> None:
    """What the summary worker does with each message: build the summary from its id."""
    for summary in PreVisitSummary.objects.filter(status=PreVisitSummary.Status.PENDING):
        pipeline.build_summary(summary.pk)


def submitted_at_the_desk(desk: Client) -> Intake:
    patient = DOCUMENT["patient"]
    response = desk.post(
        reverse("intake:patient-new"),
        {
            **{name: patient[name] for name in ("given_name", "family_name", "mrn")},
            "date_of_birth": patient["date_of_birth"],
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    intake = Intake.objects.get(patient__mrn=patient["mrn"])
    for step in STEPS[1:]:
        intake.refresh_from_db()
        data = step_data(step.slug, DOCUMENT, revision=intake.revision)
        assert (
            desk.post(reverse("intake:step", args=[intake.pk, step.slug]), data).status_code == 302
        )
    intake.refresh_from_db()
    confirmed = reask_data(ASKED_AGAIN, answer=False, revision=intake.revision)
    assert desk.post(reverse("intake:submit", args=[intake.pk]), confirmed).status_code == 302
    assert intake.reasked_answers.exists()  # the words went through the re-ask too
    for term in (patient["family_name"], patient["mrn"]):  # the patient comes back next week
        found = desk.post(reverse("intake:desk-search"), {"q": term}, follow=True)
        assert [p.pk for p in found.context["patients"]] == [intake.patient_id], term
    return intake


def submitted_by_link(desk: Client) -> Intake:
    given, family = f"Bea {MARKER}", f"{MARKER}-Ortiz"
    desk.post(
        reverse("intake:patient-new"),
        {
            "given_name": given,
            "family_name": family,
            "date_of_birth": "1980-05-06",
            "preferred_language": "en",
        },
    )
    intake = Intake.objects.get(patient__given_name=given)
    link = desk.post(reverse("patient:link-new", args=[intake.pk])).context["url"]
    patient = Client()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert patient.get(link).status_code == 302
    for step in STEPS[1:]:
        intake.refresh_from_db()
        data = step_data(step.slug, DOCUMENT, revision=intake.revision)
        url = reverse("patient:link-step", args=[token, step.slug])
        assert patient.post(url, data).status_code == 302
    intake.refresh_from_db()
    confirmed = reask_data(ASKED_AGAIN, answer=False, revision=intake.revision)
    assert patient.post(reverse("patient:link-submit", args=[token]), confirmed).status_code == 302
    assert intake.reasked_answers.exists()
    return intake


def submitted_by_api(desk: Client, path: str, body: object, read: str) -> None:
    response = desk.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert desk.get(response["Location"]).status_code == 200
    intake_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert desk.get(reverse(read, args=[intake_id])).status_code == 200


def read_and_worked_by_a_clinician(clinic: Client, intake: Intake) -> None:
    intake.refresh_from_db()
    assert clinic.get(reverse("triage:worklist")).status_code == 200
    for term in (intake.patient.family_name, intake.patient.given_name):
        search = {"q": term, "level": intake.triage_level}
        found = clinic.post(reverse("triage:worklist-search"), search, follow=True)
        assert intake in listed(found), term
        # The 10-second refresh repeats the search from the session, not from its URL.
        refresh = clinic.get(found.redirect_chain[-1][0], headers={"HX-Request": "true"})
        assert intake in listed(refresh), term
    assert clinic.get(reverse("triage:intake", args=[intake.pk])).status_code == 200
    assert clinic.get(reverse("reports:summary-status", args=[intake.pk])).status_code == 200
    pdf = clinic.get(reverse("reports:summary-pdf", args=[intake.pk, intake.version]))
    assert pdf.status_code == 200
    b"".join(pdf.streaming_content)
    for flag in intake.assessments.get().flags.all():
        clinic.post(
            reverse("triage:acknowledge", args=[intake.pk, flag.pk]), {"note": f"{MARKER} ok"}
        )
    clinic.post(reverse("triage:note", args=[intake.pk]), {"text": f"Call {MARKER} back"})
    intake.refresh_from_db()
    amended = step_data("history", DOCUMENT, revision=intake.revision) | {
        "notes": f"Also {MARKER} again",
        "reason": f"{MARKER} phoned in",
    }
    assert (
        clinic.post(reverse("intake:amend", args=[intake.pk, "history"]), amended).status_code
        == 302
    )


@pytest.mark.django_db
def test_patient_data_goes_to_the_database_and_nowhere_else(
    outlets, caplog, client_for, front_desk, clinician, django_capture_on_commit_callbacks
):
    desk = client_for(front_desk)
    with django_capture_on_commit_callbacks(execute=True):
        at_the_desk = submitted_at_the_desk(desk)
        by_link = submitted_by_link(desk)
        submitted_by_api(desk, reverse("api:intakes"), DOCUMENT, "api:intake")
        submitted_by_api(
            desk,
            reverse("fhir:questionnaire-responses"),
            questionnaire_response(with_answers(DOCUMENT, {"patient.mrn": f"{MARKER}-2"})),
            "fhir:questionnaire-response",
        )
    run_the_worker()
    clinic = client_for(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        for intake in (at_the_desk, by_link):
            read_and_worked_by_a_clinician(clinic, intake)
    run_the_worker()

    assert Patient.objects.filter(given_name__contains=MARKER).count() == 3
    assert PreVisitSummary.objects.filter(status="ready").count() == 6  # the amended too
    # One message per summary, and one per acknowledgement, which draws its PDF again.
    acknowledged = TriageFlag.objects.filter(acknowledged_at__isnull=False).count()
    assert acknowledged >= 2 and len(outlets.task_messages) == 6 + acknowledged
    assert outlets.leaks(caplog) == {"log": [], "url": [], "task": [], "mail": []}


@pytest.mark.parametrize("name", ["django.db.backends", "django.template"])
def test_the_loggers_that_would_log_patient_data_are_pinned_above_debug(name):
    # django.db.backends logs SQL with its parameters; django.template logs a missing
    # variable with the whole template context. LOG_LEVEL=DEBUG must not turn them on.
    assert settings.LOGGING["loggers"].get(name, {}).get("level") == "INFO", (
        f"pin {name} at INFO in settings.LOGGING"
    )
    assert logging.getLogger(name).level == logging.INFO


@pytest.mark.django_db
def test_sql_parameters_never_reach_the_log_even_with_a_debug_cursor(caplog):
    caplog.set_level(logging.DEBUG)  # the root only: django.db.backends stays as pinned

    with CaptureQueriesContext(connection) as queries:  # the debug cursor, as DEBUG=True has
        Patient.objects.filter(given_name=MARKER).exists()

    assert MARKER in str(queries.captured_queries)  # the query did carry it
    assert MARKER not in caplog.text


@pytest.mark.django_db
def test_a_server_error_shows_the_plain_error_page_without_the_request_data(
    monkeypatch, caplog, front_desk
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("intake.services.save_patient", broken)
    client = Client(raise_request_exception=False)
    client.force_login(front_desk)

    response = client.post(
        reverse("intake:patient-new"),
        {
            "given_name": MARKER,
            "family_name": MARKER,
            "date_of_birth": "1980-05-06",
            "preferred_language": "en",
        },
    )

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and MARKER not in page
    assert MARKER not in caplog.text
    assert "the database went away" in caplog.text  # the error itself is logged
