"""The Dockerfile read as data: its stages and their instructions (no Docker engine runs here)."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


@dataclass
class Stage:
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def arguments(self, keyword: str) -> list[str]:
        return [args for instruction, args in self.instructions if instruction == keyword]

    def copied_from_context(self) -> list[str]:
        """The build-context paths its COPY instructions take (not those from another stage)."""
        sources = []
        for args in self.arguments("COPY"):
            words = shlex.split(args)
            if any(word.startswith("--from=") for word in words):
                continue
            sources += [word for word in words if not word.startswith("--")][:-1]
        return [source.removeprefix("./").rstrip("/") for source in sources]

    def env(self) -> dict[str, str]:
        pairs = (
            word.partition("=") for args in self.arguments("ENV") for word in shlex.split(args)
        )
        return {key: value for key, _, value in pairs}

    def run_with(self, needle: str) -> str:
        """The one RUN command (shell form) that contains `needle`."""
        [command] = [args for args in self.arguments("RUN") if needle in args]
        return command

    def cmd(self) -> list[str]:
        [args] = self.arguments("CMD")
        return json.loads(args)


def stages(path: Path = DOCKERFILE) -> list[Stage]:
    """Each FROM and what follows it; continued lines joined, comments dropped, as Docker does."""
    found: list[Stage] = []
    logical = ""
    for line in path.read_text().splitlines():
        if line.strip().startswith("#"):
            continue
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical = " ".join((logical + line).split())
        if logical:
            instruction, _, args = logical.partition(" ")
            if instruction.upper() == "FROM":
                found.append(Stage(base=args))
            else:
                found[-1].instructions.append((instruction.upper(), args))
        logical = ""
    return found


def wheel_stage() -> Stage:
    """The stage that builds the project's wheel."""
    [stage] = [stage for stage in stages() if stage.base.endswith(" AS wheel")]
    return stage


def runtime_stage() -> Stage:
    """The last stage: the image that runs."""
    return stages()[-1]
