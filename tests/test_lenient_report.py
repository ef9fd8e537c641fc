"""`make report LENIENT=1 PROBLEMS=problems.csv`: invalid cells become missing, every problem is
written to the CSV, and each report lists them in an appendix (without the cells' values).

Built in a temporary copy of the project (tests/test_kill_report.py's helpers)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmlib import config
from lmlib.present import text
from test_kill_report import copy_project, run_make

BAD_SEX = "QQQ-7"  # a value that must reach the problems CSV and never a report


def export(repo: Path) -> Path:
    frame = pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[0, "Cinsiyet"] = BAD_SEX
    frame.loc[1, "Yaş"] = "elli"
    frame["Kan grubu"] = "A+"
    path = repo / "data" / "raw" / "export.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("lenient") / "project")


@pytest.mark.slow
def test_strict_build_stops_but_still_writes_every_problem(repo):
    path = export(repo)
    result = run_make(repo, f"DATA={path}", "PROBLEMS=problems.csv", "SECTIONS=01_descriptive")
    assert result.returncode == 2 and "problem(s) must be fixed" in result.stderr
    problems = pd.read_csv(repo / "problems.csv")
    assert set(problems["rule"]) >= {"invalid_categorical", "invalid_continuous", "unknown_column"}
    assert not (repo / "reports" / "01_descriptive.html").exists()


@pytest.mark.slow
def test_lenient_build_reports_with_the_invalid_cells_missing_and_an_appendix(repo):
    path = export(repo)
    result = run_make(repo, f"DATA={path}", "LENIENT=1", "PROBLEMS=problems.csv", "SECTIONS=01_descriptive")
    assert result.returncode == 0, result.stderr
    problems = pd.read_csv(repo / "problems.csv", dtype=str, keep_default_na=False)
    assert BAD_SEX in set(problems["value"])
    assert list(problems.loc[problems["rule"] == "invalid_categorical", "row"]) == ["2"]
    table = pd.read_csv(repo / "reports" / "tables" / "table1.csv", dtype={"level": str}, keep_default_na=False)
    sex = table[table["item"] == "sex"].set_index("level")
    assert (sex.loc["missing", "n"], sex.loc["female", "denominator"]) == ("1", "31")
    html = (repo / "reports" / "01_descriptive.html").read_text(encoding="utf-8")
    assert "Appendix: problems found in the input file" in html and "LENIENT=1: 2 invalid cell(s)" in html
    assert text("problem.rule.invalid_categorical", "en") in html and "Cinsiyet" in html  # the rule in words
    assert BAD_SEX not in html and "Kan grubu" not in html  # no cell value, no unknown header
