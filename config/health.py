"""``/healthz``: does the app reach its database and its broker?"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: database did not answer", exc_info=True)
        return False


def broker_answers() -> bool:
    if not settings.REDIS_URL:
        return True  # embedded default: tasks run in-process, there is no broker to lose
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("healthz: broker did not answer")
        return False


@login_not_required
@require_GET
def healthz(request):
    database_ok = database_answers()
    broker_ok = broker_answers()
    body = {
        "status": "ok" if database_ok and broker_ok else "degraded",
        "database": {"vendor": connection.vendor, "ok": database_ok},
        "broker": {"kind": "redis" if settings.REDIS_URL else "in-process", "ok": broker_ok},
    }
    # Without its database the app can do nothing: 503 takes it out of rotation.
    # Without the broker it still takes intakes (the sweeper re-sends summaries).
    return JsonResponse(body, status=200 if database_ok else 503)
