"""NLM's LHC-Forms (the npm package `lforms`) renders the served Questionnaire in Debian's
Chromium, from a second origin listed in CORS, checks a form as its users would, and submits
what it exports with a client-credentials token the test (not the page) obtained."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from intake.fhir import questionnaire_response
from intake.models import Intake
from tests.builders import benign_data, with_answers
from tests.factories import bearer_token, integration
from tests.services import unavailable
from triage.models import Alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
LFORMS = ROOT / "var" / "lforms" / "package" / "dist" / "lforms"  # make lforms
HARNESS = Path(__file__).with_name("lforms") / "harness.html"


class _SecondOrigin(http.server.SimpleHTTPRequestHandler):
    """The harness page at /, LHC-Forms' files under /lforms/."""

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        if path.startswith("/lforms/"):
            return str(LFORMS / path.removeprefix("/lforms/"))
        return str(HARNESS)

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def second_origin():
    if not (LFORMS / "webcomponent" / "main.js").exists():
        unavailable(f"LHC-Forms is not unpacked at {LFORMS}: run `make lforms`")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SecondOrigin))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def lhc_forms(second_origin, live_server, settings, page):
    settings.CORS_ALLOWED_ORIGINS = [second_origin]
    settings.PUBLIC_BASE_URL = live_server.url
    page.goto(second_origin)
    page.wait_for_function("window.LForms && window.LForms.FHIR && window.harness")
    return page


def _show(page, live_server, answers=None) -> None:
    assert page.evaluate(
        "([server, answers]) => harness.show(server, answers)", [live_server.url, answers]
    )
    page.wait_for_selector("wc-lhc-form .lhc-form-title, wc-lhc-form lhc-form")


def test_lhc_forms_checks_a_complete_form_as_valid_and_submits_it(lhc_forms, live_server, client):
    complete = with_answers(
        benign_data(), {"patient.mrn": "MRN-LHC", "red_flags.bladder_bowel_control_loss": True}
    )
    # Filled by LHC-Forms itself, from a response (its mergeFHIRDataIntoLForms), then checked
    # and exported by it: what reaches the server is LHC-Forms' own QuestionnaireResponse.
    _show(lhc_forms, live_server, questionnaire_response(complete))
    assert lhc_forms.evaluate("harness.problems()") is None
    token = bearer_token(client, integration())
    answer = lhc_forms.evaluate(
        "([server, token]) => harness.submit(server, token, 'completed')", [live_server.url, token]
    )
    assert answer["status"] == 201, answer["body"]
    intake = Intake.objects.get(pk=answer["body"]["id"])
    assert (intake.status, intake.triage_level) == ("submitted", "emergency")
    # The triage, as FHIR: the RiskAssessment the answer links, and the flags.
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assessment = client.get(answer["link"].split(">")[0].lstrip("<"), **auth).json()
    assert assessment["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "emergency"
    flags = client.get("/fhir/Flag", {"patient": f"Patient/{intake.patient_id}"}, **auth).json()
    codes = {entry["resource"]["code"]["coding"][0]["code"] for entry in flags["entry"]}
    assert "bladder_bowel_control_loss" in codes


def test_lhc_forms_refuses_an_incomplete_form_and_its_partial_answers_are_kept(
    lhc_forms, live_server, client
):
    partial = with_answers(
        benign_data(), {"patient.mrn": "MRN-LHC2", "red_flags.bladder_bowel_control_loss": True}
    )
    partial = {key: partial[key] for key in ("reported_on", "patient", "red_flags")}
    _show(lhc_forms, live_server, questionnaire_response(partial, status="in-progress"))
    assert lhc_forms.evaluate("harness.problems()")  # symptoms unanswered: not valid yet
    token = bearer_token(client, integration())
    answer = lhc_forms.evaluate(
        "([server, token]) => harness.submit(server, token, 'in-progress')",
        [live_server.url, token],
    )
    assert answer["status"] == 201, answer["body"]
    draft = Intake.objects.get(pk=answer["body"]["id"])
    assert draft.is_draft
    assert Alert.objects.get(intake=draft).level == "emergency"
