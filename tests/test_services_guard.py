"""A test that cannot find its service skips on a laptop, and fails under CI=true."""

import pytest

from tests import services


def test_a_missing_service_fails_the_run_under_ci(monkeypatch):
    monkeypatch.setattr(services, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true and no nginx"):
        services.unavailable("no nginx")


def test_a_missing_service_skips_with_its_reason_elsewhere(monkeypatch):
    monkeypatch.setattr(services, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="no nginx"):
        services.unavailable("no nginx")
