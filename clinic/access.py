"""Who may read what: one scoped fetch per object kind, used by every view and API.

Each takes the user and answers 404 for what they may not see, exactly as for what does
not exist (healthchecks' `_get_check_for_user`). `tests/test_layers.py` fails on a bare
`get_object_or_404` or `.objects.get(` on patient data in a view or API module.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.roles import CLINICAL_ROLES, STAFF_ROLES, Role, has_role
from intake.levels import Level
from intake.models import Intake, Patient, PatientLink, Visit
from reports.models import PreVisitSummary
from triage.models import Alert, TriageAssessment, TriageFlag

# Who reads the clinic's patients: its staff, and integrations (an EHR) through the REST and
# FHIR endpoints, where each token's scopes say which endpoints (accounts/api_permissions.py).
PATIENT_READERS = (*STAFF_ROLES, Role.INTEGRATION)
# Who reads the clinical detail: clinicians, admins, and integrations (the clinicians' EHR).
CLINICAL_READERS = (*CLINICAL_ROLES, Role.INTEGRATION)


def intakes_for(user) -> QuerySet[Intake]:
    """The intakes this user may see. The clinic's staff see every patient of the clinic."""
    if not has_role(user, PATIENT_READERS):
        return Intake.objects.none()
    return Intake.objects.select_related("patient")


def intake_for(user, intake_id) -> Intake:
    try:
        return intakes_for(user).get(pk=intake_id)
    except Intake.DoesNotExist:
        raise Http404("No such intake") from None


def patients_for(user) -> QuerySet[Patient]:
    return Patient.objects.all() if has_role(user, PATIENT_READERS) else Patient.objects.none()


def patient_for(user, patient_id) -> Patient:
    try:
        return patients_for(user).get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None


def visit_for(user, visit_id) -> Visit:
    visits = Visit.objects.all() if has_role(user, STAFF_ROLES) else Visit.objects.none()
    found = visits.select_related("patient", "clinician").filter(pk=visit_id).first()
    if found is None:
        raise Http404("No such visit")
    return found


def link_for(user, link_id) -> PatientLink:
    """A patient link of an intake the user may see."""
    found = (
        PatientLink.objects.filter(intake__in=intakes_for(user), pk=link_id)
        .select_related("intake__patient")
        .first()
    )
    if found is None:
        raise Http404("No such link")
    return found


def alert_for(user, public_id) -> Alert:
    """An alert, by its public id, for the board's staff; a refused document's has no intake."""
    alerts = Alert.objects.none()
    if has_role(user, STAFF_ROLES):
        alerts = Alert.objects.filter(Q(intake=None) | Q(intake__in=intakes_for(user)))
    found = alerts.select_related("intake__patient", "patient").filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such alert")
    return found


def assessments_for(user) -> QuerySet[TriageAssessment]:
    """Every triage of the intakes the user may see: the level, as the desk's pages show it."""
    return TriageAssessment.objects.filter(intake__in=intakes_for(user)).select_related("intake")


def flags_for(user) -> QuerySet[TriageFlag]:
    """Every flag of the intakes the user may see, with its evidence: clinical detail."""
    if not reads_clinical(user):
        return TriageFlag.objects.none()
    return TriageFlag.objects.filter(assessment__intake__in=intakes_for(user)).select_related(
        "assessment__intake"
    )


def reads_clinical(user) -> bool:
    """May see the clinical detail: every flag's evidence, suggested tests, the summary."""
    return has_role(user, CLINICAL_READERS)


def desk_flags(assessment: TriageAssessment) -> list[TriageFlag]:
    """The flags the front desk's result page lists: those of the level, when it calls for
    action now (an emergency's, or an urgent triage's)."""
    if assessment.level not in (Level.EMERGENCY, Level.URGENT):
        return []
    return [flag for flag in assessment.flags.all() if flag.severity == assessment.level]


def open_drafts_for(user) -> QuerySet[Intake]:
    return intakes_for(user).filter(status=Intake.Status.DRAFT).order_by("-updated_at")


def assessment_for(user, intake: Intake, assessment_id) -> TriageAssessment:
    """One triage of an intake the user already holds through `intake_for`."""
    assessment = TriageAssessment.objects.filter(
        intake__in=intakes_for(user).filter(pk=intake.pk), pk=assessment_id
    ).first()
    if assessment is None:
        raise Http404("No such assessment")
    return assessment


def flag_for(user, intake: Intake, flag_id) -> TriageFlag:
    """A flag of any version of the intake; flags are a clinician's to act on."""
    flags = TriageFlag.objects.filter(
        assessment__intake__in=intakes_for(user).filter(pk=intake.pk), pk=flag_id
    )
    flag = flags.first() if has_role(user, CLINICAL_ROLES) else None
    if flag is None:
        raise Http404("No such flag")
    return flag


def summary_for(user, intake: Intake, version: int) -> PreVisitSummary:
    """A version's pre-visit summary: a clinical document, for clinicians (and admins) only
    (docs/decisions/0003-summary-downloads.md)."""
    summaries = (
        PreVisitSummary.objects.filter(intake__in=intakes_for(user).filter(pk=intake.pk))
        if has_role(user, CLINICAL_ROLES)
        else PreVisitSummary.objects.none()
    )
    summary = summaries.filter(intake_version=version).select_related("intake").first()
    if summary is None:
        raise Http404("No summary for that version")
    return summary
