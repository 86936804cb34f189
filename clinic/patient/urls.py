from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import set_language

from clinic.front_desk import handover
from clinic.patient import views

app_name = "patient"

urlpatterns = [
    # staff: hand over the tablet, or make a link
    path("kiosk/start/<uuid:intake_id>/", handover.kiosk_start, name="kiosk-start"),
    path("links/new/<uuid:intake_id>/", handover.link_new, name="link-new"),
    # the patient on the clinic's tablet
    path("kiosk/submit/", views.kiosk_submit, name="kiosk-submit"),
    path("kiosk/done/", views.kiosk_done, name="kiosk-done"),
    path("kiosk/<slug:slug>/", views.kiosk_step, name="kiosk-step"),
    # the patient by link
    path("l/<str:token>/", views.link_start, name="link-start"),
    path("l/<str:token>/submit/", views.link_submit, name="link-submit"),
    path("l/<str:token>/done/", views.link_done, name="link-done"),
    path("l/<str:token>/<slug:slug>/", views.link_step, name="link-step"),
    # the language switch on the patient's pages
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
