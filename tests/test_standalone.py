"""The repository stands alone: a plain clone needs no file beside it, and every test datum
copied from elsewhere carries its source."""
from __future__ import annotations

import hashlib
from pathlib import Path
import re
import subprocess

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORACLE = ROOT / "tests" / "data" / "spss31_km"


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.decode().split("\0") if name]


def test_no_file_of_the_repository_points_outside_it():
    outside = re.compile(r"\.\./shared|/work/shared|/work/wt/|/work/main")
    found = []
    for path in tracked_files():
        if path.suffix in (".lock",) or path == Path(__file__).resolve() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1) if outside.search(line)]
    assert found == []


def test_the_spss_reference_files_are_the_ones_their_source_note_names():
    note = (ORACLE / "SOURCE.txt").read_text(encoding="utf-8")
    for name in ("survival_validation.csv", "spss31_km_reference.csv"):
        digest = hashlib.sha256((ORACLE / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in note
    crlf = (ORACLE / "survival_validation.csv").read_bytes().replace(b"\n", b"\r\n")
    assert hashlib.sha256(crlf).hexdigest() in note  # the digest the source repository records
