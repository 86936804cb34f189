"""The clinical rules as a clinician reviews them, generated from the rule tables.

Regenerate docs/clinical-rules.md with: python manage.py clinical_rules_doc > docs/clinical-rules.md
"""

from reports.suggestions import SUGGESTION_RULES, Trigger
from triage.matching import TERM_LISTS
from triage.rules import DERIVED_TERMS, RULES, RULES_VERSION


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return [
        f"| {' | '.join(header)} |",
        f"|{'---|' * len(header)}",
        *(f"| {' | '.join(_cell(cell) for cell in row)} |" for row in rows),
    ]


def _trigger(trigger: Trigger) -> str:
    return f"{trigger.when} ({trigger.source})" if trigger.source else trigger.when


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
                    "; ".join(map(_trigger, rule.triggers))
                    + "".join(f"; never when {_trigger(guard)}" for guard in rule.never),
                    rule.note,
                )
                for rule in SUGGESTION_RULES
            ],
        ),
        "",
        "## Word lists",
        "",
        "Medication names and free text are matched the same way: accents and case ignored,",
        "every character that is not a letter or digit read as a space (`B-6` is `b 6`). A",
        'term ending in `*` matches a word that starts with it (`warfarin*`: "Warfarina");',
        'any other term matches whole words only (`vision*` does not match "television").',
        "A medication list reads each `medications[].name` on its own, never the dose.",
        "",
        *_table(
            ("list", "terms"),
            [
                (term_list.label, " ".join(f"`{term}`" for term in term_list.terms))
                for term_list in TERM_LISTS.values()
            ],
        ),
    ]
    return "\n".join(lines) + "\n"
