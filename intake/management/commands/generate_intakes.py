"""`manage.py generate_intakes N`: bulk benchmark data. The generator lives in bench/generate/,
which the production image does not ship."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Add N realistic intakes (patients, versions, triage flags, summaries) for benchmarks; "
        "COPY on PostgreSQL. Development databases only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("count", type=int, help="how many intakes to add")
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same data")
        parser.add_argument(
            "--chunk", type=int, help="intakes per transaction (the data depends on it)"
        )
        parser.add_argument(
            "--no-vacuum", action="store_true", help="ANALYZE only, skip VACUUM (PostgreSQL)"
        )
        parser.add_argument("--stats-json", help="also write the figures to this file")

    def handle(self, *args, count: int, seed: int, no_vacuum: bool, **options):
        chunk, stats_json = options.get("chunk"), options.get("stats_json")
        try:
            from bench.generate import generate
        except ImportError as error:  # e.g. inside the production image
            raise CommandError("bench/generate/ is not available here") from error
        if count < 1:
            raise CommandError("N must be at least 1")

        began = time.monotonic()

        def progress(done: int) -> None:
            self.stdout.write(f"  {done:,} / {count:,} intakes ({time.monotonic() - began:.0f} s)")

        try:
            stats = generate(
                count,
                seed=seed,
                vacuum=not no_vacuum,
                progress=progress,
                **({"chunk": chunk} if chunk else {}),
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{stats.intakes:,} intakes and {stats.patients:,} new patients "
                f"in {stats.seconds:.1f} s; levels {stats.levels}"
            )
        )
        self.stdout.write("  " + ", ".join(f"{k} {v:.0f} s" for k, v in stats.phases.items()))
        for table, rows in stats.rows.items():
            self.stdout.write(f"  {table}: {rows:,} rows")
        if stats_json:
            Path(stats_json).write_text(json.dumps(dataclasses.asdict(stats)))
