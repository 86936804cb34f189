from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from clinic.api.fhir.discovery import SmartConfigurationView
from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("intakes/", include("clinic.front_desk.urls")),
    # The address the desk is told (the alerts' board, the day's visits): its page.
    path("desk/", RedirectView.as_view(pattern_name="intake:desk"), name="desk"),
    path("p/", include("clinic.patient.urls")),
    path("worklist/", include("clinic.clinician.urls")),
    path("reports/", include("clinic.clinician.summary_urls")),
    path("audit/", include("clinic.audit_trail.urls")),
    path("api/v1/", include("clinic.api.rest.urls")),
    path("fhir/", include("clinic.api.fhir.urls")),
    path("oauth/", include("accounts.oauth_urls")),
    # SMART clients look at the FHIR base (/fhir/.well-known/...); some at the site's root.
    path(
        ".well-known/smart-configuration",
        login_not_required(SmartConfigurationView.as_view()),
        name="smart-configuration",
    ),
    path("", include("accounts.urls")),
]
