"""`python -m lmlib survival`: JSON against the SPSS oracle, the printed table, one-line errors."""
from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

import pandas as pd
import pytest

from lmlib.cli import main

ORACLE = Path(__file__).resolve().parent / "data" / "spss31_km"  # public SPSS output, see SOURCE.txt
ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *args) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def small_csv(tmp_path) -> Path:
    path = tmp_path / "small.csv"
    pd.DataFrame({
        "days": [10, 20, 30, 40, 50, 60, "", 70],
        "status": ["Dead", "Alive", "Dead", "Dead", "Alive", "Alive", "Dead", "Alive"],
        "arm": ["A", "A", "A", "A", "B", "B", "B", "B"],
    }).to_csv(path, index=False)
    return path


def test_json_reproduces_spss_for_each_group_and_overall(capsys):
    status, out, err = run(capsys, "survival", ORACLE / "survival_validation.csv",
                           "--time", "time", "--event", "status", "--group", "sex", "--json")
    assert status == 0 and err == ""
    result = json.loads(out)
    ref = pd.read_csv(ORACLE / "spss31_km_reference.csv", dtype={"Group": str})
    ref["Term"] = ref["Term"].fillna("")
    ref = ref.set_index(["Section", "Group", "Term", "Metric"])["Value"]
    for group in ["1", "2", "Overall"]:
        got = result["overall"] if group == "Overall" else result["groups"][group]
        assert got["n"] == ref[("km_cases", group, "", "N")]
        assert got["events"] == ref[("km_cases", group, "", "Events")]
        assert got["median"] == ref[("km_time", group, "Median", "Estimate")]
        assert got["median_se_spss"] == pytest.approx(ref[("km_time", group, "Median", "SE")], abs=1e-9)
        assert got["median_ci_spss"] == pytest.approx(
            [ref[("km_time", group, "Median", "Lower")], ref[("km_time", group, "Median", "Upper")]], abs=1e-9)
        assert got["mean_spss"] == pytest.approx(ref[("km_time", group, "Mean", "Estimate")], abs=1e-9)
        assert got["mean_se_spss"] == pytest.approx(ref[("km_time", group, "Mean", "SE")], abs=1e-9)
        assert len(got["median_ci_loglog"]) == 2 and len(got["median_ci_log"]) == 2
    assert result["logrank"]["chi2"] == pytest.approx(ref[("km_logrank", "Overall", "", "Chi-square")], abs=1e-9)
    assert result["logrank"]["df"] == 1
    assert result["logrank"]["p"] == pytest.approx(ref[("km_logrank", "Overall", "", "p")], abs=1e-9)


def test_json_uses_null_for_a_median_not_reached_and_keys_groups_as_text(capsys, small_csv):
    status, out, _ = run(capsys, "survival", small_csv, "--time", "days", "--event", "status",
                         "--event-value", " Dead ", "--group", "arm", "--json")
    assert status == 0
    result = json.loads(out)
    assert set(result["groups"]) == {"A", "B"}
    b = result["groups"]["B"]  # no death with a time in arm B
    assert b["median"] is None and b["median_reached"] is False
    assert b["median_ci_loglog"] == [None, None] and b["events"] == 0
    assert result["groups"]["A"]["events"] == 3
    assert result["n_excluded"] == 1
    assert "NaN" not in out and "Infinity" not in out


def test_without_group_json_has_overall_only(capsys, small_csv):
    _, out, _ = run(capsys, "survival", small_csv, "--time", "days", "--event", "status",
                    "--event-value", "Dead", "--json")
    result = json.loads(out)
    assert result["overall"]["n"] == 7 and "groups" not in result and "logrank" not in result


def test_table_output_names_the_conventions_and_says_not_reached(capsys, small_csv):
    status, out, _ = run(capsys, "survival", small_csv, "--time", "days", "--event", "status",
                         "--event-value", "Dead", "--group", "arm")
    assert status == 0
    assert "not reached" in out and "Log-rank" in out
    assert "SPSS" in out and "log-log" in out and "Brookmeyer" in out


def test_excel_input_gives_the_same_json_as_csv(capsys, tmp_path, small_csv):
    xlsx = tmp_path / "small.xlsx"
    frame = pd.read_csv(small_csv)
    frame.to_excel(xlsx, index=False)
    args = ["--time", "days", "--event", "status", "--event-value", "Dead", "--group", "arm", "--json"]
    _, from_csv, _ = run(capsys, "survival", small_csv, *args)
    status, from_xlsx, err = run(capsys, "survival", xlsx, *args)
    assert status == 0, err
    assert json.loads(from_csv)["groups"] == json.loads(from_xlsx)["groups"]


@pytest.mark.parametrize(
    "args, status, message",
    [
        (["--time", "nope", "--event", "status"], 2, "column 'nope' not found"),
        (["--time", "days"], 2, "required"),
        (["--time", "days", "--event", "status", "--unit", "weeks"], 2, "invalid choice"),
        (["--time", "days", "--event", "status"], 1, "'alive'"),  # unknown codes without --event-value
        (["--time", "status", "--event", "status", "--event-value", "Dead"], 1, "non-numeric"),
    ],
)
def test_errors_are_one_line_with_nonzero_exit(capsys, small_csv, args, status, message):
    code, out, err = run(capsys, "survival", small_csv, *args)
    assert code == status and out == ""
    assert err.startswith("lmlib: error: ") and err.count("\n") == 1
    assert message in err


def test_a_missing_file_or_command_is_an_error(capsys, tmp_path):
    code, _, err = run(capsys, "survival", tmp_path / "absent.csv", "--time", "t", "--event", "e")
    assert code != 0 and err.startswith("lmlib: error: ") and "not found" in err
    code, _, err = run(capsys)
    assert code == 2 and err.count("\n") == 1


def test_python_dash_m_lmlib_runs_as_a_module(small_csv):
    result = subprocess.run(
        [sys.executable, "-m", "lmlib", "survival", str(small_csv), "--time", "days", "--event",
         "status", "--event-value", "Dead", "--json"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["overall"]["events"] == 3
    bad = subprocess.run([sys.executable, "-m", "lmlib", "survival"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and bad.stderr.startswith("lmlib: error:") and bad.stderr.count("\n") == 1


# ------------------------------------------------------------------------------ Cox, pairwise, follow-up

def test_json_gives_cox_terms_global_ph_p_pairwise_tests_and_follow_up_as_r(capsys):
    from r_oracle import DIR, close, oracle

    status, out, err = run(capsys, "survival", DIR / "veteran.csv", "--time", "time", "--event", "status",
                           "--group", "celltype", "--cox", "trt, karno,diagtime,age,prior", "--json")
    assert status == 0 and err == ""
    result = json.loads(out)
    cox = {t["term"]: t for t in result["cox"]}
    assert set(cox) == {"trt", "karno", "diagtime", "age", "prior"}
    assert set(next(iter(cox.values()))) >= {"term", "hr", "ci_low", "ci_high", "p"}
    model = next(m for m in oracle("cox")["cox"] if m["name"] == "veteran_full")

    # the R model also has celltype: refit it the same way through the CLI
    status, out, _ = run(capsys, "survival", DIR / "veteran.csv", "--time", "time", "--event", "status",
                         "--cox", "trt,celltype,karno,diagtime,age,prior", "--json")
    full = json.loads(out)
    terms = {t["term"]: t for t in full["cox"]}
    for term in model["coefficients"]:
        if term["term"].startswith("celltype"):
            continue  # reference: adeno here (first level), squamous in R's model
        ours = terms[term["term"]]
        assert close(ours["hr"], term["hr"], 2e-8) and close(ours["p"], term["p"])
        assert close(ours["ci_low"], term["lower"], 2e-8) and close(ours["ci_high"], term["upper"], 2e-8)
    zph = model["ph_old"]["rank"]["global"]  # the PH test is invariant to the choice of reference level
    assert close(full["cox_global_ph_p"], zph["p"])
    assert "pairwise" not in full and result["cox_global_ph_p"] is not None
    pairwise = {(p["group_a"], p["group_b"]): p for p in result["pairwise"]}
    saved = next(c for c in oracle("survival")["pairwise"] if c["dataset"] == "veteran")
    for pair in saved["pairs"]:
        got = pairwise[(pair["group_a"], pair["group_b"])]
        assert close(got["p"], pair["p"]) and close(got["p_adjusted"], pair["p_holm"])
    assert set(result["overall"]["followup"]) == {"median", "ci_low", "ci_high"}
    assert set(result["groups"]["adeno"]["followup"]) == {"median", "ci_low", "ci_high"}


def test_json_follow_up_of_the_aml_maintained_arm_is_r_103_weeks(capsys):
    data = ROOT / "tests" / "data" / "r_oracles" / "aml.csv"
    status, out, _ = run(capsys, "survival", data, "--time", "time", "--event", "status", "--group", "x", "--json")
    result = json.loads(out)
    assert status == 0 and result["groups"]["Maintained"]["followup"] == {"median": 103, "ci_low": 13, "ci_high": None}
    assert "pairwise" not in result and "cox" not in result  # two groups; no --cox


def test_json_marks_a_separated_cox_model_not_estimable_without_numbers(capsys):
    data = ROOT / "tests" / "data" / "r_oracles" / "separation.csv"
    status, out, _ = run(capsys, "survival", data, "--time", "time", "--event", "status", "--cox", "x,age", "--json")
    result = json.loads(out)
    x = next(t for t in result["cox"] if t["term"] == "x")
    assert status == 0 and x["hr"] is None and x["p"] is None and not x["estimable"]
    assert not result["cox_model"]["estimable"] and "'x'" in result["cox_model"]["reason"]


def test_an_unknown_cox_column_is_a_usage_error(capsys, small_csv):
    status, _, err = run(capsys, "survival", small_csv, "--time", "days", "--event", "status", "--event-value",
                         "Dead", "--cox", "arm,nosuch", "--json")
    assert status == 2 and "nosuch" in err and err.count("\n") == 1
