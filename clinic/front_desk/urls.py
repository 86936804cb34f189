from django.urls import path

from clinic.front_desk import views, visits

app_name = "intake"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("search/", views.desk_search, name="desk-search"),
    path("alerts/", views.alerts_board, name="alerts"),
    path("alerts/count/", views.alerts_count, name="alerts-count"),
    path("alerts/<uuid:alert_id>/action/", views.alert_action, name="alert-action"),
    path("alerts/<uuid:alert_id>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<uuid:alert_id>/attach/", views.alert_attach, name="alert-attach"),
    path("day/", visits.day_board, name="day"),
    path("visits/import/", visits.visits_import, name="visits-import"),
    path("visits/<uuid:visit_id>/", visits.visit, name="visit"),
    path("visits/<uuid:visit_id>/start/", visits.visit_start, name="visit-start"),
    path("visits/<uuid:visit_id>/send/", visits.visit_send, name="visit-send"),
    path("links/<uuid:link_id>/revoke/", visits.link_revoke, name="link-revoke"),
    path("patients/new/", views.patient_new, name="patient-new"),
    path("patients/<uuid:patient_id>/visits/new/", visits.visit_new, name="visit-new"),
    path("patients/<uuid:patient_id>/start/", views.intake_start, name="start"),
    path("<uuid:intake_id>/resume/", views.resume, name="resume"),
    path("<uuid:intake_id>/review/", views.review, name="review"),
    path("<uuid:intake_id>/submit/", views.submit, name="submit"),
    path("<uuid:intake_id>/result/", views.submitted, name="submitted"),
    path("<uuid:intake_id>/escalated/<int:assessment_id>/", views.escalated, name="escalated"),
    path("<uuid:intake_id>/amend/<slug:slug>/", views.amend, name="amend"),
    path("<uuid:intake_id>/<slug:slug>/", views.step, name="step"),
]
