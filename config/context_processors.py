"""What every page may say of the clinic: its name, from one setting (CLINIC_NAME)."""

from django.conf import settings


def clinic(request) -> dict[str, str]:
    return {"clinic_name": settings.CLINIC_NAME}
