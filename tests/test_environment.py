"""The environment is what the lock says: lock, environment.yml, pyproject, venv and Makefile agree.

``requirements.lock`` is read with a small regular expression here and ``environment.yml`` with
PyYAML, independently of ``scripts/check_env_pins.py`` which writes it.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

PROJ_ROOT = Path(__file__).resolve().parents[1]
LOCK = PROJ_ROOT / "requirements.lock"
REQUIREMENTS_IN = PROJ_ROOT / "requirements.in"
ENVIRONMENT = PROJ_ROOT / "environment.yml"
PYPROJECT = PROJ_ROOT / "pyproject.toml"
MAKEFILE = PROJ_ROOT / "Makefile"

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[normalise(match.group(1))] = match.group(2)
    return pins


def environment_pins() -> tuple[dict[str, str], list[str]]:
    """Pins of the pip section of environment.yml, and its entries that are not pins."""
    env = yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    pins, others = {}, []
    for entry in pip_sections[0]:
        match = PIN.match(entry)
        if match and match.group(0) == entry.strip():
            pins[normalise(match.group(1))] = match.group(2)
        else:
            others.append(entry)
    return pins, others


def test_the_lock_pins_every_package_exactly_once_with_hashes():
    text = LOCK.read_text(encoding="utf-8")
    names = [normalise(m.group(1)) for m in map(PIN.match, text.splitlines()) if m]
    assert len(names) > 50, "requirements.lock should pin the whole transitive stack"
    assert len(names) == len(set(names)), "a package is pinned twice"
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    unhashed = [b.split()[0] for b in blocks if PIN.match(b) and "--hash=sha256:" not in b]
    assert unhashed == []


def test_environment_yml_pins_exactly_the_versions_in_the_lock():
    lock = lock_pins()
    env, _ = environment_pins()
    only_in_lock = {f"{k}=={v}" for k, v in lock.items() if k not in env}
    only_in_env = {f"{k}=={v}" for k, v in env.items() if k not in lock}
    different = {k: (lock[k], env[k]) for k in lock.keys() & env.keys() if lock[k] != env[k]}
    assert only_in_lock == set(), "run `make lock` (or scripts/check_env_pins.py --write)"
    assert only_in_env == set(), "run `make lock` (or scripts/check_env_pins.py --write)"
    assert different == {}, "versions differ (lock, environment.yml)"


def test_environment_yml_asks_conda_for_python_311_and_pip_and_installs_lmlib_editable():
    env = yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))
    assert env["name"] == "lm-analysis"
    assert env["channels"] == ["conda-forge"]
    conda_specs = [d for d in env["dependencies"] if isinstance(d, str)]
    assert sorted(conda_specs) == ["pip", "python=3.11"]
    _, others = environment_pins()
    assert others == ["-e ."]


def test_every_direct_dependency_is_pinned_in_the_lock_within_its_range():
    lock = lock_pins()
    direct = [
        Requirement(line.split("#", 1)[0].strip())
        for line in REQUIREMENTS_IN.read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    ]
    assert {"pandas", "lifelines", "numpy", "jupyterlab", "pytest"} <= {normalise(r.name) for r in direct}
    missing = [str(r) for r in direct if normalise(r.name) not in lock]
    assert missing == []
    outside = [f"{r} but locked {lock[normalise(r.name)]}" for r in direct
               if not r.specifier.contains(lock[normalise(r.name)], prereleases=True)]
    assert outside == []


def test_every_pyproject_dependency_is_locked_at_a_version_its_range_allows():
    # `pip install --no-deps -e .` never checks these ranges, so this test does.
    lock = lock_pins()
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    problems = []
    for requirement in map(Requirement, project["dependencies"]):
        version = lock.get(normalise(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement} but locked {version}")
    assert problems == []


@pytest.mark.parametrize("package", ["pandas", "lifelines", "numpy"])
def test_the_running_interpreter_has_the_locked_version_of(package):
    assert importlib.metadata.version(package) == lock_pins()[package]


def test_lmlib_is_installed_in_editable_mode_from_this_checkout():
    # Look in site-packages only: `python -m pytest` also puts the checkout (and any
    # lmlib.egg-info that setuptools left there) on sys.path.
    site_packages = [sysconfig.get_paths()["purelib"]]
    installed = list(importlib.metadata.distributions(name="lmlib", path=site_packages))
    assert len(installed) == 1, "lmlib is not installed; run `make venv`"
    distribution = installed[0]
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert distribution.version == project["version"]
    direct_url = json.loads(distribution.read_text("direct_url.json") or "{}")
    assert direct_url.get("dir_info", {}).get("editable") is True
    assert Path(direct_url["url"].removeprefix("file://")).resolve() == PROJ_ROOT


# ---- make help --------------------------------------------------------------------------

def make_help() -> str:
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    # Drop the settings of a `make test` that may be running us, e.g. INSTALLER=pip.
    env = {k: v for k, v in os.environ.items()
           if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}
    result = subprocess.run(["make", "-s", "help"], cwd=PROJ_ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def listed_targets(help_text: str) -> dict[str, str]:
    """Target -> description from the "Targets:" section of `make help`."""
    section = help_text.split("Targets:\n", 1)[1].split("\n\n", 1)[0]
    targets = {}
    for line in section.splitlines():
        name, _, description = line.strip().partition(" ")
        targets[name] = description.strip()
    return targets


def test_make_help_is_the_default_goal():
    text = MAKEFILE.read_text(encoding="utf-8")
    assert re.search(r"^\.DEFAULT_GOAL\s*:=\s*help\s*$", text, flags=re.MULTILINE)


def test_make_help_lists_the_main_targets_each_with_a_description():
    targets = listed_targets(make_help())
    assert {"help", "venv", "test", "lab", "lock", "clean", "distclean"} <= targets.keys()
    undocumented = [name for name, description in targets.items() if not description]
    assert undocumented == []


def test_make_help_lists_every_phony_target_of_the_makefile():
    text = MAKEFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    phony = {t for line in re.findall(r"^\.PHONY\s*:(.*)$", text, flags=re.MULTILINE)
             for t in line.split()}
    assert phony, "the Makefile declares its command targets .PHONY"
    assert phony - listed_targets(make_help()).keys() == set()


EXCLUDES = PROJ_ROOT / "requirements-exclude.txt"


def excluded_packages() -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in EXCLUDES.read_text(encoding="utf-8").splitlines())
    return [normalise(line) for line in lines if line]


def test_the_excluded_packages_are_named_with_reasons_and_absent_from_lock_and_environment_yml():
    excluded = excluded_packages()
    assert "rfc3987-syntax" in excluded
    assert not set(excluded) & set(lock_pins()), "an excluded package is in requirements.lock"
    assert not set(excluded) & set(environment_pins()[0]), "an excluded package is in environment.yml"
    assert "--excludes requirements-exclude.txt" in MAKEFILE.read_text(encoding="utf-8")


def test_papermill_and_nbconvert_start_without_the_slow_optional_rfc3987_syntax_grammar():
    # jsonschema imports rfc3987_syntax (and builds its lark grammar) whenever it is installed:
    # about 1 s on every papermill and nbconvert start, i.e. on every report section.
    code = ("import sys, papermill, nbconvert, jsonschema; "
            "print(sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_pip_installs_the_lock_without_resolving_so_the_excluded_packages_never_arrive():
    text = MAKEFILE.read_text(encoding="utf-8")
    assert "--require-hashes --no-deps -r requirements.lock" in text
    assert "uv pip sync" in text  # sync installs exactly the lock's list
