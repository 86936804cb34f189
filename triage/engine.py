"""Run the triage table over one intake document (pure: no database, no queue)."""

from dataclasses import dataclass

from intake.document import IntakeDocument
from intake.levels import Level, Severity
from triage.rules import RULES, RULES_VERSION

# Every emergency flag of the table (§2), highest concern as listed: what the desk alert and
# the summary's "call 911 for" list name, from one place.
CALL_911_FOR = tuple(rule.title for rule in RULES if rule.severity == Severity.EMERGENCY)


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    severity: Severity
    title: str
    source: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TriageResult:
    level: Level
    flags: tuple[Flag, ...]  # in the rule table's order
    rules_version: str

    def flag(self, code: str) -> Flag | None:
        return next((flag for flag in self.flags if flag.code == code), None)


def evaluate_triage(doc: IntakeDocument) -> TriageResult:
    flags = tuple(
        Flag(rule.code, rule.severity, rule.title, rule.source, evidence)
        for rule in RULES
        if (evidence := rule.test(doc))
    )
    # Level is highest first; attention flags are not a level, so they leave it at routine.
    level = next(
        (lvl for lvl in Level if any(flag.severity == lvl for flag in flags)), Level.ROUTINE
    )
    return TriageResult(level=level, flags=flags, rules_version=RULES_VERSION)
