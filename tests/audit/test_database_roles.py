"""The production database's two roles, as docker-compose.yml sets them up: in a throwaway
PostgreSQL cluster, deploy/postgres-init/10-roles.sh creates them, `manage.py migrate` runs as
the owner, and the app's role is then shown everything it must not do to the audit trail,
what it still does, and that the daily check runs with its rights and finds the owner's
tampering (docs/decisions/0012-tamper-evident-audit.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.integration.throwaway import ThrowawayPostgres
from tests.services import unavailable

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "not-checked-trust-authentication"  # the throwaway cluster trusts local logins


class Cluster:
    def __init__(self, server: ThrowawayPostgres) -> None:
        self.server = server

    def url(self, role: str) -> str:
        return f"postgres://{role}:{PASSWORD}@127.0.0.1:{self.server.port}/clinic"

    def connect(self, role: str) -> psycopg.Connection:
        return psycopg.connect(self.url(role), autocommit=True)

    def manage(self, role: str, *args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**env, "DATABASE_URL": self.url(role)},
            capture_output=True,
            text=True,
            timeout=300,
        )


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    try:
        server = ThrowawayPostgres()
    except FileNotFoundError as error:
        unavailable(str(error))
    try:
        server.init()
        server.start()
        env = {
            **os.environ,
            "PGHOST": "127.0.0.1",
            "PGPORT": str(server.port),
            "POSTGRES_USER": "postgres",
            "POSTGRES_DB": "clinic",
            "CLINIC_OWNER_PASSWORD": PASSWORD,
            "CLINIC_APP_PASSWORD": PASSWORD,
        }
        # What the postgres image does on an empty volume: its database, then the init script.
        create = ["psql", "-U", "postgres", "-d", "postgres", "-qc", "CREATE DATABASE clinic"]
        subprocess.run(create, env=env, check=True, capture_output=True)
        init = ["bash", str(ROOT / "deploy/postgres-init/10-roles.sh")]
        subprocess.run(init, env=env, check=True, capture_output=True)
        cluster = Cluster(server)
        migrated = cluster.manage("clinic_owner", "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        yield cluster
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app(cluster) -> Iterator[psycopg.Connection]:
    with cluster.connect("clinic_app") as connection:
        yield connection


@pytest.fixture(scope="module")
def owner(cluster) -> Iterator[psycopg.Connection]:
    with cluster.connect("clinic_owner") as connection:
        yield connection


def insert_event(connection: psycopg.Connection, label: str = "fran") -> int:
    row = connection.execute(
        "INSERT INTO audit_auditevent (actor_label, action, object_type, object_id, detail)"
        " VALUES (%s, 'view', '', '', '{}') RETURNING id",
        [label],
    ).fetchone()
    return row[0]


def head(connection: psycopg.Connection) -> tuple:
    return connection.execute(
        "SELECT id, at, prev_hash, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1"
    ).fetchone()


SEQUENCE = "pg_get_serial_sequence('audit_auditevent', 'id')"
REFUSED = {
    "update": "UPDATE audit_auditevent SET actor_label = 'x'",
    "delete": "DELETE FROM audit_auditevent",
    "truncate": "TRUNCATE audit_auditevent",
    "disable the chain trigger": (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_chain"
    ),
    "disable every trigger": "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "drop the chain trigger": "DROP TRIGGER audit_auditevent_chain ON audit_auditevent",
    "drop the append-only trigger": (
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent"
    ),
    "add a trigger": (
        "CREATE TRIGGER mine BEFORE INSERT ON audit_auditevent"
        " FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()"
    ),
    "replace the hash function": (
        "CREATE OR REPLACE FUNCTION audit_event_hash(event audit_auditevent) RETURNS text"
        " LANGUAGE sql AS $$ SELECT 'x' $$"
    ),
    "alter the checkpoint function": "ALTER FUNCTION audit_checkpoint OWNER TO clinic_app",
    "drop the table": "DROP TABLE audit_auditevent",
    "replica mode, which skips triggers": "SET session_replication_role = replica",
    "set the sequence back": f"SELECT setval({SEQUENCE}, 1)",
    "a temporary table of the same name": "CREATE TEMP TABLE audit_auditevent (id bigint)",
    "add a check of its own": (
        "INSERT INTO audit_chaincheck (head_id, head_hash, checked) VALUES (1, 'x', 1)"
    ),
    "change a check": "UPDATE audit_chaincheck SET broken_at = NULL",
    "delete a check": "DELETE FROM audit_chaincheck",
    "truncate the checks": "TRUNCATE audit_chaincheck",
}


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_app_role_cannot_change_the_trail_or_its_guards(app, owner, statement):
    insert_event(app)
    before = owner.execute("SELECT count(*), max(hash) FROM audit_auditevent").fetchone()

    # Refused by the rights themselves, before any trigger could run.
    with pytest.raises(
        psycopg.errors.InsufficientPrivilege, match=r"^(permission denied|must be owner)"
    ):
        app.execute(statement)

    assert owner.execute("SELECT count(*), max(hash) FROM audit_auditevent").fetchone() == before
    triggers = owner.execute(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass"
        " AND NOT tgisinternal ORDER BY tgname"
    ).fetchall()
    assert triggers == [("audit_auditevent_append_only", "O"), ("audit_auditevent_chain", "O")]


def test_the_app_role_owns_nothing_and_is_no_superuser(owner):
    roles = owner.execute(
        "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'clinic_app'"
    ).fetchone()
    owned = owner.execute(
        "SELECT count(*) FROM pg_class WHERE relowner = 'clinic_app'::regrole"
    ).fetchone()
    assert (roles, owned) == ((False, False, False), (0,))


def test_a_back_dated_or_forged_insert_gets_the_databases_time_place_and_hash(app):
    previous = head(app)
    before = app.execute("SELECT clock_timestamp()").fetchone()[0]

    row = app.execute(
        "INSERT INTO audit_auditevent"
        " (id, at, actor_label, action, object_type, object_id, detail, prev_hash, hash)"
        " VALUES (1, '2020-01-01T00:00:00Z', 'mallory', 'view', '', '', '{}', %s, %s)"
        " RETURNING id, at, prev_hash, hash",
        ["f" * 64, "e" * 64],
    ).fetchone()

    event_id, at, prev_hash, event_hash = row
    assert event_id > previous[0]
    assert before <= at <= app.execute("SELECT clock_timestamp()").fetchone()[0]
    assert prev_hash == previous[3]
    assert event_hash not in {"e" * 64, "f" * 64} and len(event_hash) == 64


def test_the_chain_refuses_a_transaction_that_could_read_a_stale_predecessor(app):
    with pytest.raises(psycopg.errors.InvalidTransactionState), app.transaction():
        app.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        insert_event(app)


def test_the_app_role_still_does_its_work(app):
    event_id = insert_event(app)
    app.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date)"
        " VALUES ('k', 'd', now())"
    )
    app.execute("UPDATE django_session SET session_data = 'e' WHERE session_key = 'k'")
    app.execute("DELETE FROM django_session WHERE session_key = 'k'")
    check_id = app.execute("SELECT audit_checkpoint(1, NULL, NULL, '')").fetchone()[0]

    check = app.execute(
        "SELECT head_id, head_hash FROM audit_chaincheck WHERE id = %s", [check_id]
    ).fetchone()
    # The function read the head itself.
    assert check == (event_id, head(app)[3])


def test_the_daily_check_runs_as_the_app_and_finds_the_owners_tampering(cluster, app, owner):
    for label in ("a", "b", "c", "d"):
        insert_event(app, label)
    intact = cluster.manage("clinic_app", "verify_audit")
    assert intact.returncode == 0, intact.stderr
    last = head(app)[0]
    edited = owner.execute(
        "SELECT id FROM audit_auditevent WHERE actor_label = 'b' ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]

    # The owner may set the triggers aside, and so rewrite a row and cut the tail...
    owner.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    owner.execute("UPDATE audit_auditevent SET at = at - interval '1 day' WHERE id = %s", [edited])
    owner.execute("DELETE FROM audit_auditevent WHERE id = %s", [last])
    owner.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    edited_check = cluster.manage("clinic_app", "verify_audit")
    # ...and put the row back: the cut tail is still found, against the stored check.
    owner.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    owner.execute("UPDATE audit_auditevent SET at = at + interval '1 day' WHERE id = %s", [edited])
    owner.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    cut_check = cluster.manage("clinic_app", "verify_audit")

    assert edited_check.returncode == 1
    assert f"audit chain broken at event {edited}: its content" in edited_check.stderr
    assert cut_check.returncode == 1
    assert f"audit chain broken at event {last}: missing: the check of" in cut_check.stderr


def test_every_migrate_takes_back_what_a_broad_grant_gave(cluster, app, owner):
    owner.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO clinic_app")
    owner.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO clinic_app")

    migrated = cluster.manage("clinic_owner", "migrate", "--noinput")

    assert migrated.returncode == 0, migrated.stderr
    rights = app.execute(
        "SELECT has_table_privilege('audit_auditevent', 'SELECT, INSERT'),"
        " has_table_privilege('audit_auditevent', 'UPDATE, DELETE, TRUNCATE, TRIGGER'),"
        " has_table_privilege('audit_chaincheck', 'SELECT'),"
        " has_table_privilege('audit_chaincheck', 'INSERT, UPDATE, DELETE, TRUNCATE'),"
        " has_sequence_privilege(pg_get_serial_sequence('audit_auditevent', 'id'), 'UPDATE'),"
        " has_table_privilege('django_session', 'TRUNCATE')"
    ).fetchone()
    # The broad grant stands on the other tables: only the trail's are the migration's.
    assert rights == (True, False, True, False, False, True)
