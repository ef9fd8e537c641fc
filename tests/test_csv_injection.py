"""No CSV lmlib writes can start a spreadsheet formula (OWASP: a text cell starting with = + - @,
a tab or a carriage return gets a leading ')."""
from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest

import hostile
from lmlib import config
from lmlib.export import write_csv

FORMULAS = ['=HYPERLINK("http://example.com/x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def cells(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_write_csv_neutralises_formula_cells_and_keeps_numbers(tmp_path):
    frame = pd.DataFrame({"label": FORMULAS + ["-5", "+1.5", "Lung", ""], "n": range(10),
                          "percent": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, None]})
    frame["level"] = pd.Categorical(["=1+1"] * 10)
    path = write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back["label"]) == ["'" + f.replace("\r", "\n") for f in FORMULAS] + ["-5", "+1.5", "Lung", ""]
    assert set(back["level"]) == {"'=1+1"}
    assert back["percent"].iloc[0] == "-1.5" and back["n"].iloc[3] == "3"
    assert list(frame["label"][:1]) == FORMULAS[:1], "the frame itself is not modified"


@pytest.mark.parametrize("lenient", [True, False])
def test_the_problems_csv_never_starts_a_formula(tmp_path, lenient):
    frame = hostile.synthetic()
    for row, formula in enumerate(FORMULAS):
        frame.loc[row, "Cinsiyet"] = formula  # unknown levels: each becomes a problem with its value
    frame[FORMULAS[0]] = "x"  # an unknown column whose header is a formula
    path = tmp_path / "formulas.csv"
    path.write_text(hostile.csv_text(frame), encoding="utf-8")
    problems = tmp_path / "problems.csv"
    command = [sys.executable, "-m", "lmlib", "clean", str(path), "--out", str(tmp_path / "o.parquet"),
               "--problems", str(problems), *(["--lenient"] if lenient else [])]
    result = subprocess.run(command, cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == (0 if lenient else 1), result.stderr
    written = cells(problems)
    assert not [c for c in written if c[:1] in ("=", "+", "@", "\t", "\r")], written
    assert not [c for c in written if c.startswith("-") and not c[1:].replace(".", "").isdigit()]
    assert sum(c.startswith("'=HYPERLINK") for c in written) == 2  # the value and the header
