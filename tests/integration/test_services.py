import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from config.celery import ping

PROJECT_APPS = ("accounts", "intake", "triage", "reports")


def test_a_task_goes_through_redis_to_a_real_worker_and_back(celery_worker):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert "config.ping" in celery_worker.log()


@pytest.mark.django_db(transaction=True)
def test_migrations_run_backwards_to_zero_and_forwards_again_on_postgres():
    assert connection.vendor == "postgresql"
    migrated = MigrationLoader(connection).migrated_apps
    for app_label in reversed([app for app in PROJECT_APPS if app in migrated]):
        call_command("migrate", app_label, "zero", verbosity=0)
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert not {t for t in tables if t.startswith(PROJECT_APPS)}
    call_command("migrate", verbosity=0)
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"front_desk", "clinician", "admin"}
