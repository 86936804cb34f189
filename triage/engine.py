"""Run the triage table over one intake document (pure: no database, no queue)."""

from dataclasses import dataclass

from intake.document import ALL_RED_FLAG_CODES, IntakeDocument
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


# The rule that each red-flag answer given "yes" makes fire by itself, whatever else the
# document says: its own rule (`_red_flag_rule`), and for the injury question the recent
# injury rule. tests/triage/test_engine.py checks each on a document otherwise benign.
FIRED_ALONE_BY = {
    **{f"red_flags.{rule.code}": rule for rule in RULES if rule.code in ALL_RED_FLAG_CODES},
    "red_flags.head_back_neck_injury": next(r for r in RULES if r.code == "recent_injury"),
}


def fired_by_answers_alone(paths: tuple[str, ...]) -> tuple[Flag, ...]:
    """The flags that red-flag answers known to be "yes" make fire, for a draft's saved steps
    and a refused document (§4): an emergency is raised before the document is whole."""
    fired = {FIRED_ALONE_BY[path]: path for path in paths if path in FIRED_ALONE_BY}
    return tuple(
        Flag(rule.code, rule.severity, rule.title, rule.source, (fired[rule],))
        for rule in RULES
        if rule in fired
    )
