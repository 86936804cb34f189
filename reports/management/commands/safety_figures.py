"""`manage.py safety_figures`: every vignette through `evaluate_intake`, against its reference.

Prints emergency recall (of the cases whose reference is an emergency, how many the
engine calls an emergency), level agreement and exact agreement (level, every flag and
every suggested test), and names each case that disagrees. Exits 1 when an emergency is
missed. A regression check on cases written together with the rules (tests/data/vignettes,
a copy of the shared spec's), not an external validation.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from intake.levels import Level

VIGNETTES = Path(settings.BASE_DIR) / "tests" / "data" / "vignettes"
MISSED_EMERGENCY = 1  # the exit status when an emergency reference is not called one


@dataclass(frozen=True, slots=True)
class Share:
    count: int
    of: int

    def __str__(self) -> str:
        percent = f"{100 * self.count / self.of:.1f}%" if self.of else "n/a"
        return f"{self.count}/{self.of} ({percent})"


@dataclass(frozen=True, slots=True)
class Figures:
    emergency_recall: Share
    level_agreement: Share
    exact_agreement: Share
    disagreements: tuple[str, ...]  # the names of the cases that do not match exactly


def _codes(items: Iterable[Mapping[str, object]]) -> set[object]:
    return {item["code"] for item in items}


def safety_figures(cases: Iterable[tuple[str, Mapping, Mapping]]) -> Figures:
    """Figures over (name, reference, evaluation) triples: the reference as the vignettes
    write it (codes), the evaluation as `evaluate_intake` prints it."""
    emergencies = caught = levels = exact = 0
    disagreements = []
    total = 0
    for name, reference, result in cases:
        total += 1
        same_level = result["level"] == reference["level"]
        if reference["level"] == Level.EMERGENCY:
            emergencies += 1
            caught += result["level"] == Level.EMERGENCY
        levels += same_level
        same = (
            same_level
            and _codes(result["flags"]) == set(reference["flags"])
            and _codes(result["suggested_tests"]) == set(reference["suggested_tests"])
        )
        exact += same
        if not same:
            disagreements.append(name)
    return Figures(
        Share(caught, emergencies), Share(levels, total), Share(exact, total), tuple(disagreements)
    )


class Command(BaseCommand):
    help = "Run every vignette through evaluate_intake and print the agreement with its reference."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vignettes", type=Path, default=VIGNETTES, help="a directory")

    def handle(self, *args, vignettes: Path, **options) -> None:
        paths = sorted(vignettes.glob("*.json"))
        if not paths:
            raise CommandError(f"{vignettes}: no vignettes (*.json)")
        with tempfile.TemporaryDirectory() as workdir:
            figures = safety_figures(_evaluated(path, Path(workdir)) for path in paths)
        self.stdout.write(f"Vignettes: {len(paths)} ({vignettes})")
        self.stdout.write(f"Emergency recall: {figures.emergency_recall}")
        self.stdout.write(f"Level agreement: {figures.level_agreement}")
        self.stdout.write(f"Exact agreement (level, flags, tests): {figures.exact_agreement}")
        for name in figures.disagreements:
            self.stdout.write(f"Disagrees with its reference: {name}")
        self.stdout.write(
            "A regression check on cases written together with the rules, "
            "not an external validation."
        )
        recall = figures.emergency_recall
        if recall.count < recall.of:
            raise CommandError("an emergency was missed", returncode=MISSED_EMERGENCY)


def _evaluated(path: Path, workdir: Path) -> tuple[str, Mapping, Mapping]:
    """One vignette's document through `evaluate_intake`, as the contract's users run it."""
    vignette = json.loads(path.read_text(encoding="utf-8"))
    document = workdir / f"{path.stem}.json"
    document.write_text(json.dumps(vignette["document"]), encoding="utf-8")
    out = StringIO()
    call_command("evaluate_intake", str(document), stdout=out)
    return path.stem, vignette["reference"], json.loads(out.getvalue())
