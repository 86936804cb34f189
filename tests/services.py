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


def point_celery_at(broker_url: str) -> None:
    """Send this process's tasks and control messages to another broker from now on."""
    from config.celery import app

    app.conf.broker_url = broker_url
    # Connections and producers are pooled per broker on first use: start afresh.
    app._pool = None
    app.amqp._producer_pool = None
