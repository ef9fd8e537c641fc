"""The settings of the comparisons (GROUP_BY, GROUP_TESTS, ADJUST, SMD, MISSING_ROWS, COX, LANDMARKS,
TIME_UNIT, RMST_TAU, LANDMARK): each parsed by the registry (a bad value of each is refused in
tests/test_make_settings.py) with one message naming the setting, its value and what was
expected; GROUP_BY and COX checked once the codebook and the study file are read and against
the cohort before anything is written; each reaching the notebooks that take it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lmlib import config
from lmlib.codebook import load_codebook
from lmlib.report.settings import (ANALYSIS, SettingsError, analysis_parameters, check_codebook, parse_named,
                                   read_settings)
from test_make_settings import ROOT, run_make

SECTIONS = ["01_descriptive", "02_imaging", "03_survival", "04_reproduction"]


def test_the_comparison_settings_are_parsed_to_the_notebooks_parameters():
    values = read_settings({"LM_GROUP_BY": " primary_site ", "LM_COX": "age, sex ,treatment,age", "LM_SMD": "1",
                            "LM_LANDMARKS": "30 90;180", "LM_RMST_TAU": "365", "LM_LANDMARK": "30.0",
                            "LM_TIME_UNIT": "weeks", "LM_ADJUST": "bh", "LM_GROUP_TESTS": "parametric",
                            "LM_MISSING_ROWS": "always"})
    assert analysis_parameters(values) == {
        "group_by": "primary_site", "group_tests": "parametric", "adjust": "bh", "smd": True, "missing_rows": "always",
        "cox": "age,sex,treatment", "landmarks": "30,90,180", "time_unit": "weeks", "rmst_tau": 365.0,
        "landmark": "30"}
    defaults = read_settings({})
    assert {name: defaults[name] for name in ANALYSIS} == {
        "GROUP_BY": "", "GROUP_TESTS": "nonparametric", "ADJUST": "", "SMD": False, "MISSING_ROWS": "ifany", "COX": "",
        "LANDMARKS": "30,90,180", "TIME_UNIT": "days", "RMST_TAU": 180.0, "LANDMARK": ""}


@pytest.mark.parametrize("settings, expected", [
    ({"GROUP_BY": "no_such_variable"}, "GROUP_BY='no_such_variable': expected a categorical or yes/no variable"),
    ({"GROUP_BY": "age"}, "GROUP_BY='age': expected a categorical or yes/no variable"),
    ({"GROUP_BY": "vital_status"}, "other than the survival outcome"),
    ({"COX": "age,nonsense"}, "COX='age,nonsense': expected continuous, categorical or yes/no variables"),
    ({"COX": "age,survival_days"}, "('survival_days' is not)"),
    ({"COX": "symptoms"}, "('symptoms' is not)"),
])
def test_group_by_and_cox_are_checked_against_the_codebook(settings, expected):
    with pytest.raises(SettingsError) as caught:
        check_codebook(settings, load_codebook())
    assert expected in str(caught.value)
    assert "primary_site" in str(caught.value)  # what would do is listed


def test_a_variable_of_the_study_file_is_a_grouping_and_a_covariate(tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text("""study_file: 1
variables:
  - {name: kps, type: integer, section: table1, range: [0, 100], label: {en: KPS, tr: KPS}}
  - name: csf_cytology
    type: categorical
    section: table2
    label: {en: CSF cytology, tr: BOS sitolojisi}
    levels:
      - {name: positive, label: {en: Positive, tr: Pozitif}}
      - {name: negative, label: {en: Negative, tr: Negatif}}
""", encoding="utf-8")
    check_codebook({"GROUP_BY": "csf_cytology", "COX": "age,kps,csf_cytology"}, load_codebook(study=study))
    with pytest.raises(SettingsError):
        check_codebook({"GROUP_BY": "csf_cytology"}, load_codebook())


def test_parse_named_refuses_an_unknown_setting():
    with pytest.raises(SettingsError, match="GROUPBY: no such setting"):
        parse_named({"GROUPBY": "sex"})


def report_build(tmp_path, *settings, data=config.SYNTHETIC_COHORT, sections=("01_descriptive",)):
    notebooks = [str(config.NOTEBOOKS_DIR / f"{s}.ipynb") for s in sections]
    return subprocess.run([sys.executable, "-m", "lmlib.report", "build", *notebooks, "--output-dir",
                           str(tmp_path / "out"), "--data", str(data), "--data-cut", "2018-12-31",
                           "--stamp", str(tmp_path / "out" / ".data"),
                           *[a for s in settings for a in ("--setting", s)]],
                          cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=600)


def test_a_grouping_the_file_has_no_column_for_is_refused_before_anything_is_written(tmp_path):
    frame = pd.read_csv(config.SYNTHETIC_COHORT, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    export = tmp_path / "no_field_strength.csv"
    frame.drop(columns=["MRG (Tesla)"]).to_csv(export, index=False, sep=";")
    result = report_build(tmp_path, "GROUP_BY=field_strength", data=export)
    assert result.returncode == 2, result.stderr
    assert "GROUP_BY='field_strength': the cohort file has no column for it" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*"))


def test_a_bad_grouping_given_to_the_build_command_is_refused_with_one_message(tmp_path):
    result = report_build(tmp_path, "GROUP_BY=no_such_variable", "COX=age,nonsense", "TIME_UNIT=years")
    assert result.returncode == 2
    assert "TIME_UNIT='years': expected one of days, weeks, months" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
    result = report_build(tmp_path, "GROUP_BY=no_such_variable", "COX=age,nonsense")
    assert result.returncode == 2 and "2 settings are not valid" in result.stderr
    assert "GROUP_BY='no_such_variable'" in result.stderr and "COX='age,nonsense'" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["GROUP_BY=no_such_variable", "COX=age,nonsense", "TIME_UNIT=years"])
def test_make_report_refuses_a_bad_comparison_setting_and_changes_nothing(setting):
    folders = [ROOT / "reports", ROOT / "data" / "processed"]
    before = {p: p.stat().st_mtime_ns for f in folders if f.exists() for p in f.rglob("*")}
    result = run_make("report", setting)
    assert result.returncode == 2, result.stderr
    name, value = setting.split("=", 1)
    assert f"{name}={value!r}: expected" in result.stderr and "Traceback" not in result.stderr
    after = {p: p.stat().st_mtime_ns for f in folders if f.exists() for p in f.rglob("*")}
    assert after == before


@pytest.mark.slow
def test_the_settings_reach_the_notebooks_and_change_the_tables(tmp_path):
    result = report_build(tmp_path, "GROUP_BY=sex", "ADJUST=holm", "SMD=1", "COX=age,treatment", "TIME_UNIT=months",
                          "LANDMARK=30", "RMST_TAU=90", sections=("01_descriptive", "03_survival"))
    assert result.returncode == 0, result.stderr
    tables = tmp_path / "out" / "tables"
    table1 = pd.read_csv(tables / "table1.csv")
    assert {"p", "test", "q", "smd", "group"} <= set(table1.columns)
    assert set(table1["group"]) == {"overall", "female", "male"}
    age = table1[(table1["item"] == "age") & (table1["group"] == "overall")].iloc[0]
    assert age["test"] == "mann_whitney"
    for name in ("survival_cox_multivariable", "survival_landmark_analysis", "survival_rmst"):
        assert (tables / f"{name}.csv").is_file() and (tables / f"{name}.docx").is_file(), name
    rmst = pd.read_csv(tables / "survival_rmst.csv")
    assert set(rmst["tau"]) == {90.0}
    page = (tmp_path / "out" / "03_survival.html").read_text(encoding="utf-8")
    assert "Months since diagnosis of LM" in page or "In months" in page
    assert "Landmark analysis at day 30" in page and "Forest plot" in page
    ipynb = (tmp_path / "out" / "03_survival.ipynb").read_text(encoding="utf-8")
    assert "group_by = \\\"sex\\\"" in ipynb or 'group_by = "sex"' in ipynb


def test_the_methods_paragraph_names_the_tests_and_conventions_the_settings_add():
    from lmlib.colophon import methods_options, methods_paragraph, methods_references

    codebook = load_codebook()
    tables = methods_options({"group_by": "primary_site", "adjust": "bh", "smd": True}, ["01_descriptive"])
    text = methods_paragraph("en", ["01_descriptive"], options=tables, codebook=codebook)
    for words in ("between the groups of primary malignancy origin", "Pearson's χ² test without continuity correction",
                  "Mann–Whitney U test", "Kruskal–Wallis test", "Benjamini–Hochberg method", "Yang & Dalton 2012"):
        assert words in text, words
    assert "Benjamini" not in methods_paragraph("en", ["01_descriptive"], options=methods_options({}, ["01_descriptive"]))
    survival = methods_options({"group_by": "treatment,primary_site", "cox": "age,sex,treatment", "landmark": "30",
                                "rmst_tau": 90.0}, ["03_survival"])
    text = methods_paragraph("en", ["03_survival"], options=survival, codebook=codebook)
    for words in ("Holm's method (Holm 1979)", "up to day 90", "Uno et al. 2014", "cox.zph before survival version 3.0",
                  "mid-ranks of the death times", "multivariable Cox model (age, sex, treatment; Efron's method",
                  "landmark analysis of the patients alive and followed at day 30 (Anderson et al. 1983)"):
        assert words in text, words
    assert not any("Pearson" in r for r in methods_references(["03_survival"], options=survival))
    turkish = methods_paragraph("tr", ["03_survival"], options=survival, codebook=codebook)
    assert "Holm yöntemiyle (Holm 1979)" in turkish and "(yaş, cinsiyet, tedavi;" in turkish
