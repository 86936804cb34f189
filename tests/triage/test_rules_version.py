"""Any change to the rule tables must come with a new RULES_VERSION.

Stored flags carry the version they were computed with; a silent change to the
rules would make two intakes with the same version mean different things.
"""

import hashlib
import inspect
import json
from pathlib import Path

import pytest

import reports.suggestions
import triage.matching
import triage.rules
from intake.document import parse_document
from reports.evaluation import evaluate_document
from tests.builders import VIGNETTES, load_vignette
from triage.engine import evaluate_triage
from triage.rules import RULES_VERSION

FINGERPRINTS = Path(__file__).parent / "rules_fingerprints.json"


def rules_fingerprint() -> str:
    digest = hashlib.sha256()
    # The word lists of §1.1 decide flags and tests as much as the tables do.
    for module in (triage.rules, triage.matching, reports.suggestions):
        source = inspect.getsource(module).replace("\r\n", "\n")
        digest.update(source.encode("utf-8"))
    return digest.hexdigest()


def test_rule_tables_are_unchanged_since_their_version_was_recorded():
    recorded = json.loads(FINGERPRINTS.read_text(encoding="utf-8"))

    assert recorded.get(RULES_VERSION) == rules_fingerprint(), (
        "triage/rules.py, triage/matching.py or reports/suggestions.py changed: bump "
        "RULES_VERSION in "
        f"triage/rules.py and record the new fingerprint in {FINGERPRINTS.name}: "
        f'"<new version>": "{rules_fingerprint()}"'
    )


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda path: path.stem)
def test_every_result_carries_the_rules_version(path):
    doc = parse_document(load_vignette(path)["document"])

    assert evaluate_triage(doc).rules_version == RULES_VERSION
    assert evaluate_document(doc)["rules_version"] == RULES_VERSION
