from pathlib import Path

from reports.rules_doc import render_clinical_rules_markdown
from triage.rules import RULES, RULES_VERSION

CLINICAL_RULES = Path(__file__).parents[2] / "docs" / "clinical-rules.md"


def test_docs_clinical_rules_is_generated_from_the_rule_tables():
    assert CLINICAL_RULES.read_text(encoding="utf-8") == render_clinical_rules_markdown(), (
        "docs/clinical-rules.md is out of date; regenerate it with "
        "`python manage.py clinical_rules_doc > docs/clinical-rules.md`"
    )


def test_the_rules_document_names_the_version_and_every_flag():
    markdown = render_clinical_rules_markdown()

    assert f"Rules version: **{RULES_VERSION}**" in markdown
    assert all(f"| `{rule.code}` | {rule.severity} |" in markdown for rule in RULES)
