"""Settings come from the environment; bad values stop the start-up, naming the variable.

Each case starts a fresh interpreter, because settings are read once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "p" * 20 + "roduction-secret-key-with-enough-variety-0123456789",
    "ALLOWED_HOSTS": "clinic.example.org",
    "DATABASE_URL": "postgres://app@127.0.0.1:5432/clinic",
    "CLINIC_NAME": "Riverside Neurology",
    "CLINIC_PHONE": "(617) 555-0123",
    "PUBLIC_BASE_URL": "https://clinic.example.org",
    "EMAIL_HOST": "smtp.example.org",
}
# The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into the deployment check either.
CONFIGURING = {
    "DJANGO_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CLINIC_NAME",
    "CLINIC_PHONE",
    "PUBLIC_BASE_URL",
    "EMAIL_HOST",
    "REDIS_URL",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'db': str(s.DATABASES['default']['NAME']), "
    "'conn_max_age': s.DATABASES['default'].get('CONN_MAX_AGE'), "
    "'health_checks': s.DATABASES['default'].get('CONN_HEALTH_CHECKS'), "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
    "'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, "
    "'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0)}))"
)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIGURING}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(env: dict[str, str]) -> dict:
    import json

    result = run_python(PRINT_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_variables_means_sqlite_in_var_and_tasks_in_process():
    values = settings_with({})
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db"] == str(ROOT / "var" / "db.sqlite3")
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["cache"].endswith("LocMemCache")
    assert values["debug"] is True


def test_database_url_switches_to_postgres_with_persistent_checked_connections():
    values = settings_with({"DATABASE_URL": "postgres://app@127.0.0.1:5432/clinic"})
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db"] == "clinic"
    assert values["conn_max_age"] == 60
    assert values["health_checks"] is True


def test_redis_url_switches_celery_and_the_cache_to_redis():
    values = settings_with({"REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/3"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**PRODUCTION, "SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({**PRODUCTION, "CLINIC_PHONE": ""}, "CLINIC_PHONE must be set"),
        ({**PRODUCTION, "CLINIC_NAME": ""}, "CLINIC_NAME must be set"),
        ({**PRODUCTION, "PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL must be set"),
        ({**PRODUCTION, "PUBLIC_BASE_URL": "http://clinic.example.org"}, "must be an https://"),
        ({**PRODUCTION, "EMAIL_HOST": ""}, "EMAIL_HOST must be set"),
        ({**PRODUCTION, "SECRET_KEY": "short"}, "SECRET_KEY must be at least 50"),
        ({**PRODUCTION, "DEBUG": "true"}, "DEBUG must be false"),
        ({**PRODUCTION, "DATABASE_URL": ""}, "DATABASE_URL must be set"),
    ],
    ids=[
        "no-secret-key",
        "no-allowed-hosts",
        "no-clinic-phone",
        "no-clinic-name",
        "no-public-address",
        "plain-http-public-address",
        "no-mail-server",
        "weak-secret-key",
        "debug-on",
        "no-database",
    ],
)
def test_production_refuses_to_start_without_what_it_needs(env, message):
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be one of true/false"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must be a postgres://"),
        ({"DATABASE_URL": "postgres://host:5432/"}, "DATABASE_URL must name a database"),
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL must be a redis://"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV must be one of: development, production"),
        ({"SESSION_IDLE_SECONDS": "ten"}, "SESSION_IDLE_SECONDS must be a whole number"),
        ({"SESSION_IDLE_SECONDS": "5"}, "SESSION_IDLE_SECONDS must be between 60"),
    ],
    ids=["bool", "db-scheme", "db-name", "redis-scheme", "env-name", "int", "int-range"],
)
def test_malformed_values_fail_at_start_naming_the_variable(env, message):
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**{k: v for k, v in os.environ.items() if k not in CONFIGURING}, **PRODUCTION},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_on_hsts():
    assert settings_with(PRODUCTION)["hsts"] == 31536000
