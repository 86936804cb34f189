"""Finding the real services the integration pass needs.

On a newcomer's laptop a missing service skips its tests with the reason
printed; under CI=true the same absence is a failure, so CI can never pass
by skipping what it was meant to prove.
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)
