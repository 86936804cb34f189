from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("intakes/", include("intake.urls")),
    path("p/", include("intake.patient_urls")),
    path("worklist/", include("triage.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("api/v1/", include("config.api_urls")),
    path("fhir/", include("intake.fhir_urls")),
    path("", include("accounts.urls")),
]
