from django.urls import path

from clinic.audit_trail import views

app_name = "audit"

urlpatterns = [
    path("", views.trail, name="trail"),
    path("export.csv", views.export_csv, name="export"),
]
