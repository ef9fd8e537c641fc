"""The short API gives what `make report` gives: the four sections built from the synthetic cohort in
Turkish with two decimals and a decimal comma (03_survival by treatment), and the same settings
passed to lmlib.table1, table2, crosstab, audit and survival. Every .csv, .tex and .docx a result
writes is byte for byte the report's file, its table is in the report's page, and the
Kaplan–Meier PNGs are the report's figures."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
import html
import os
from pathlib import Path
import subprocess
import sys

import pytest

import lmlib
from lmlib import config
from lmlib.present.html import TABLE_CSS

SETTINGS = {"lang": "tr", "decimals": 2, "decimal_mark": ","}
SECTIONS = {"01_descriptive": [], "02_imaging": [], "03_survival": ["-p", "group_by=treatment"],
            "04_reproduction": []}
SURVIVAL_FILES = {"summary": "survival_summary", "landmarks": "survival_landmarks", "comparisons": "survival_groups",
                  "cox": "survival_cox"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")

    def one(name: str):
        notebook = config.NOTEBOOKS_DIR / f"{name}.ipynb"
        return subprocess.run([sys.executable, "-m", "lmlib.report", "section", str(notebook),
                               str(out / f"{name}.html"), "--data", str(config.SYNTHETIC_COHORT), "--data-cut",
                               "2018-12-31", "--lang", "tr", "--decimals", "2", "--decimal-mark", ",", "--output-dir",
                               str(out), *SECTIONS[name]],
                              cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=900)

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:  # separate processes
        for result in pool.map(one, SECTIONS):
            assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def results() -> dict:
    cohort = lmlib.load(data_cut="2018-12-31")
    out = {"table1": lmlib.table1(cohort, **SETTINGS), "table2": lmlib.table2(cohort, **SETTINGS),
           "crosstabs": lmlib.crosstab(cohort, **SETTINGS), "audit": lmlib.audit(cohort, **SETTINGS)}
    survival = lmlib.survival(cohort, by="treatment", **SETTINGS)
    out.update({SURVIVAL_FILES[key]: table for key, table in survival.tables.items()})
    out["km_treatment"], out["km_overall"] = survival.km, lmlib.survival(cohort, **SETTINGS).km
    return out


TABLES = ["table1", "table2", "crosstabs", "audit", *SURVIVAL_FILES.values()]


@pytest.mark.parametrize("name", TABLES)
def test_a_results_csv_latex_and_word_are_the_reports_files_byte_for_byte(report, results, name, tmp_path):
    result = results[name]
    assert result.to_csv(tmp_path / f"{name}.csv").read_bytes() == (report / "tables" / f"{name}.csv").read_bytes()
    assert result.to_latex() == (report / "tables" / f"{name}.tex").read_text(encoding="utf-8")
    assert result.to_docx(tmp_path / f"{name}.docx").read_bytes() == (report / "tables" / f"{name}.docx").read_bytes()


@pytest.mark.parametrize("name", TABLES)
def test_a_results_table_is_in_the_reports_page(report, results, name):
    pages = "".join(html.unescape((report / f"{section}.html").read_text(encoding="utf-8")) for section in SECTIONS)
    shown = results[name].table.to_html().replace(TABLE_CSS + "\n", "")  # the page has the style block too
    assert html.unescape(shown) in pages  # nbconvert writes &#x27; as '


@pytest.mark.parametrize("name, figure", [("km_treatment", "survival_km_treatment"),
                                          ("km_overall", "survival_km_overall_days")])
def test_a_kaplan_meier_result_is_the_reports_figure(report, results, name, figure):
    assert results[name].png() == (report / "figures" / f"{figure}.png").read_bytes()
    assert results[name].name == figure
