from django.apps import AppConfig


class ClinicConfig(AppConfig):
    """The front desk's, the patient's and the clinician's pages, the APIs, the submission."""

    name = "clinic"

    def ready(self) -> None:
        # The OpenAPI schema's authentication schemes register themselves when defined.
        from clinic.api import schema  # noqa: F401
