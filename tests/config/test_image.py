"""The production image and the wheel it installs, read as data (no Docker engine runs here).

The apps come from INSTALLED_APPS and from the top-level folders holding an `apps.py`, so a
new app that the Dockerfile or `pyproject.toml` leaves out fails here. CI also builds and
runs the wheel (tests/integration/test_production_wheel.py); docs/decisions/0010.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from glob import glob
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from setuptools import find_namespace_packages, find_packages

from tests.config.dockerfile import ROOT, runtime_stage, wheel_stage

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
NOT_SHIPPED = {"__pycache__"}


def project_packages() -> list[str]:
    """The repository's own top-level packages: every app, and the settings' package."""
    with_apps_py = {path.parent.name for path in ROOT.glob("*/apps.py")}
    installed = set()
    for app in settings.INSTALLED_APPS:
        top = app.split(".")[0]
        spec = importlib.util.find_spec(top)
        if spec and spec.origin and Path(spec.origin).parent == ROOT / top:
            installed.add(top)
    return sorted(with_apps_py | installed | {settings.SETTINGS_MODULE.split(".")[0]})


PACKAGES = project_packages()


def wheel_packages() -> set[str]:
    find = SETUPTOOLS["packages"]["find"]
    # pyproject's packages.find takes folders without __init__.py too, unless told otherwise.
    finder = find_namespace_packages if find.get("namespaces", True) else find_packages
    return set(finder(str(ROOT), include=find["include"]))


def wheel_files() -> set[Path]:
    """What setuptools puts in the wheel: each package's modules and its package-data globs."""
    package_data = SETUPTOOLS["package-data"]
    shipped = set()
    for package in wheel_packages():
        folder = ROOT / package.replace(".", "/")
        shipped |= set(folder.glob("*.py"))
        for pattern in [*package_data.get("*", []), *package_data.get(package, [])]:
            shipped |= {Path(found) for found in glob(str(folder / pattern), recursive=True)}
    return {path for path in shipped if path.is_file()}


WHEEL_FILES = wheel_files()


def files_of(package: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / package).rglob("*")
        if path.is_file() and not NOT_SHIPPED & set(path.relative_to(ROOT).parts)
    )


def test_the_apps_are_found():
    # The list is derived; this only shows it found the house (a new app joins by itself).
    assert {"config", "audit", "accounts", "intake", "triage", "reports", "clinic"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_the_wheel_stage_copies_every_app(package):
    assert package in wheel_stage().copied_from_context()


def test_the_wheel_stage_copies_what_the_build_reads():
    assert {"pyproject.toml", "README.md"} <= set(wheel_stage().copied_from_context())


def test_the_running_image_holds_the_installed_wheel_not_the_source_tree():
    runtime = runtime_stage()
    assert runtime.copied_from_context() == ["constraints.txt"]
    assert any(args.startswith("--from=wheel ") for args in runtime.arguments("COPY"))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_file_of_an_app_goes_into_the_wheel(package):
    """Modules (migrations, management commands, sub-packages too), templates, static
    files, translations and the schema's JSON: nothing of the app's folder is left behind."""
    assert [
        str(path.relative_to(ROOT)) for path in files_of(package) if path not in WHEEL_FILES
    ] == []


@pytest.mark.parametrize(
    "folder",
    [
        *settings.TEMPLATES[0]["DIRS"],
        *settings.STATICFILES_DIRS,
        *settings.LOCALE_PATHS,
    ],
    ids=lambda folder: str(Path(folder).relative_to(ROOT)),
)
def test_templates_static_files_and_translations_live_inside_a_package(folder):
    """Settings find them beside the code, and the installed wheel carries them there."""
    folder = Path(folder)
    assert folder.relative_to(ROOT).parts[0] in PACKAGES
    assert any(path in WHEEL_FILES for path in folder.rglob("*"))


def test_the_spanish_translations_are_in_the_wheel():
    assert ROOT / "config/locale/es/LC_MESSAGES/django.mo" in WHEEL_FILES


def test_no_container_command_needs_the_source_tree():
    """The image has the installed package and its scripts (django-admin, gunicorn, celery)."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    commands = [runtime_stage().cmd(), *(spec.get("command", []) for spec in services.values())]
    assert [command for command in commands if "manage.py" in " ".join(command)] == []


def test_collectstatic_in_the_image_runs_under_production_settings():
    """Development settings skip the manifest: every page then answers 500 in production."""
    command = runtime_stage().run_with("collectstatic")
    assert "DJANGO_ENV=production" in command.split()
    assert "development" not in command


SOURCE_MAP = re.compile(r"sourceMappingURL=([^\s*]+)")


def static_files() -> list[Path]:
    folders = {*map(Path, settings.STATICFILES_DIRS), *ROOT.glob("*/static")}
    return sorted(
        path for folder in folders for path in folder.rglob("*") if path.suffix in {".css", ".js"}
    )


@pytest.mark.parametrize("path", static_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_source_map_a_static_file_names_ships_beside_it(path):
    """The hashed storage rewrites these references, and collectstatic fails on a missing one."""
    for name in SOURCE_MAP.findall(path.read_text(encoding="utf-8")):
        assert (path.parent / name).is_file(), f"{path.name} names {name}"
