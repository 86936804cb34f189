"""The house's direction: core apps below, the clinic's desks above, imports only going down.

Read from the source with `ast`, function-level imports included, so a lazy import cannot
hide an upward step or a cycle. `make lint` runs this file, and import-linter's contract
in pyproject.toml says the same of the layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Bottom first: each may import those before it, never one after it.
LAYERS = ("audit", "accounts", "intake", "triage", "reports", "clinic", "config")
RANK = {name: rank for rank, name in enumerate(LAYERS)}
# The one function-level import between modules the house allows: a task imports the
# service that sends it lazily (HackSoft's pattern), so neither needs the other to load.
LAZY_IMPORTS_ALLOWED = {("reports.tasks", "reports.scheduling")}
# Models other than these hold patient data; views and APIs fetch them through
# clinic.access, never by id on their own.
PATIENT_DATA_MODELS = {
    "Patient", "Intake", "IntakeVersion", "Medication", "Vaccination", "Injury",
    "PatientLink", "TriageAssessment", "TriageFlag", "ReaskedAnswer", "ClinicianNote",
    "PreVisitSummary",
}  # fmt: skip
# The scoped fetches themselves, and the submission, which reads the intake it has locked.
NOT_VIEWS = {"clinic/access.py", "clinic/submission.py"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported project module, dotted
    line: int
    lazy: bool  # inside a function or method


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for layer in LAYERS
        for path in (ROOT / layer).rglob("*.py")
        if "migrations" not in path.parts
    }


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str, path: Path, known: set[str]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    in_function = {id(child) for f in functions for child in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            # `from clinic import submission` imports a module; `from x import name` a name.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for name in names:
            target = next((m for m in _prefixes(name) if m in known), None)
            if target and target != module:
                yield Import(module, target, node.lineno, id(node) in in_function)


def _prefixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(len(parts), 0, -1)]


def all_imports() -> list[Import]:
    modules = project_modules()
    return [i for m, p in modules.items() for i in imports_of(m, p, set(modules))]


def layer(module: str) -> str:
    return module.split(".")[0]


def test_no_app_imports_one_above_it():
    upward = [
        f"{i.module}:{i.line} imports {i.target}"
        for i in all_imports()
        if RANK[layer(i.target)] > RANK[layer(i.module)]
    ]
    assert upward == []


def test_function_level_imports_are_only_the_task_importing_its_service():
    """Django's own hooks (AppConfig.ready, a migration's function) must import late; any
    other lazy import between modules would be hiding a cycle."""
    lazy = {
        (i.module, i.target) for i in all_imports() if i.lazy and not i.module.endswith(".apps")
    }
    assert lazy == LAZY_IMPORTS_ALLOWED


def test_module_imports_have_no_cycle():
    graph: dict[str, set[str]] = {}
    for i in all_imports():
        if not i.lazy:
            graph.setdefault(i.module, set()).add(i.target)
    cycles = []
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def view_and_api_modules() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "clinic").rglob("*.py")
        if path.relative_to(ROOT).as_posix() not in NOT_VIEWS
    )


def bare_fetches(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"get_object_or_404", "get_list_or_404"}:
            found.append(f"{path.name}:{node.lineno} {func.id}")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "objects"
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id in PATIENT_DATA_MODELS
        ):
            found.append(f"{path.name}:{node.lineno} {func.value.value.id}.objects.get")
    return found


@pytest.mark.parametrize(
    "path", view_and_api_modules(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_views_and_apis_fetch_patient_data_only_through_the_scoped_fetches(path):
    assert bare_fetches(path) == []


def test_the_bare_fetch_check_catches_both_forms(tmp_path):
    module = tmp_path / "views.py"
    module.write_text(
        "def a(request, pk):\n    return get_object_or_404(Intake, pk=pk)\n"
        "def b(request, pk):\n    return PreVisitSummary.objects.get(pk=pk)\n"
        "def c(request, pk):\n    return Group.objects.get(pk=pk)\n"
    )
    assert bare_fetches(module) == [
        "views.py:2 get_object_or_404",
        "views.py:4 PreVisitSummary.objects.get",
    ]


def test_the_direction_check_reads_lazy_and_relative_imports(tmp_path):
    package = tmp_path / "intake"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "late.py").write_text("def f():\n    from reports import pdf\n")
    (package / "near.py").write_text("from .late import f\n")
    known = {"intake", "intake.late", "intake.near", "reports", "reports.pdf"}
    late = list(imports_of("intake.late", package / "late.py", known))
    near = list(imports_of("intake.near", package / "near.py", known))
    assert late == [Import("intake.late", "reports.pdf", 2, lazy=True)]
    assert near == [Import("intake.near", "intake.late", 1, lazy=False)]
