"""Realistic intakes in bulk, for the benchmarks: `manage.py generate_intakes N`.

How a million rows stay faithful to the app and still load in minutes:

* variants.py builds a pool of intake *variants* through the app's own code: each random
  document (documents.py) is parsed, triaged, summarised and written onto an intake by
  `apply_document` in a transaction that is rolled back, which yields the exact values.
* Every generated intake takes one variant plus its own patient (patients.py), times and
  review state (intakes.py, assessments.py, summaries.py). Only ids, names and dates are
  filled in per row (into the variant's templates, templates.py), so each stored document,
  triage, flag and summary is what the app would have stored. The rows are named records
  (rows.py), one type per table.
* bulk.py writes them by COPY on PostgreSQL (plain INSERTs elsewhere, for the tests), in
  chunks (chunk.py), with ids allocated in plan.py so children can name their parents.

The mix (about 3 % emergency, 12 % urgent; a small unreviewed "active" set of the newest
intakes; Zipf-distributed surnames) is `Mix` in plan.py and the tables in names.py.
"""

from bench.generate.chunk import Stats
from bench.generate.plan import Mix
from bench.generate.run import generate

__all__ = ["Mix", "Stats", "generate"]
