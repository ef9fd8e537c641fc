"""`python -m lmlib clean` and `synthesize`: one clear message, exit codes, processed output."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from conftest import ROOT
from lmlib import config


def run(*args):
    return subprocess.run([sys.executable, "-m", "lmlib", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_clean_writes_the_processed_cohort_with_the_input_hash(tmp_path):
    out = tmp_path / "cohort.parquet"
    result = run("clean", config.SYNTHETIC_COHORT, "--out", out, "--data-cut", "2018-12-31")
    assert result.returncode == 0, result.stderr
    assert "32 patients, 0 error(s)" in result.stdout
    assert json.loads(out.with_suffix(".json").read_text())["n"] == 32


def test_clean_of_a_bad_file_lists_every_problem_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Hasta No;Cinsiyet;Yaş\nA;X;200\nA;E;50\n", encoding="utf-8")
    result = run("clean", bad, "--out", tmp_path / "never.parquet", "--problems", tmp_path / "problems.csv")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "row 2, column 'Cinsiyet': value 'X': expected one of Female (Kadın), Male (Erkek)" in result.stderr
    assert "duplicate_id" in result.stderr and "missing_column" in result.stderr
    assert not (tmp_path / "never.parquet").exists()
    problems = pd.read_csv(tmp_path / "problems.csv")
    assert (problems["severity"] == "error").sum() == 11 and set(problems["severity"]) <= {"error", "warning"}


def test_clean_of_a_missing_file_is_one_line(tmp_path):
    result = run("clean", tmp_path / "nope.csv")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "file not found" in result.stderr


def test_synthesize_reproduces_the_committed_files(tmp_path):
    result = run("synthesize", "--out-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / config.SYNTHETIC_COHORT.name).read_bytes() == config.SYNTHETIC_COHORT.read_bytes()
    assert (tmp_path / config.SYNTHETIC_SCREENING.name).read_bytes() == config.SYNTHETIC_SCREENING.read_bytes()


def test_clean_lenient_lists_problems_without_a_row_instead_of_crashing(tmp_path):
    frame = pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame.rename(columns={"Baş ağrısı": "Başağrısı"})
    frame.loc[0, "Cinsiyet"] = "X"
    path = tmp_path / "export.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    result = run("clean", path, "--lenient", "--out", tmp_path / "c.parquet", "--problems", tmp_path / "p.csv")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "column 'Başağrısı': expected a column the codebook knows" in result.stderr
    assert "row 2, column 'Cinsiyet': value 'X'" in result.stderr
    assert "32 patients, 1 error(s)" in result.stdout
    assert set(pd.read_csv(tmp_path / "p.csv")["rule"]) >= {"unknown_column", "invalid_categorical"}


def test_clean_takes_a_study_file(tmp_path):
    frame = pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    path = tmp_path / "export.csv"
    path.write_bytes(frame.rename(columns={"Baş ağrısı": "Başağrısı"}).to_csv(sep=";", index=False).encode("utf-8"))
    study = tmp_path / "s.yaml"
    study.write_text("variables:\n  - {name: symptoms, options: [{name: headache, aliases: [Başağrısı]}]}\n",
                     encoding="utf-8")
    result = run("clean", path, "--study", study, "--out", tmp_path / "c.parquet")
    assert result.returncode == 0 and "0 error(s), 0 warning(s)" in result.stdout, result.stderr
