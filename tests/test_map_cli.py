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


def scan_text(frame: pd.DataFrame, tmp_path: Path) -> str:
    from lmlib.mapping import draft, scan

    path = tmp_path / "x.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    return draft(scan(path))


def synthetic() -> pd.DataFrame:
    return pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_numeric_codes_without_labels_get_one_line_to_fill_in(tmp_path):
    frame = synthetic()
    frame["Cinsiyet"] = frame["Cinsiyet"].map({"K": "2", "E": "1"})
    text = scan_text(frame, tmp_path)
    assert '# - {name: sex, levels: [{name: female, synonyms: ["?"]}, {name: male, synonyms: ["?"]}]}' in text
    assert "Numeric codes 1 (" in text and "x_1" not in text


def test_a_short_alias_is_never_found_inside_a_longer_header(tmp_path):
    from lmlib.codebook import load_codebook
    from lmlib.suggest import closest_headers

    found = closest_headers("CN7 side", load_codebook())
    assert found[0].target == ("nerve", 7) and all(m.target != ("variable", "patient_id") for m in found)


def test_a_column_is_recognised_by_its_values_and_read_as_suggested_in_the_same_draft(tmp_path):
    frame = synthetic().rename(columns={"Lokalizasyon": "Dağılım", "Histoloji": "Patoloji raporu"})
    frame.loc[0, "Patoloji raporu"] = "Skuamöz"
    text = scan_text(frame, tmp_path)
    assert "Location / Lokalizasyon (by its values: 3 of 3)" in text
    assert '# - {name: lm_location, aliases: ["Dağılım"]}' in text
    assert 'if you map it as suggested above): 1 value(s) match no spelling' in text
    assert 'synonyms: ["Skuamöz"], within: [' in text


def test_a_yes_no_column_of_zeros_and_ones_is_suggested_as_yes_no(tmp_path):
    frame = synthetic()
    frame["Kemoterapi yanıtı"] = ["1" if i % 2 else "0" for i in range(len(frame))]
    assert 'aliases: ["Kemoterapi yanıtı"], type: boolean}' in scan_text(frame, tmp_path)
