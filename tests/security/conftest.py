"""A small clinic to point every URL at: real objects, so an allowed role gets the real page."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse

from clinic.patient import access as patient_access
from intake.answers import apply_document
from intake.document import parse_document
from intake.models import Intake, PatientLink
from reports import building as pipeline
from reports.models import PreVisitSummary
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory, VisitFactory
from tests.intake.formdata import as_the_forms_ask
from tests.triage.clinic import submit
from tests.urlwalk import Route
from triage.fhir import flag_id, risk_assessment_id
from triage.models import Alert


@dataclass
class Clinic:
    """A submitted emergency (flags open, summary pending) and a complete draft with a link."""

    submitted: Intake
    draft: Intake
    link: PatientLink
    token: str
    refused: Alert  # raised by a refused API document, on nobody yet

    @cached_property
    def summary(self) -> PreVisitSummary:
        """The submitted intake's summary, built (PDF included) on first use: it is slow."""
        summary = PreVisitSummary.objects.get(intake=self.submitted)
        pipeline.build_summary(summary.pk)
        summary.refresh_from_db()
        return summary

    def url(self, route: Route, *, subject: str = "submitted", slug: str = "symptoms") -> str:
        """The route's path with real arguments for `subject`: "submitted", "draft",
        "summary" (the submitted intake, its summary built first), or "refused" (the refused
        document's alert, the submitted intake for the rest); `slug` names a step."""
        names = resolve(route.path).kwargs
        if subject == "summary":
            assert self.summary.status == PreVisitSummary.Status.READY
        intake = self.draft if subject == "draft" else self.submitted
        assessment = intake.assessments.first()
        flag = assessment.flags.first() if assessment else None
        alert = self.refused if subject == "refused" else intake.alerts.first()
        values = {
            "alert_id": alert.public_id if alert else uuid.UUID(int=0),
            "intake_id": intake.pk,
            "patient_id": intake.patient_id,
            "assessment_id": assessment.pk if assessment else 0,
            "flag_id": flag.pk if flag else 0,
            "version": intake.version,
            "slug": slug,
            "token": self.token,
            "visit_id": self.draft.visit_id,
            "link_id": self.link.pk,
            "system_id": "triage-flags",
            "value_set_id": "symptoms-sides",
            "assessment_ref": risk_assessment_id(assessment) if assessment else "none",
            "flag_ref": flag_id(flag) if flag else "none",
        }
        return reverse(route.name, kwargs={name: values[name] for name in names})


@pytest.fixture
def clinic(front_desk) -> Clinic:
    submitted = submit("emergency", by=front_desk)
    doc = parse_document(as_the_forms_ask(VIGNETTES["10-hypothyroid"]["document"]))
    draft = IntakeFactory(reported_on=doc.reported_on)
    apply_document(draft, doc)  # every answer the forms ask given: the draft can be submitted
    draft.visit = VisitFactory(patient=draft.patient, created_by=front_desk)
    draft.save()
    link, _ = patient_access.make_link(draft, by=front_desk)
    refused = Alert.objects.create(
        level="emergency",
        codes=["saddle_numbness"],
        evidence=["red_flags.saddle_numbness"],
        channel=Intake.Channel.API,
        reported={"family_name": "Unmatched", "answers": ["red_flags.saddle_numbness"]},
    )
    return Clinic(
        submitted=submitted,
        draft=draft,
        link=link,
        token=patient_access.token_for(link),
        refused=refused,
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    # Argon2 takes a quarter of a second per persona, and these tests make hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_as(client_for, clinic, front_desk, clinician, admin_user, deactivated, outsider):
    """A client for one column of the matrix: a persona, a stranger, or the kiosk tablet."""
    users = {
        "front_desk": front_desk,
        "clinician": clinician,
        "admin": admin_user,
        "deactivated": deactivated,
        "no_role": outsider,
    }

    def make(role: str) -> Client:
        if role == "anonymous":
            return Client()
        if role == "kiosk":
            desk = client_for(front_desk)
            desk.post(reverse("patient:kiosk-start", args=[clinic.draft.pk]))
            return desk  # now an anonymous session bound to the draft
        return client_for(users[role])

    return make


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever happens inside is undone: the next role finds the clinic as it was."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


# What a refused request must leave as it was: every patient, intake, triage and summary
# row, and the accounts. (Audit events and sessions may grow: a refusal may be recorded.)
WATCHED_APPS = ("intake", "triage", "reports", "auth", "authtoken")


def clinic_state() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in WATCHED_APPS
    }
