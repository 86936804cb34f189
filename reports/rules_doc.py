"""The clinical rules as a clinician reviews them, generated from the rule tables.

Regenerate docs/clinical-rules.md with: python manage.py clinical_rules_doc > docs/clinical-rules.md
"""

from reports.suggestions import SUGGESTION_RULES
from triage.rules import DERIVED_TERMS, RULES, RULES_VERSION


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return [
        f"| {' | '.join(header)} |",
        f"|{'---|' * len(header)}",
        *(f"| {' | '.join(_cell(cell) for cell in row)} |" for row in rows),
    ]


def render_clinical_rules_markdown() -> str:
    lines = [
        "# Clinical rules",
        "",
        f"Rules version: **{RULES_VERSION}**. Generated from `triage/rules.py` and",
        "`reports/suggestions.py`; do not edit by hand. Regenerate with",
        "`python manage.py clinical_rules_doc > docs/clinical-rules.md`.",
        "",
        "Decision support for a clinician: flags to look at and tests to consider,",
        "never a diagnosis or an order. Every flag and suggestion carries the answers",
        "that triggered it.",
        "",
        "## Derived terms",
        "",
        '"Within N days" counts back from `reported_on`, inclusive: an event N days',
        "before `reported_on` is within N days, one N + 1 days before is not.",
        "",
        *_table(("term", "means"), [(term.name, term.means) for term in DERIVED_TERMS]),
        "",
        "## Triage flags",
        "",
        "The level is the highest severity among the flags that fire:",
        "emergency > urgent > routine. `attention` flags show the clinician what to",
        "discuss and leave the level at routine.",
        "",
        *_table(
            ("code", "severity", "title", "fires when", "source"),
            [
                (f"`{rule.code}`", rule.severity, rule.title, rule.when, rule.source)
                for rule in RULES
            ],
        ),
        "",
        "## Suggested tests to consider",
        "",
        "A test is suggested when any of its triggers holds; its reasons list every",
        "trigger that held. Imaging and invasive tests only on these triggers:",
        "over-testing is a harm too.",
        "",
        *_table(
            ("code", "name", "triggers (any of)", "note"),
            [
                (
                    f"`{rule.code}`",
                    rule.name,
                    "; ".join(trigger.when for trigger in rule.triggers),
                    rule.note,
                )
                for rule in SUGGESTION_RULES
            ],
        ),
    ]
    return "\n".join(lines) + "\n"
