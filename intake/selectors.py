"""Reading patients and intakes on behalf of a user: every view fetches through here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.roles import STAFF_ROLES, has_role
from intake.models import Intake, Patient


def intakes_for(user) -> QuerySet[Intake]:
    """The intakes this user may see. The clinic's staff see every patient of the clinic."""
    if not has_role(user, STAFF_ROLES):
        return Intake.objects.none()
    return Intake.objects.select_related("patient")


def get_intake_for(user, intake_id) -> Intake:
    try:
        return intakes_for(user).get(pk=intake_id)
    except Intake.DoesNotExist:
        raise Http404("No such intake") from None


def get_patient_for(user, patient_id) -> Patient:
    if not has_role(user, STAFF_ROLES):
        raise Http404("No such patient")
    try:
        return Patient.objects.get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None


def open_drafts_for(user) -> QuerySet[Intake]:
    return intakes_for(user).filter(status=Intake.Status.DRAFT).order_by("-updated_at")
