"""The benchmark data generator: the rows it writes are ones the app itself would write."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from django.db import connection, transaction

from bench.generate import Mix, Stats, generate
from clinic.clinician.worklist import WorklistFilters, worklist_page
from intake.answers import intake_answers
from intake.document import document_to_dict, parse_document
from intake.levels import Level, OpenAlert
from intake.models import Intake, IntakeVersion, Patient
from intake.services import fold
from reports.building import triage_of
from reports.models import PreVisitSummary
from reports.summary import build_summary_content
from triage.engine import evaluate_triage
from triage.models import TriageAssessment, TriageFlag
from triage.services import open_alert_rank

N = 200
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker) -> Stats:
    """One generated clinic for the whole module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(N, seed=7, variants=40)
        transaction.set_rollback(True)


def submitted() -> list[Intake]:
    return list(Intake.objects.exclude(status="draft").select_related("patient"))


def test_counts_match_and_every_version_has_its_triage_and_summary(generated):
    assert Intake.objects.count() == N
    assert Patient.objects.count() == generated.patients < N  # some patients came back
    intakes = submitted()
    versions = sum(intake.version for intake in intakes)
    assert IntakeVersion.objects.count() == versions
    assert TriageAssessment.objects.count() == versions
    assert PreVisitSummary.objects.count() == versions
    drafts = Intake.objects.filter(status="draft")
    assert not IntakeVersion.objects.filter(intake__in=drafts).exists()
    assert generated.rows["intake_intake"] == N


def within_chance(count: int, share: float, draws: int) -> bool:
    """`count` is what `draws` draws at rate `share` give, within four standard deviations."""
    return abs(count - draws * share) <= 4 * math.sqrt(draws * share * (1 - share))


def test_the_level_mix_is_the_clinics(generated):
    mix = Mix()
    by_time = sorted(submitted(), key=lambda intake: intake.submitted_at)
    # The newest `min_open` are emergency and urgent in turn (a page of open alerts at
    # every size); a draft among them leaves one fewer. The rest are drawn at the mix.
    floor = mix.min_open - Intake.objects.filter(status="draft").count()
    assert {intake.triage_level for intake in by_time[-floor:]} == {"emergency", "urgent"}
    intakes = by_time[: -mix.min_open]
    levels = Counter(intake.triage_level for intake in intakes)
    draws = len(intakes)
    assert any(intake.triage_level == "emergency" for intake in by_time)  # one to show
    assert within_chance(levels["emergency"], mix.emergency, draws), levels
    assert within_chance(levels["urgent"], mix.urgent, draws), levels
    assert within_chance(levels["routine"], 1 - mix.emergency - mix.urgent, draws), levels
    # No level outside the three.
    assert {intake.triage_level for intake in by_time} == {"emergency", "urgent", "routine"}


def test_surnames_are_skewed_so_some_searches_match_many_rows(generated):
    counts = Counter(Patient.objects.values_list("family_name", flat=True))
    (top, most), *_ = counts.most_common(1)
    assert most >= 4  # a uniform draw from 10,000 surnames would almost never repeat
    assert len(counts) > 50
    assert top in ("Smith", "Garcia", "Johnson", "Nguyen", "Williams")


def test_mostly_reviewed_with_a_small_active_set_holding_the_open_alerts(generated):
    intakes = submitted()
    unreviewed = [intake for intake in intakes if intake.reviewed_at is None]
    assert 0 < len(unreviewed) <= Mix().min_active
    newest = sorted(intakes, key=lambda intake: intake.submitted_at)[-len(unreviewed) :]
    assert set(unreviewed) == set(newest)
    assert all(intake.reviewed_at is None for intake in intakes if intake.open_alert)
    for intake in intakes:
        flags = TriageFlag.objects.filter(
            assessment__intake=intake, assessment__intake_version=intake.version
        )
        assert intake.open_alert == open_alert_rank(flags)
        if intake.reviewed_at:
            assert not [flag for flag in flags if flag.needs_acknowledgement]


def test_rows_satisfy_the_model_constraints(generated):
    for model in (Patient, Intake, IntakeVersion, TriageAssessment, TriageFlag, PreVisitSummary):
        for row in model.objects.all()[:60]:
            row.full_clean(validate_unique=False)  # uniqueness is the database's, checked below
    connection.check_constraints()
    assert Patient.objects.exclude(mrn=None).values("mrn").distinct().count() == (
        Patient.objects.exclude(mrn=None).count()
    )


def test_documents_triage_and_summaries_are_what_the_app_would_store(generated):
    for intake in submitted():
        version = IntakeVersion.objects.get(intake=intake, number=intake.version)
        doc = parse_document(version.document)
        assert document_to_dict(doc) == version.document
        assert document_to_dict(parse_document(intake_answers(intake))) == version.document
        assessment = TriageAssessment.objects.get(intake=intake, intake_version=intake.version)
        triage = evaluate_triage(doc)
        assert triage == triage_of(assessment)
        assert intake.triage_level == triage.level
        summary = PreVisitSummary.objects.get(intake=intake, intake_version=intake.version)
        if summary.status == "ready":
            assert summary.content == build_summary_content(
                doc, triage, submitted_at=version.created_at
            )


def test_every_versions_stored_triage_is_the_engines_for_its_stored_document(generated):
    versions = IntakeVersion.objects.all()
    assert len(versions) > len(submitted())  # earlier versions of amended intakes too
    assessments = {
        (a.intake_id, a.intake_version): a
        for a in TriageAssessment.objects.prefetch_related("flags")
    }
    for version in versions:
        assessment = assessments[version.intake_id, version.number]
        assert triage_of(assessment) == evaluate_triage(parse_document(version.document))


def test_flags_are_acknowledged_and_emergencies_escalated_as_the_app_allows(generated):
    for flag in TriageFlag.objects.select_related("assessment"):
        if OpenAlert.for_severity(flag.severity) == OpenAlert.NONE:
            assert flag.acknowledged_at is None  # nothing for a clinician to acknowledge
        if flag.acknowledged_at is not None:
            assert flag.acknowledged_by_id and flag.acknowledged_at >= flag.assessment.created_at
    for assessment in TriageAssessment.objects.all():
        if assessment.escalation_confirmed_at is not None:
            assert assessment.level == Level.EMERGENCY  # intake.views.escalated refuses others
            assert assessment.escalation_confirmed_by_id
            assert assessment.escalation_confirmed_at >= assessment.created_at
    reviewed_emergencies = TriageAssessment.objects.filter(
        level=Level.EMERGENCY, intake__reviewed_at__isnull=False
    )
    assert not reviewed_emergencies.filter(escalation_confirmed_at=None).exists()


def test_the_worklist_shows_them_in_order_with_their_flags(generated):
    seen, cursor = [], ""
    while True:
        page = worklist_page(WorklistFilters(), cursor=cursor, size=40)
        seen += page.rows
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(submitted())
    keys = [(-row.open_alert, row.submitted_at, row.id) for row in seen]
    assert keys == sorted(keys)
    for row in seen[:20]:
        expected = TriageFlag.objects.filter(
            assessment__intake=row, assessment__intake_version=row.version
        ).order_by("position")
        assert [flag.code for flag in row.current_flags] == [flag.code for flag in expected]
    emergencies = worklist_page(WorklistFilters(level="emergency")).rows
    assert emergencies and {row.triage_level for row in emergencies} == {"emergency"}
    top = Counter(row.patient.family_name for row in seen).most_common(1)[0][0]
    found = worklist_page(WorklistFilters(query=top), size=N).rows
    assert found and all(fold(top) in row.patient.search_name for row in found)
