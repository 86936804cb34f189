"""The bulk loader: COPY on PostgreSQL, plain INSERTs elsewhere (the tests' SQLite)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from django.db import connection, models, transaction

from bench.generate.rows import TABLES, Record


class Table:
    """How one record type's rows are written into its model's table."""

    def __init__(self, record: type[Record], model: type[models.Model]) -> None:
        columns: Sequence[str] = record._fields  # the record's field names are the columns
        mismatch = {f.attname for f in model._meta.concrete_fields} ^ set(columns)
        if mismatch:  # a field added to the model must be generated too
            raise RuntimeError(f"{model.__name__}: the generator does not match {mismatch}")
        self.record, self.model = record, model
        self.fields = [model._meta.get_field(name) for name in columns]

    def write(self, rows: Sequence[Record]) -> None:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        names = ", ".join(quote(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Python values go straight to COPY; JSON columns are already JSON text.
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            prepare = [
                None
                if isinstance(f, models.JSONField)
                else functools.partial(f.get_db_prep_value, connection=connection)
                for f in self.fields
            ]
            placeholders = ", ".join(["%s"] * len(prepare))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
                [
                    tuple(v if p is None else p(v) for p, v in zip(prepare, row, strict=True))
                    for row in rows
                ],
            )


WRITERS = [Table(record, model) for record, model in TABLES.items()]  # parents first


def bulk_load() -> bool:
    """Whether this is the command's load (PostgreSQL, no transaction around it), not a test."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def write_rows(rows: Mapping[type[Record], Sequence[Record]]) -> None:
    """One chunk, parents before children, in one transaction."""
    bulk = bulk_load()
    with transaction.atomic():
        if bulk:  # a test's rows get every check
            with connection.cursor() as cursor:
                # lz4 compresses the summaries' and documents' JSON far faster than pglz.
                cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
                cursor.execute("SHOW is_superuser")
                if cursor.fetchone()[0] == "on":
                    # Skip the per-row foreign-key triggers (CHECK, UNIQUE and NOT NULL still
                    # apply): every id is made here, and tests/bench checks the references.
                    cursor.execute("SET LOCAL session_replication_role = replica")
        for writer in WRITERS:
            writer.write(rows[writer.record])


@contextlib.contextmanager
def plain_indexes_set_aside(
    tables: Iterable[type[models.Model]], lap: Callable[[str], None]
) -> Iterator[None]:
    """Drop the tables' plain indexes (not those behind a constraint) for the load, then
    build each again: one sort instead of a million random inserts per index."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [[model._meta.db_table for model in tables]],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        lap("rows")
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
        lap("indexes")


def analyse(tables: Iterable[str], *, vacuum: bool) -> None:
    """What autovacuum would have done after such a load (PostgreSQL)."""
    names = ", ".join(connection.ops.quote_name(name) for name in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {names}")
