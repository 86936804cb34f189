import pytest
from django.urls import reverse

from audit.models import AuditEvent
from reports import building as pipeline
from reports.models import PreVisitSummary
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
