"""The clinic's pages enter the same vignettes as the intake tests."""

from tests.intake.conftest import vignette  # noqa: F401  (a fixture, shared)
