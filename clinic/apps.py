from django.apps import AppConfig


class ClinicConfig(AppConfig):
    """The front desk's, the patient's and the clinician's pages, the APIs, the submission."""

    name = "clinic"
