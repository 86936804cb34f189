"""The hash chain (audit/chain.py): each event stores the SHA-256 of the one before it and of
its own content, and the daily checks of the chain's head.

On PostgreSQL a BEFORE INSERT trigger links every event, whatever the inserting role sends:
under an advisory lock (so two writers cannot take the same predecessor) it draws the id,
sets `at` from the database's clock, reads the previous hash (one index probe) and hashes the
row with audit_event_hash(), which writes the text audit.chain.content_text() writes. Only
the owner of the table, the role migrations run as, can drop or disable the trigger.
audit_checkpoint() stores a check with the head as the database reads it; it runs with its
owner's rights, so the application's role needs no INSERT on audit_chaincheck (apps.py takes
that away after every migrate). Events older than this migration are chained here, in id
order. SQLite has no trigger: audit.chain.link() does the same in Python.
"""

import django.db.models.functions.datetime
from django.db import migrations, models

from audit.chain import event_hash
from audit.models import GENESIS

HASH = """
CREATE FUNCTION {schema}.audit_event_hash(event {schema}.audit_auditevent) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(jsonb_build_array(
        event.prev_hash,
        event.id,
        to_char(event.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        event.actor_id,
        event.actor_label,
        event.action,
        event.object_type,
        event.object_id,
        host(event.client_address),
        event.detail
    )::text, 'UTF8')), 'hex')
$$;
"""
CHAIN = """
CREATE FUNCTION {schema}.audit_auditevent_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous record;
BEGIN
    -- A snapshot taken before the lock would read a stale previous event.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audit events are written under READ COMMITTED only'
            USING ERRCODE = 'invalid_transaction_state';
    END IF;
    PERFORM pg_advisory_xact_lock(TG_RELID::bigint);
    -- Drawn under the lock, so ids follow the chain (the column default's value is dropped).
    NEW.id := nextval('{sequence}');
    NEW.at := clock_timestamp();
    SELECT e.id, e.hash INTO previous FROM {schema}.audit_auditevent e ORDER BY e.id DESC LIMIT 1;
    -- Only a role that may set the sequence back could make this happen: refuse it.
    IF NEW.id <= previous.id THEN
        RAISE EXCEPTION 'audit event % would come before event %', NEW.id, previous.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.prev_hash := coalesce(previous.hash, '{genesis}');
    NEW.hash := {schema}.audit_event_hash(NEW);
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_auditevent_chain
    BEFORE INSERT ON {schema}.audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION {schema}.audit_auditevent_chain();
"""
CHECKPOINT = """
CREATE FUNCTION {schema}.audit_checkpoint(bigint, bigint, bigint, text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    head record;
    check_id bigint;
BEGIN
    SELECT e.id, e.hash INTO head FROM {schema}.audit_auditevent e ORDER BY e.id DESC LIMIT 1;
    INSERT INTO {schema}.audit_chaincheck
        (at, head_id, head_hash, checked, verified_to, broken_at, problem)
    VALUES (clock_timestamp(), head.id, coalesce(head.hash, ''), $1, $2, $3, left($4, 200))
    RETURNING id INTO check_id;
    RETURN check_id;
END;
$$;
"""
BACKFILL = """
ALTER TABLE {schema}.audit_auditevent DISABLE TRIGGER audit_auditevent_append_only;
DO $$
DECLARE
    event {schema}.audit_auditevent;
    previous text := '{genesis}';
BEGIN
    FOR event IN SELECT * FROM {schema}.audit_auditevent ORDER BY id LOOP
        event.prev_hash := previous;
        previous := {schema}.audit_event_hash(event);
        UPDATE {schema}.audit_auditevent SET prev_hash = event.prev_hash, hash = previous
        WHERE id = event.id;
    END LOOP;
END;
$$;
ALTER TABLE {schema}.audit_auditevent ENABLE TRIGGER audit_auditevent_append_only;
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_chain ON {schema}.audit_auditevent;
DROP FUNCTION IF EXISTS {schema}.audit_auditevent_chain();
DROP FUNCTION IF EXISTS {schema}.audit_checkpoint(bigint, bigint, bigint, text);
DROP FUNCTION IF EXISTS {schema}.audit_event_hash({schema}.audit_auditevent);
"""


def _names(connection) -> dict[str, str]:
    # Tables named with their schema: a role's own temporary table of the same name must not
    # stand in for them inside the functions.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), pg_get_serial_sequence('audit_auditevent', 'id')")
        schema, sequence = cursor.fetchone()
    return {"schema": connection.ops.quote_name(schema), "sequence": sequence, "genesis": GENESIS}


def chain_existing_events(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        names = _names(connection)
        for sql in (HASH, BACKFILL, CHAIN, CHECKPOINT):
            schema_editor.execute(sql.format(**names), None)
        return
    events = apps.get_model("audit", "AuditEvent").objects
    previous = GENESIS
    for event in events.order_by("id").iterator():
        event.prev_hash = previous
        previous = event_hash(event)
        events.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=previous)


def unchain(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP.format(**_names(schema_editor.connection)), None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ('head_id', models.BigIntegerField(null=True)),
                ('head_hash', models.CharField(blank=True, max_length=64)),
                ('checked', models.PositiveBigIntegerField()),
                ('verified_to', models.BigIntegerField(null=True)),
                ('broken_at', models.BigIntegerField(null=True)),
                ('problem', models.CharField(blank=True, max_length=200)),
            ],
            options={
                'ordering': ['-id'],
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(db_default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(db_default='', editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True),
        ),
        migrations.RunPython(chain_existing_events, unchain),
    ]
