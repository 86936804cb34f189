"""The benchmark suite (`make bench`): data generator, load client, orchestrator.

Not part of the production image; see docs/performance.md for what it measures.
"""

# Bump when the generated data changes shape: `make bench` then regenerates its databases.
GENERATOR_VERSION = 5
