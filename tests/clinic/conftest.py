"""The clinic's pages enter the same vignettes as the intake tests."""

from tests.clinic.smtp import smtp  # noqa: F401  (a fixture, shared)
from tests.intake.conftest import vignette  # noqa: F401  (a fixture, shared)
