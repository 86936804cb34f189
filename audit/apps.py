"""The record of who did what, append-only. Imports none of the other apps: it knows users
only through AUTH_USER_MODEL."""

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

# After every migrate: no role but the tables' owner (the role migrations run as) may change
# the audit trail or its checks, whatever grants (e.g. the deployment's default privileges,
# deploy/postgres-init/) gave them. The app's role keeps SELECT and INSERT on the events,
# SELECT on the checks (it adds one through audit_checkpoint()), and USAGE on the sequence.
RESTRICT = """
DO $$
DECLARE
    grantee text;
BEGIN
    IF to_regclass('audit_chaincheck') IS NULL THEN
        RETURN;  -- migrated back before the chain: nothing of it to guard
    END IF;
    FOR grantee IN
        SELECT DISTINCT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE acl.grantee::regrole::text END
        FROM pg_class c, aclexplode(c.relacl) acl
        WHERE c.oid IN ('audit_auditevent'::regclass, 'audit_chaincheck'::regclass,
                        pg_get_serial_sequence('audit_auditevent', 'id')::regclass)
          AND acl.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER '
                       'ON audit_auditevent, audit_chaincheck FROM %s', grantee);
        EXECUTE format('REVOKE INSERT ON audit_chaincheck FROM %s', grantee);
        -- UPDATE on the sequence is setval(): ids out of the chain's order.
        EXECUTE format('REVOKE UPDATE ON SEQUENCE %s FROM %s',
                       pg_get_serial_sequence('audit_auditevent', 'id'), grantee);
    END LOOP;
END;
$$;
"""


def restrict_audit_tables(sender, using: str, **kwargs) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(RESTRICT)


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        post_migrate.connect(restrict_audit_tables, sender=self)
