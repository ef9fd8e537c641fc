#!/usr/bin/env python3
"""Keep ``environment.yml`` (for conda users) in step with ``requirements.lock``.

``requirements.lock`` is the single source of the exact versions. This script writes the pip
section of ``environment.yml`` from it (``--write``, run by ``make lock``) or checks that the two
agree (the default), printing every difference and exiting 1 if there is one.

Standard library only, so it runs with any Python 3.11 before the virtual environment exists.

Usage::

    python scripts/check_env_pins.py           # check; exit 1 on any difference
    python scripts/check_env_pins.py --write   # regenerate environment.yml
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[1]
LOCK = PROJ_ROOT / "requirements.lock"
ENVIRONMENT = PROJ_ROOT / "environment.yml"

# "name==version" at the start of a line; extras and the trailing " \" of hashed lines ignored.
_LOCK_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
_YML_PIN = re.compile(r"^\s*-\s+([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)\s*$")

HEADER = """\
# Conda environment for lm-analysis (for people who prefer conda; `make` uses .venv and uv).
# GENERATED from requirements.lock by `scripts/check_env_pins.py --write` (`make lock`).
# Do not edit by hand: edit requirements.in, then run `make lock`.
#   conda env create -f environment.yml && conda activate lm-analysis
# Conda provides only Python and pip; every package comes from PyPI at the locked version.
"""


def normalise(name: str) -> str:
    """Return the PEP 503 normalised form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path = LOCK) -> dict[str, tuple[str, str]]:
    """Pins in a pip-style lock file: normalised name -> (name as written, version)."""
    pins: dict[str, tuple[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _LOCK_PIN.match(line)
        if match:
            name, version = match.groups()
            pins[normalise(name)] = (name, version)
    return pins


def read_environment_pins(path: Path = ENVIRONMENT) -> dict[str, tuple[str, str]]:
    """``name==version`` entries of an environment file: normalised name -> (name, version).

    A line-based reader for the files this script writes; the tests parse the same file with
    PyYAML as an independent check.
    """
    pins: dict[str, tuple[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _YML_PIN.match(line)
        if match:
            name, version = match.groups()
            pins[normalise(name)] = (name, version)
    return pins


def render_environment(pins: dict[str, tuple[str, str]]) -> str:
    """The full text of ``environment.yml`` for the given lock pins, sorted by normalised name."""
    lines = [
        HEADER.rstrip("\n"),
        "name: lm-analysis",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
    ]
    lines += [f"      - {name}=={version}" for _, (name, version) in sorted(pins.items())]
    lines.append("      - -e .")
    return "\n".join(lines) + "\n"


def differences(
    lock: dict[str, tuple[str, str]], env: dict[str, tuple[str, str]]
) -> list[str]:
    """Human-readable differences between two pin sets, in both directions."""
    problems = []
    for key in sorted(lock.keys() | env.keys()):
        if key not in env:
            problems.append(f"{key}=={lock[key][1]} is in requirements.lock, not in environment.yml")
        elif key not in lock:
            problems.append(f"{key}=={env[key][1]} is in environment.yml, not in requirements.lock")
        elif lock[key][1] != env[key][1]:
            problems.append(f"{key}: requirements.lock has {lock[key][1]}, environment.yml has {env[key][1]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="regenerate environment.yml")
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--environment", type=Path, default=ENVIRONMENT)
    args = parser.parse_args(argv)

    lock = read_lock(args.lock)
    if not lock:
        print(f"error: no name==version pins found in {args.lock}", file=sys.stderr)
        return 1
    if args.write:
        text = render_environment(lock)
        tmp = args.environment.with_name(args.environment.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.environment)  # atomic: never a half-written environment.yml
        print(f"wrote {args.environment} ({len(lock)} pins from {args.lock.name})")
        return 0

    if not args.environment.exists():
        print(f"error: {args.environment} is missing; run `make lock`", file=sys.stderr)
        return 1
    problems = differences(lock, read_environment_pins(args.environment))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("environment.yml disagrees with requirements.lock; run "
              "`python scripts/check_env_pins.py --write`", file=sys.stderr)
        return 1
    print(f"environment.yml agrees with requirements.lock ({len(lock)} pins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
