"""The integration pass: real PostgreSQL, real Redis, real Celery workers.

CI runs it with DATABASE_URL and REDIS_URL set; without them these tests skip
(with the reason) on a laptop and fail under CI=true.
"""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app
from tests.integration.worker import CeleryWorker
from tests.services import point_celery_at, unavailable


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def real_services():
    if connection.vendor != "postgresql":
        unavailable("the integration pass needs DATABASE_URL pointing at PostgreSQL")
    if not settings.REDIS_URL:
        unavailable("the integration pass needs REDIS_URL pointing at Redis")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis at REDIS_URL does not answer ({type(error).__name__})")


@pytest.fixture
def broker_at():
    """Point this process's Celery at another broker for the test, then back."""
    original = app.conf.broker_url
    yield point_celery_at
    point_celery_at(original)


@pytest.fixture
def celery_worker(real_services, django_db_setup, tmp_path):
    """A real worker process on the test database; stopped after the test."""
    worker = CeleryWorker(log_path=tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
