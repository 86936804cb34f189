from django.urls import path

from clinic.clinician import summaries as views

app_name = "reports"

urlpatterns = [
    path("intakes/<uuid:intake_id>/summary/", views.summary_status, name="summary-status"),
    path(
        "intakes/<uuid:intake_id>/v<int:version>/retry/", views.summary_retry, name="summary-retry"
    ),
    path(
        "intakes/<uuid:intake_id>/v<int:version>/summary.pdf",
        views.summary_pdf,
        name="summary-pdf",
    ),
]
