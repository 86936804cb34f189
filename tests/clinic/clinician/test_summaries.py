import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clinic import submission
from intake.document import parse_document
from intake.levels import level_meaning
from reports import building as pipeline
from reports.models import PreVisitSummary
from reports.suggestions import POSITIONAL_STATEMENT
from tests.intake.conftest import VIGNETTES
from tests.triage.clinic import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(front_desk) -> PreVisitSummary:
    summary = PreVisitSummary.objects.get(intake=submit("emergency", by=front_desk, family="Zed"))
    pipeline.build_summary(summary.pk)
    summary.refresh_from_db()
    return summary


def pdf_url(summary) -> str:
    return reverse("reports:summary-pdf", args=[summary.intake_id, summary.intake_version])


@pytest.mark.parametrize("persona", ["clinician", "admin_user"])
def test_clinicians_download_the_pdf_as_an_uncached_attachment_without_phi_in_its_name(
    client_for, request, persona, ready
):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(pdf_url(ready))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"previsit-summary-{ready.intake_id}-v1.pdf" in disposition and "Zed" not in disposition
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="download")
    assert (event.actor, event.object_id) == (user, str(ready.intake_id))


@pytest.mark.parametrize("persona", ["front_desk", "outsider"])
def test_others_cannot_download_and_no_download_is_recorded(client_for, request, persona, ready):
    response = client_for(request.getfixturevalue(persona)).get(pdf_url(ready))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="download").exists()


def test_a_stranger_is_sent_to_sign_in(client, ready):
    response = client.get(pdf_url(ready))
    assert response.status_code == 302 and "/login/" in response.url


def test_a_summary_not_ready_is_not_found(client_for, clinician, front_desk):
    intake = submit("routine", by=front_desk)
    url = reverse("reports:summary-pdf", args=[intake.pk, 1])
    assert client_for(clinician).get(url).status_code == 404


def test_pdfs_are_not_under_a_public_url(client_for, clinician, ready, settings):
    assert not str(ready.pdf.path).startswith(str(settings.STATIC_ROOT))
    direct = client_for(clinician).get(settings.MEDIA_URL + ready.pdf.name)
    assert direct.status_code == 404


def test_the_intake_page_links_the_ready_pdf(client_for, clinician, ready):
    html = client_for(clinician).get(reverse("triage:intake", args=[ready.intake_id])).content
    assert pdf_url(ready).encode() in html


# An answer's path in the document (`symptoms.sides`, `red_flags.confusion`), never shown.
CODE_PATH = re.compile(r"\b(?:symptoms|red_flags|risk_factors|lifestyle|patient)\.[a-z_]+\b")


def ready_summary_of(name: str, by) -> PreVisitSummary:
    doc = parse_document(VIGNETTES[name]["document"])
    intake = submission.create_intake_from_document(doc, by=by, channel="front_desk").intake
    summary = PreVisitSummary.objects.get(intake=intake)
    pipeline.build_summary(summary.pk)
    return summary


@pytest.mark.parametrize("name", ["01-positional-transient", "05-diabetic-feet", "02-bladder-loss"])
def test_the_ready_panel_reads_in_words_with_the_levels_meaning(client_for, clinician, name):
    summary = ready_summary_of(name, clinician)
    html = client_for(clinician).get(reverse("triage:intake", args=[summary.intake_id]))
    page = html.content.decode()
    panel = page[page.index('id="summary-panel"') :]
    level = VIGNETTES[name]["reference"]["level"]
    assert level_meaning(level) in panel
    assert not CODE_PATH.search(page), CODE_PATH.search(page)
    if name == "01-positional-transient":  # the reassurance as text, never a Python dict
        assert POSITIONAL_STATEMENT in html.content.decode().replace("&#x27;", "'")
        assert "Come back if:" in panel and "{&#x27;statement" not in panel
    if name == "05-diabetic-feet":
        assert "Which leg is numb or tingling?: Both legs" in panel


def test_acknowledging_on_the_intake_page_draws_the_pdf_again_and_the_old_file_is_not_served(
    client_for, clinician, ready
):
    client = client_for(clinician)
    flag = ready.intake.assessments.get().flags.get(severity="emergency")
    client.post(reverse("triage:acknowledge", args=[ready.intake_id, flag.pk]), {"note": ""})
    ready.refresh_from_db()
    assert ready.status == "pending"

    response = client.get(pdf_url(ready), follow=True)

    assert response.redirect_chain[-1][0] == reverse("triage:intake", args=[ready.intake_id])
    assert "being updated" in response.content.decode()
    assert not AuditEvent.objects.filter(action="download").exists()
    pipeline.build_summary(ready.pk)
    assert client.get(pdf_url(ready)).status_code == 200
    # A second click on the same acknowledgement changes nothing, so nothing is drawn again.
    client.post(reverse("triage:acknowledge", args=[ready.intake_id, flag.pk]), {"note": ""})
    ready.refresh_from_db()
    assert (ready.status, ready.refreshes) == ("ready", 1)


def test_the_desks_confirmation_shows_on_the_intake_page_and_draws_the_pdf_again(
    client_for, clinician, front_desk, ready
):
    assessment = ready.intake.assessments.get()
    client_for(front_desk).post(
        reverse("intake:escalated", args=[ready.intake_id, assessment.pk]), {"kind": "sent_to_ed"}
    )
    ready.refresh_from_db()
    assert ready.status == "pending"
    page = client_for(clinician).get(reverse("triage:intake", args=[ready.intake_id]))
    assert "The front desk called 911" in page.content.decode()
