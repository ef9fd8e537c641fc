"""`python -m lmlib map` and `make study`'s mode of it: where the draft goes, and what is kept."""
from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys

import pandas as pd

from lmlib import config


def export(tmp_path: Path) -> Path:
    frame = pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame.rename(columns={"Baş ağrısı": "Başağrısı"})
    path = tmp_path / "export.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    return path


def run(*args, env=None, shell=False):
    command = args[0] if shell else [sys.executable, "-m", "lmlib", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=config.PROJ_ROOT, shell=shell,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_make_study_mode_writes_the_study_file_and_keeps_its_entries_on_the_next_run(tmp_path):
    path = export(tmp_path)
    study = tmp_path / "my.study.yaml"
    env = {"LM_DATA": str(path), "LM_STUDY": str(study)}
    first = run("map", "--from-environment", env=env)
    assert first.returncode == 0, first.stderr
    text = study.read_text(encoding="utf-8")
    line = '  # - {name: symptoms, options: [{name: headache, aliases: ["Başağrısı"]}]}'
    assert line in text
    study.write_text(text.replace(line, line.replace("# ", "", 1)), encoding="utf-8")  # the user's edit
    edited = study.read_text(encoding="utf-8")
    second = run("map", "--from-environment", env=env)
    assert second.returncode == 0, second.stderr
    again = study.read_text(encoding="utf-8")
    assert '  - {name: symptoms, options: [{name: headache, aliases: ["Başağrısı"]}]}' in again
    assert "matched no known header" not in again
    assert Path(f"{study}.bak").read_text(encoding="utf-8") == edited


def test_a_study_file_emptied_by_the_shells_redirection_is_said_so(tmp_path):
    path = export(tmp_path)
    study = tmp_path / "s.yaml"
    study.write_text("variables:\n  - {name: symptoms, options: [{name: headache, aliases: [Başağrısı]}]}\n",
                     encoding="utf-8")
    result = run(f"'{sys.executable}' -m lmlib map '{path}' --study '{study}' > '{study}'", shell=True)
    assert result.returncode == 2
    assert "emptied it" in result.stderr and f"--out {study}" in result.stderr and "Traceback" not in result.stderr


def test_map_of_a_missing_file_is_one_line(tmp_path):
    result = run("map", tmp_path / "nope.xlsx")
    assert result.returncode == 1 and "file not found" in result.stderr and "Traceback" not in result.stderr
