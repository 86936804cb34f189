from django.urls import path

from clinic.clinician import views

app_name = "triage"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("search/", views.worklist_search, name="worklist-search"),
    path("trends/", views.trends, name="trends"),
    path("emergencies/count/", views.emergency_count, name="emergency-count"),
    path("intakes/<uuid:intake_id>/", views.intake_detail, name="intake"),
    path(
        "intakes/<uuid:intake_id>/flags/<int:flag_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("intakes/<uuid:intake_id>/reviewed/", views.mark_reviewed, name="reviewed"),
    path("intakes/<uuid:intake_id>/notes/", views.add_note, name="note"),
    path("intakes/<uuid:intake_id>/withdraw/", views.withdraw, name="withdraw"),
]
