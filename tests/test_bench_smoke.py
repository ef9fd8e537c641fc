"""`scripts/bench.py` runs end to end and writes the JSON the README's numbers come from.

The slow tests run the script (tables and KM at 1e5 with --quick; the report group with one
section) and the report group's floors on one trivial notebook; the others check its parts
(workspace copy, make command and environment, goals, options) without running anything big.
No figure is checked against a time: the machines differ.
"""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "bench.py"
REPORT_BENCHMARKS = {"report_cold", "report_noop", "make_noop_floor", "report_floor_cli", "report_floor_inprocess"}


def load_bench():
    """scripts/bench.py as a module (registered in sys.modules: its dataclass needs it)."""
    if "bench" in sys.modules:
        return sys.modules["bench"]
    spec = importlib.util.spec_from_file_location("bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def needs_make_and_venv():
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    if not (bench.venv_dir() / "bin" / "papermill").is_file():
        pytest.skip("the environment is not installed (make venv)")


# ------------------------------------------------------------------------------ whole runs

def quick_run(tmp_path, groups: str, timeout: int):
    """``bench.py --quick --groups groups``: the finished process (exit 0 asserted) and its record."""
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--groups", groups, "--out", str(out)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return done, json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_quick_benchmark_writes_results_ratios_and_goals(tmp_path):
    done, record = quick_run(tmp_path, "tables,km", timeout=600)
    assert {"schema", "command", "machine", "versions", "sizes", "results", "ratios", "goals"} <= record.keys()
    assert record["sizes"] == [100_000]
    assert record["groups"] == ["tables", "km"]
    names = {r["benchmark"] for r in record["results"]}
    assert {"tables_lmlib", "tables_tableone", "counting_floor", "km_lmlib", "km_lifelines", "km_rows"} <= names
    assert not names & REPORT_BENCHMARKS, "--groups tables,km ran a report benchmark"
    assert "report" not in record
    for r in record["results"]:
        assert {"benchmark", "size", "seconds", "step_peak_mb", "process_peak_mb"} <= r.keys()
        assert r["seconds"] > 0 and r["process_peak_mb"] > 0
    assert next(r for r in record["results"] if r["benchmark"] == "km_lmlib")["equal_to_raw"] is True
    assert next(r for r in record["results"] if r["benchmark"] == "tables_rows")["equal_to_aggregates"] is True
    baselines = {(r["benchmark"], r["baseline"]) for r in record["ratios"]}
    assert {("tables_lmlib", "tables_tableone"), ("km_lmlib", "km_lifelines")} <= baselines
    assert all({"goal", "value", "met"} <= g.keys() for g in record["goals"])
    assert not any(g["benchmark"].startswith("report") for g in record["goals"])
    assert "faster than tables_tableone" in done.stdout


@pytest.mark.slow
def test_quick_comparisons_group_times_grouped_tables_and_cox_against_their_peers(tmp_path):
    done, record = quick_run(tmp_path, "comparisons", timeout=900)
    results = {r["benchmark"]: r for r in record["results"]}
    assert set(results) == {"grouped_tables_lmlib", "grouped_tables_tableone", "cox_lmlib", "cox_lmlib_fit",
                            "cox_lifelines", "cox_statsmodels", "report_large_comparisons", "report_large_plain"}
    large, plain = results["report_large_comparisons"], results["report_large_plain"]
    assert large["html_written"] == plain["html_written"] == 5  # four sections and the index
    assert (large["grouped_tables"], large["cox_table"]) == (True, True)
    assert (plain["grouped_tables"], plain["cox_table"]) == (False, False)
    assert results["cox_lmlib"]["estimable"] is True and results["cox_lmlib"]["coefficients"] == 9
    assert results["grouped_tables_lmlib"]["tests"] > 20
    pairs = {(r["benchmark"], r["baseline"]) for r in record["ratios"]}
    assert {("grouped_tables_lmlib", "grouped_tables_tableone"), ("cox_lmlib", "cox_lifelines"),
            ("cox_lmlib", "cox_statsmodels"), ("cox_lmlib_fit", "cox_lifelines"),
            ("cox_lmlib_fit", "cox_statsmodels"),
            ("report_large_comparisons", "report_large_plain")} == pairs  # no tables_lmlib run: no ratio against it
    assert results["cox_lmlib_fit"]["converged"] is True
    assert record["limits"]["comparisons_max"] == 1_000_000


@pytest.mark.slow
def test_report_group_with_one_section_writes_results_ratios_and_goals(tmp_path):
    needs_make_and_venv()
    section = bench.report_sections()[0]
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--groups", "report", "--sections", section,
                           "--repeat", "1", "--out", str(out)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["groups"] == ["report"] and record["sizes"] == [], "the report group alone made cohorts"
    assert record["data"] == {}
    assert record["report"]["sections"] == [section] and record["report"]["files"] > 10
    results = {r["benchmark"]: r for r in record["results"]}
    assert set(results) == REPORT_BENCHMARKS
    for r in results.values():
        assert r["size"] == 1 and r["size_unit"] == "sections" and r["seconds"] > 0
    assert results["report_cold"]["all_written"] is True
    assert results["report_cold"]["html_written"] == 2  # the section and the index
    assert results["report_noop"]["rebuilt_nothing"] is True
    assert results["report_floor_cli"]["html_written"] == 1
    assert results["report_floor_inprocess"]["html_written"] == 1
    pairs = {(r["benchmark"], r["baseline"]): r for r in record["ratios"]}
    assert {("report_cold", "report_floor_cli"), ("report_cold", "report_floor_inprocess"),
            ("report_noop", "make_noop_floor")} == set(pairs)
    cold, floor = results["report_cold"]["seconds"], results["report_floor_cli"]["seconds"]
    assert pairs["report_cold", "report_floor_cli"]["time_ratio"] == pytest.approx(cold / floor)
    goal = next(g for g in record["goals"] if g["measure"] == "ratio:report_floor_cli")
    assert goal["value"] == pytest.approx(cold / floor) and goal["limit"] == 1.25
    assert goal["met"] is (cold / floor <= 1.25)
    assert next(g for g in record["goals"] if g["measure"] == "ratio:report_floor_inprocess")["met"] is None
    assert "report_floor_cli" in done.stdout and "fastest (minimum) of 1 run" in done.stdout


@pytest.mark.slow
def test_the_floors_run_one_trivial_notebook_into_html_without_its_code(tmp_path):
    needs_make_and_venv()
    bench.write_trivial_notebooks(tmp_path, 2)
    (tmp_path / "floor.mk").write_text(bench.FLOOR_MAKEFILE, encoding="utf-8")
    (tmp_path / "up-to-date").touch()
    cli = bench.report_floor_cli(tmp_path, 1)
    inprocess = bench.report_floor_inprocess(tmp_path, 1)
    assert cli["notebooks"] == 1 and cli["html_written"] == 1  # the first notebook only
    assert inprocess["threads"] == 1 and inprocess["html_written"] == 1
    for folder in ("cli", "inprocess"):
        executed = json.loads((tmp_path / "trivial" / folder / "in_01.ipynb").read_text(encoding="utf-8"))
        result = executed["cells"][-1]["outputs"][0]["data"]["text/plain"]
        assert "".join(result) == "2"
        page = (tmp_path / "trivial" / folder / "in_01.html").read_text(encoding="utf-8")
        assert "x + 1" not in page and "x = 1" not in page  # --no-input / exclude_input
    noop = bench.make_noop_floor(tmp_path, 1)
    assert noop["seconds"] > 0 and noop["peak_method"] == bench.PEAK_METHOD


# ------------------------------------------------------------------------------ parts

def test_the_trivial_notebook_is_valid_with_a_parameters_cell_and_kernel_python3():
    import nbformat

    nb = nbformat.from_dict(bench.trivial_notebook())
    nbformat.validate(nb)
    assert [c.source for c in nb.cells] == ["x = 1", "x + 1"]
    assert nb.cells[0].metadata["tags"] == ["parameters"] and "tags" not in nb.cells[1].metadata
    assert nb.metadata.kernelspec.name == "python3"


def test_the_project_copy_holds_the_working_tree_without_ignored_files(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    count = bench.copy_project(tmp_path)
    assert count == len(bench.project_files())
    copied = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert {"Makefile", "pyproject.toml", "lmlib/report/__init__.py", bench.SYNTHETIC_DATA} <= copied
    assert sorted(tmp_path.glob(bench.SECTIONS_GLOB)) and \
        [p.name for p in sorted(tmp_path.glob(bench.SECTIONS_GLOB))] == \
        [p.name for p in sorted(ROOT.glob(bench.SECTIONS_GLOB))]
    assert not [name for name in copied if name.startswith((".venv/", "reports/", ".git/")) or "__pycache__" in name]
    assert not [name for name in copied if name.startswith("data/processed/")
                and Path(name).name not in (".gitkeep", "README.md")]
    assert (tmp_path / "Makefile").stat().st_mtime_ns == (ROOT / "Makefile").stat().st_mtime_ns
    assert (tmp_path / "Makefile").read_bytes() == (ROOT / "Makefile").read_bytes()  # the working-tree version


def test_the_workspace_refuses_this_checkout(tmp_path):
    (tmp_path / "workspace.json").write_text(json.dumps({"sections": [], "venv": "/nowhere"}), encoding="utf-8")
    (tmp_path / "project").symlink_to(ROOT)
    with pytest.raises(RuntimeError, match="not a copy"):
        bench._workspace(tmp_path)


def test_make_report_runs_with_this_venv_never_reinstalled_and_a_clean_environment(monkeypatch):
    venv = Path("/abs/venv")
    command = bench.make_report_command(venv, ["01_a", "02_b"])
    assert command[0] == "make" and "report" in command
    assert command[command.index("-o") + 1] == "/abs/venv/.installed"  # the Makefile's $(STAMP)
    assert "VENV=/abs/venv" in command and "SECTIONS=01_a 02_b" in command
    assert f"DATA={bench.SYNTHETIC_DATA}" in command
    monkeypatch.setenv("MAKEFLAGS", "-j4 -- DATA=mine.csv")
    monkeypatch.setenv("MAKELEVEL", "1")
    monkeypatch.setenv("DATA", "data/raw/patients.csv")
    monkeypatch.setenv("LANG_REPORT", "tr")
    env = bench.make_env()
    assert not {"MAKEFLAGS", "MAKELEVEL", "DATA", "LANG_REPORT"} & env.keys()
    assert env["PATH"] == os.environ["PATH"]


def test_report_sections_are_the_makefiles_and_unknown_ones_are_refused():
    found = sorted(p.stem for p in ROOT.glob("notebooks/0*_*.ipynb") if not p.name.startswith("00_"))
    assert bench.report_sections() == found and len(found) >= 1 and "00_start_here" not in found
    assert bench.report_sections(f" {found[-1]} ") == [found[-1]]
    with pytest.raises(ValueError, match="no notebooks/99_nothing.ipynb"):
        bench.report_sections("99_nothing")


def test_timed_reports_the_failing_commands_output():
    ok = bench.timed(["true"], ROOT)
    assert ok["seconds"] > 0 and ok["step_peak_mb"] > 0
    with pytest.raises(RuntimeError, match=r"(?s)exit 3.*went wrong"):
        bench.timed(["sh", "-c", "echo went wrong; exit 3"], ROOT)


def fake(name: str, size: int, seconds: float, **extra) -> dict:
    return {"benchmark": name, "size": size, "seconds": seconds, "step_peak_mb": 10.0, "process_peak_mb": 20.0,
            **extra}


@pytest.mark.parametrize("cold, met", [(12.0, True), (13.0, False)])
def test_the_report_goal_is_cold_over_the_cli_floor_at_most_1_25(cold, met):
    results = [fake("report_cold", 4, cold, all_written=True), fake("report_floor_cli", 4, 10.0),
               fake("report_floor_inprocess", 4, 4.0), fake("report_noop", 4, 0.2, rebuilt_nothing=True),
               fake("make_noop_floor", 4, 0.01)]
    rows = bench.ratios(results)
    assert {(r["benchmark"], r["baseline"]) for r in rows} == {
        ("report_cold", "report_floor_cli"), ("report_cold", "report_floor_inprocess"),
        ("report_noop", "make_noop_floor")}
    goals = {g["measure"]: g for g in bench.goals(results, rows, REPORT_BENCHMARKS)
             if g["benchmark"] == "report_cold"}
    assert goals["ratio:report_floor_cli"]["value"] == pytest.approx(cold / 10.0)
    assert goals["ratio:report_floor_cli"]["met"] is met and goals["ratio:report_floor_cli"]["size"] == 4
    assert goals["ratio:report_floor_inprocess"]["value"] == pytest.approx(cold / 4.0)
    assert goals["ratio:report_floor_inprocess"]["met"] is None  # recorded, no goal
    assert goals["all_written"]["met"] is True


def test_goals_of_groups_not_run_are_left_out_and_unmeasured_ones_say_so():
    rows = bench.goals([fake("report_noop", 4, 1.5, rebuilt_nothing=False)], [], {"report_noop", "report_cold"})
    assert {g["benchmark"] for g in rows} == {"report_noop", "report_cold"}
    by_measure = {(g["benchmark"], g["measure"]): g for g in rows}
    assert by_measure["report_noop", "seconds"]["met"] is False
    assert by_measure["report_noop", "rebuilt_nothing"]["met"] is False
    assert by_measure["report_cold", "ratio:report_floor_cli"]["value"] is None


def test_a_partial_run_writes_beside_the_full_results():
    known = ["km", "report", "tables"]
    assert bench.default_out(known, known) == bench.DEFAULT_OUT
    assert bench.default_out(["report"], known).name == "bench-report.json"
    assert bench.default_out(["tables", "km"], known).name == "bench-km-tables.json"


def test_an_unknown_group_or_section_is_an_error_before_anything_runs(tmp_path):
    out = tmp_path / "x.json"
    for options, message in ((["--groups", "report,nope"], "unknown group 'nope'"),
                             (["--groups", "report", "--sections", "99_nothing"], "no notebooks/99_nothing.ipynb")):
        done = subprocess.run([sys.executable, str(SCRIPT), *options, "--out", str(out)],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert done.returncode == 2 and message in done.stderr
        assert not out.exists()
