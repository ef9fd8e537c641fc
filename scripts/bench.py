#!/usr/bin/env python
"""Benchmarks of lm-analysis at registry scale (``make bench``), not timed unit tests.

Every figure is measured in a fresh subprocess (so runs do not pollute each other's memory)
on a synthetic cohort made by :func:`lmlib.scale.generate_large` and stored as Parquet parts,
and printed as a ratio against a baseline measured in the same run on the same data:

* ``tables_lmlib``: Table 1 and Table 2 statistics from aggregates (:func:`lmlib.scale.aggregate`
  over the loaded frame, then :func:`lmlib.tables.table1`/``table2`` of the counts), against
  ``tables_tableone`` (tableone's Table 1 of 14 variables, categorical ones declared; up to
  ``--tableone-max``) and ``counting_floor`` (pandas ``value_counts`` of every column the
  tables read: the least work a table can take);
* ``tables_rows``: lmlib's tables straight from the rows (the row path), checked equal to the
  aggregate path (up to ``--rows-max``);
* ``km_lmlib``: Kaplan–Meier with both median conventions (SPSS and Brookmeyer–Crowley / R)
  and SPSS's mean from (time, event, count) counts, checked equal to the raw-row fit to the
  bit, against ``km_lifelines`` (``KaplanMeierFitter.fit`` on the raw rows, its median and the
  median's CI) and ``km_rows`` (lmlib's fit on the raw rows);
* ``tables_dask`` (``--dask``): the same aggregates from the Parquet folder on a local Dask
  cluster of two worker processes, checked equal to the pandas path;
* the ``report`` group, not per cohort size but at one "size", N = the number of sections (every
  ``notebooks/0*_*.ipynb``, or ``--sections``), in a throwaway copy of the project (the files git
  sees in the working tree, uncommitted versions included; this checkout's venv, never
  reinstalled: ``make -o <venv>/.installed``; the user's reports/ is never touched):
  ``report_cold`` (``make report`` with reports/ and data/processed/ emptied first) against
  ``report_floor_cli`` (N trivial notebooks, ``x = 1`` then ``x + 1``, one after another through
  the ``papermill`` and ``jupyter nbconvert --to html --no-input`` commands: the issue's floor)
  and ``report_floor_inprocess`` (the same N notebooks in one Python process, a thread each, up
  to one per CPU: papermill.execute_notebook and nbconvert's HTMLExporter, the strictest floor);
  ``report_noop`` (``make report`` again with nothing changed, checked to rewrite no file)
  against ``make_noop_floor`` (make reading a one-target makefile whose target is up to date).

Time is wall time of the step alone (data already loaded); memory is the peak resident set
of the step above what the process held before it (``/proc/self/clear_refs`` resets the
peak), and the whole measuring process's peak (``os.wait4``). The report group times whole
commands instead (wall time from start to exit, Python start-up and imports included; memory:
the largest single process of the command's tree, ``os.wait4``). With ``--repeat`` every figure
is the fastest (minimum) of that many runs. Results go to a JSON file
(default ``bench/results/bench.json``, git-ignored). A benchmark is a function registered
with :func:`benchmark`; add more the same way.

Usage: python scripts/bench.py [--sizes 1e5,1e6,1e7] [--tableone-max 1e6] [--quick] [--dask]
                              [--groups tables,km,report] [--sections 01_descriptive,...] [--repeat 3]
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
import datetime as dt
import gc
import json
import os
from pathlib import Path
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "results" / "bench.json"
SEED = 20180427
ROWS_PER_PART = 1_000_000
WARMUP_ROWS = 1000  # each step first runs untimed on this many rows
TABLEONE_CATEGORICAL = ["sex", "primary_site", "histology", "symptoms_headache", "symptoms_altered_consciousness",
                        "symptoms_nausea_vomiting", "symptoms_focal_deficit", "symptoms_general_deterioration",
                        "symptoms_seizure", "treatment", "vital_status", "lost_to_follow_up"]
TABLEONE_CONTINUOUS = ["age", "survival_days"]
KM_COLUMNS = ["survival_days", "death"]
SECTIONS_GLOB = "notebooks/0*_*.ipynb"  # the report's sections, as the Makefile's SECTIONS
SYNTHETIC_DATA = "data/synthetic/synthetic_lm_cohort.csv"  # relative to the project (copy)
KERNEL = "python3"  # the kernel of the trivial notebooks (the venv's own, as the sections')
# Variables of the calling make (`make bench`: its flags, jobserver, command-line overrides) and
# report settings of the shell that would change what `make report` builds in the copy.
MAKE_ENVIRONMENT = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS", "VENV", "PYTHON",
                    "INSTALLER", "DATA", "DATA_CUT", "LANG_REPORT", "DECIMALS", "SUPPRESS_BELOW", "SCREENING",
                    "SECTIONS", "REPORT_JOBS"}
# Linux carries a process's peak across fork and exec, so a small command's figure is at least
# the RSS of the Python process that started it (about 20 MB).
PEAK_METHOD = "largest process of the command's tree (os.wait4 ru_maxrss; at least the starting process's RSS)"
FLOOR_MAKEFILE = """# The least a make call costs: read a makefile, find its one target up to date, run nothing.
MAKEFLAGS += --no-builtin-rules
up-to-date: ;
"""
# (benchmark, size, what, comparison, limit, text). Size None: the benchmark's one size (the
# report group's N sections). "speedup:B" is B's seconds / ours, "ratio:B" ours / B's; a
# comparison of None records the value with no goal.
GOALS = [
    ("tables_lmlib", 10**6, "speedup:tables_tableone", ">=", 100, "Tables 1+2 at 1e6: >= 100x faster than tableone"),
    ("tables_lmlib", 10**7, "seconds", "<=", 3.0, "Tables 1+2 at 1e7: within 3 s"),
    ("tables_lmlib", 10**7, "process_peak_mb", "<=", 2048, "Tables 1+2 at 1e7: within 2 GB (whole process)"),
    ("km_lmlib", 10**7, "seconds", "<=", 0.3, "KM, both medians, at 1e7: <= 0.3 s"),
    ("km_lmlib", 10**7, "equal_to_raw", "==", True, "KM from counts equals the raw-row fit to the bit"),
    ("report_cold", None, "ratio:report_floor_cli", "<=", 1.25,
     "make report (cold) <= 1.25x N trivial notebooks through the papermill and nbconvert commands"),
    ("report_cold", None, "ratio:report_floor_inprocess", None, None,
     "make report (cold) / N trivial notebooks in one process, a thread each"),
    ("report_cold", None, "all_written", "==", True, "make report (cold) wrote every section and the index"),
    ("report_noop", None, "seconds", "<=", 1.0, "make report with nothing changed: <= 1 s"),
    ("report_noop", None, "rebuilt_nothing", "==", True, "make report with nothing changed rewrites no file"),
]


# ------------------------------------------------------------------------------ registry

@dataclass(frozen=True)
class Benchmark:
    name: str
    run: Callable[[Path, int], dict]
    group: str
    baselines: tuple[str, ...] = ()
    limit: str | None = None  # name of the argparse option capping the sizes ("tableone_max")
    optional: bool = False  # only with --dask and the like
    description: str = ""
    sized: bool = True  # run at every cohort size; False: once, in the report workspace (size: N sections)


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, group: str, *, baselines: tuple[str, ...] = (), limit: str | None = None,
              optional: bool = False, sized: bool = True):
    """Register ``func(data_folder, size) -> dict`` as a benchmark. The dict holds at least
    ``seconds`` (of the measured step, see :func:`measure`) and ``step_peak_mb``, and may hold
    checks and notes. ``sized=False``: not run per cohort size but once, with ``data_folder``
    the report workspace (:func:`prepare_report`) and ``size`` its number of sections."""
    def register(func):
        BENCHMARKS[name] = Benchmark(name, func, group, baselines, limit, optional, (func.__doc__ or "").strip(),
                                     sized)
        return func
    return register


# ------------------------------------------------------------------------------ measuring

def _status(key: str) -> int:
    """A VmRSS/VmHWM value of this process, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def measure(step: Callable[[], object], warmup: Callable[[], object] | None = None) -> tuple[object, dict]:
    """Run ``step`` once: (its result, {seconds, step_peak_mb, peak_method}). ``warmup`` (the
    same work on the first rows) runs before, untimed, so one-off costs (lazy imports, first
    calls) are not counted as work per patient."""
    if warmup is not None:
        warmup()
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        method = "VmHWM after clear_refs"
    except OSError:
        method = "VmHWM (not reset: step peak is a lower bound)"
    before = _status("VmRSS")
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    peak = _status("VmHWM")
    return result, {"seconds": seconds, "step_peak_mb": max(peak - before, 0) / 2**20, "peak_method": method}


def _load(folder: Path, columns: list[str] | None = None):
    from lmlib.scale import read_parquet_parts

    start = time.perf_counter()
    frame = read_parquet_parts(folder, columns)
    return frame, time.perf_counter() - start


# ------------------------------------------------------------------------------ benchmarks

@benchmark("tables_lmlib", "tables", baselines=("tables_tableone", "counting_floor"))
def tables_lmlib(folder: Path, size: int) -> dict:
    """lmlib Tables 1 and 2 from aggregates (aggregate + layout), data in memory."""
    from lmlib import scale, tables

    plan = scale.make_plan()
    frame, load = _load(folder, plan.columns)

    def step(rows=frame):
        counts = scale.aggregate(rows, plan=plan)
        return tables.table1(counts), tables.table2(counts)

    (t1, t2), out = measure(step, lambda: step(frame.iloc[:WARMUP_ROWS]))
    age = t1[t1["item"] == "age"].iloc[0]
    return {**out, "load_seconds": load, "rows": int(len(t1) + len(t2)),
            "note": age["shapiro_note"] if isinstance(age["shapiro_note"], str) else None}


@benchmark("tables_rows", "tables", baselines=("tables_lmlib",), limit="rows_max")
def tables_rows(folder: Path, size: int) -> dict:
    """lmlib Tables 1 and 2 from the rows (the row path), checked equal to the aggregate path."""
    import pandas as pd

    from lmlib import scale, tables

    plan = scale.make_plan()
    frame, load = _load(folder, plan.columns)
    (t1, t2), out = measure(lambda: (tables.table1(frame), tables.table2(frame)),
                            lambda: (tables.table1(frame.iloc[:WARMUP_ROWS]), tables.table2(frame.iloc[:WARMUP_ROWS])))
    counts = scale.aggregate(frame, plan=plan)
    try:
        pd.testing.assert_frame_equal(t1, tables.table1(counts), check_exact=True)
        pd.testing.assert_frame_equal(t2, tables.table2(counts), check_exact=True)
        equal = True
    except AssertionError:
        equal = False
    return {**out, "load_seconds": load, "equal_to_aggregates": equal}


@benchmark("tables_tableone", "tables", limit="tableone_max")
def tables_tableone(folder: Path, size: int) -> dict:
    """tableone's Table 1 of 14 variables (12 categorical declared, 2 continuous)."""
    import warnings

    import tableone

    frame, load = _load(folder, TABLEONE_CONTINUOUS + TABLEONE_CATEGORICAL)
    for col in TABLEONE_CATEGORICAL:  # plain categoricals (tableone does not take nullable booleans)
        frame[col] = frame[col].astype(object).where(frame[col].notna()).astype("category")
    columns = TABLEONE_CONTINUOUS + TABLEONE_CATEGORICAL

    def step(rows=frame):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tableone.TableOne(rows, columns=columns, categorical=TABLEONE_CATEGORICAL,
                                     continuous=TABLEONE_CONTINUOUS, pval=False)

    _, out = measure(step, lambda: step(frame.iloc[:WARMUP_ROWS]))
    return {**out, "load_seconds": load, "variables": len(columns), "version": tableone.__version__}


@benchmark("counting_floor", "tables")
def counting_floor(folder: Path, size: int) -> dict:
    """pandas value_counts(dropna=False) of every column the tables read (a floor, not a table)."""
    from lmlib import scale

    columns = [c for c in scale.make_plan().columns if c not in KM_COLUMNS]
    frame, load = _load(folder, columns)
    _, out = measure(lambda: [frame[c].value_counts(dropna=False) for c in columns],
                     lambda: [frame[c].iloc[:WARMUP_ROWS].value_counts(dropna=False) for c in columns])
    return {**out, "load_seconds": load, "columns": len(columns)}


def _km_arrays(folder: Path):
    import numpy as np

    frame, load = _load(folder, KM_COLUMNS)
    keep = frame["survival_days"].notna() & frame["death"].notna()
    durations = frame.loc[keep, "survival_days"].to_numpy(dtype=float)
    events = frame.loc[keep, "death"].to_numpy(dtype=bool)
    return np.ascontiguousarray(durations), np.ascontiguousarray(events), load


@benchmark("km_lmlib", "km", baselines=("km_lifelines", "km_rows"))
def km_lmlib(folder: Path, size: int) -> dict:
    """lmlib KM (both median conventions, SPSS mean) from (time, event, count) counts, incl. counting."""
    import numpy as np

    from lmlib.scale import km_counts, km_steps_from_counts, summary_from_counts
    from lmlib.survival.steps import km_steps
    from lmlib.survival.summary import summary_row

    durations, events, load = _km_arrays(folder)

    def step(t=durations, e=events):
        counts, _ = km_counts(t, e)
        return counts, summary_from_counts(counts)

    (counts, summary), out = measure(step, lambda: step(durations[:WARMUP_ROWS], events[:WARMUP_ROWS]))
    raw = summary_row(durations, events)
    same_summary = all(np.array_equal([summary[k]], [raw[k]], equal_nan=True) for k in raw)
    a, b = km_steps_from_counts(counts), km_steps(durations, events)
    same_steps = all(np.array_equal(a[c].to_numpy(), b[c].to_numpy()) for c in a.columns)
    return {**out, "load_seconds": load, "distinct_times": int(counts["time"].nunique()),
            "equal_to_raw": bool(same_summary and same_steps), "median_days": summary["median"],
            "median_r_days": summary["median_r"]}


@benchmark("km_rows", "km")
def km_rows(folder: Path, size: int) -> dict:
    """lmlib KM (both median conventions, SPSS mean) fitted on the raw rows."""
    from lmlib.survival.summary import summary_row

    durations, events, load = _km_arrays(folder)
    _, out = measure(lambda: summary_row(durations, events),
                     lambda: summary_row(durations[:WARMUP_ROWS], events[:WARMUP_ROWS]))
    return {**out, "load_seconds": load}


@benchmark("km_lifelines", "km")
def km_lifelines(folder: Path, size: int) -> dict:
    """lifelines KaplanMeierFitter.fit on the raw rows, its median and the median's CI."""
    import warnings

    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    durations, events, load = _km_arrays(folder)

    def step(t=durations, e=events):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kmf = KaplanMeierFitter().fit(t, e)
            return kmf.median_survival_time_, median_survival_times(kmf.confidence_interval_)

    (median, _), out = measure(step, lambda: step(durations[:WARMUP_ROWS], events[:WARMUP_ROWS]))
    return {**out, "load_seconds": load, "median_days": float(median)}


@benchmark("tables_dask", "tables", baselines=("tables_lmlib",), optional=True)
def tables_dask(folder: Path, size: int) -> dict:
    """Tables 1 and 2 from the Parquet folder on a local Dask cluster (2 worker processes)."""
    from distributed import Client, LocalCluster

    from lmlib import scale, tables

    plan = scale.make_plan()
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: __import__("lmlib.scale"))  # workers import lmlib before the clock starts

        def step():
            counts = scale.aggregate_parquet(folder, client, plan=plan)
            return counts, tables.table1(counts), tables.table2(counts)

        (counts, t1, t2), out = measure(step)
    # the pandas path, file by file (merged chunks equal the whole frame's counts: tests/test_scale.py)
    parts = sorted(Path(folder).glob("*.parquet"))
    pandas_counts = scale.merge(*(scale.aggregate_chunk(scale.read_parquet_parts(p, plan.columns), plan)
                                  for p in parts))
    return {**out, "equal_to_pandas": bool(counts.equals(pandas_counts)), "parts": len(parts),
            "note": "tables_dask: time includes reading the Parquet files; memory is the client process's, "
                    "not the workers'"}


# ------------------------------------------------------------------------------ report workspace

def venv_dir() -> Path:
    """The virtual environment running this script (``make bench``'s $(VENV)), as an absolute
    path; this checkout's .venv when not run from one."""
    return Path(sys.prefix).absolute() if sys.prefix != sys.base_prefix else ROOT / ".venv"


def report_sections(names: str = "", root: Path = ROOT) -> list[str]:
    """The sections ``make report`` builds, by notebook name: every notebooks/0*_*.ipynb, or the
    comma-separated ``names`` among them (ValueError for an unknown one)."""
    found = sorted(p.stem for p in root.glob(SECTIONS_GLOB))
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise ValueError(f"no notebooks/{unknown[0]}.ipynb among the sections ({', '.join(found)})")
    return wanted or found


def project_files(root: Path = ROOT) -> list[str]:
    """The project's files as git sees its working tree: the tracked ones that exist (their
    uncommitted versions) and the untracked ones that are not ignored (no .venv, reports/,
    data/processed outputs or caches). Paths relative to ``root``."""
    done = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the report benchmarks copy the project with git ls-files: {done.stderr.strip()}")
    names = dict.fromkeys(n for n in done.stdout.split("\0") if n)
    return [n for n in names if (root / n).is_file()]


def copy_project(target: Path, root: Path = ROOT) -> int:
    """Copy :func:`project_files` to ``target`` with their modification times (Make compares
    those); returns the number of files copied."""
    files = project_files(root)
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target / name, follow_symlinks=False)
    return len(files)


def trivial_notebook() -> dict:
    """A trivial notebook (nbformat 4.5): a cell tagged ``parameters`` (``x = 1``) and a code
    cell ``x + 1``, kernel python3."""
    def cell(number: int, source: str, tags: list[str]) -> dict:
        return {"cell_type": "code", "execution_count": None, "id": f"cell-{number}",
                "metadata": {"tags": tags} if tags else {}, "outputs": [], "source": source}

    return {"cells": [cell(0, "x = 1", ["parameters"]), cell(1, "x + 1", [])],
            "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                        "name": KERNEL},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def trivial_notebooks(folder: Path, size: int) -> list[Path]:
    """The first ``size`` trivial notebooks of the workspace ``folder``."""
    found = sorted((folder / "trivial").glob("in_*.ipynb"))[:size]
    if len(found) < size:
        raise RuntimeError(f"{folder}: {len(found)} trivial notebooks, {size} wanted")
    return found


def write_trivial_notebooks(folder: Path, count: int) -> list[Path]:
    """``folder``/trivial/in_01.ipynb ... in_<count>.ipynb."""
    (folder / "trivial").mkdir(parents=True, exist_ok=True)
    text = json.dumps(trivial_notebook(), indent=1) + "\n"
    paths = [folder / "trivial" / f"in_{i:02d}.ipynb" for i in range(1, count + 1)]
    for path in paths:
        path.write_text(text, encoding="utf-8")
    return paths


def prepare_report(folder: Path, sections: list[str]) -> dict:
    """The report workspace, untimed: ``folder``/project (:func:`copy_project`, lmlib byte-compiled
    as in a checkout that has run before), N trivial notebooks, the make floor's makefile and
    ``workspace.json`` (the sections and the venv). Returns {copy_seconds, files, sections}."""
    start = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    project = folder / "project"
    if project.exists():
        shutil.rmtree(project)
    files = copy_project(project)
    venv = venv_dir()
    compiled = subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(project / "lmlib")],
                              capture_output=True, text=True)
    if compiled.returncode != 0:
        raise RuntimeError(f"compileall failed: {compiled.stdout[-2000:]}{compiled.stderr[-2000:]}")
    write_trivial_notebooks(folder, len(sections))
    (folder / "floor.mk").write_text(FLOOR_MAKEFILE, encoding="utf-8")
    (folder / "up-to-date").touch()
    (folder / "workspace.json").write_text(json.dumps({"sections": sections, "venv": str(venv)}) + "\n",
                                           encoding="utf-8")
    return {"copy_seconds": time.perf_counter() - start, "files": files, "sections": sections,
            "venv": str(venv)}


def _workspace(folder: Path) -> tuple[Path, list[str], Path]:
    """(the project copy, its sections, the venv) of the workspace ``folder``; refuses to work
    on this checkout itself."""
    info = json.loads((folder / "workspace.json").read_text(encoding="utf-8"))
    project = (folder / "project").resolve()
    if project == ROOT or not (project / "Makefile").is_file():
        raise RuntimeError(f"{project} is not a copy of the project")
    return project, info["sections"], Path(info["venv"])


def make_env() -> dict:
    """This process's environment without :data:`MAKE_ENVIRONMENT`: `make report` in the copy
    builds the synthetic cohort with the Makefile's defaults, whatever called this script."""
    return {k: v for k, v in os.environ.items() if k not in MAKE_ENVIRONMENT}


def make_report_command(venv: Path, sections: list[str]) -> list[str]:
    """``make report`` on the synthetic cohort with ``venv`` (``-o``: its install stamp counts
    as up to date, so the venv is never re-synced)."""
    return ["make", "--no-print-directory", f"VENV={venv}", "-o", f"{venv}/.installed", "report",
            f"DATA={SYNTHETIC_DATA}", f"SECTIONS={' '.join(sections)}"]


def timed(command: list, cwd: Path, env: dict | None = None) -> dict:
    """Run ``command`` to its end: {seconds: wall time from start to exit, step_peak_mb: the
    largest single process of its tree (``os.wait4``'s ru_maxrss: the command and the children
    it waited for), peak_method}. RuntimeError (with the end of its output) if it fails."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        process = subprocess.Popen([str(c) for c in command], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            out.seek(0)
            raise RuntimeError(f"{' '.join(map(str, command))} failed (exit {process.returncode}):\n"
                               f"{out.read()[-3000:]}")
    return {"seconds": seconds, "step_peak_mb": usage.ru_maxrss / 1024, "peak_method": PEAK_METHOD}


def _empty_outputs(project: Path) -> None:
    """Empty the copy's reports/ and data/processed/ (as `make clean`, caches kept)."""
    shutil.rmtree(project / "reports", ignore_errors=True)
    processed = project / "data" / "processed"
    for path in processed.iterdir() if processed.is_dir() else []:
        if path.name not in (".gitkeep", "README.md"):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def _output_times(project: Path) -> dict[str, int]:
    """Modification time (ns) of every file under the copy's reports/ and data/processed/."""
    found = {}
    for folder in ("reports", "data/processed"):
        for path in (project / folder).rglob("*"):
            if path.is_file():
                found[path.relative_to(project).as_posix()] = path.stat().st_mtime_ns
    return found


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def run_trivial_inprocess(folder: Path, size: int) -> dict:
    """The in-process floor's work (run by ``--worker floor-inprocess`` in a fresh process):
    ``size`` trivial notebooks in min(size, CPUs) threads, each executed with
    papermill.execute_notebook and exported with HTMLExporter(exclude_input=True), the
    executed notebook and its HTML written to ``folder``/trivial/inprocess/."""
    from concurrent.futures import ThreadPoolExecutor

    import nbformat
    from nbconvert import HTMLExporter
    import papermill

    notebooks = trivial_notebooks(folder, size)
    out_dir = folder / "trivial" / "inprocess"
    out_dir.mkdir(parents=True, exist_ok=True)

    def run(notebook: Path) -> None:
        executed = papermill.execute_notebook(str(notebook), None, kernel_name=KERNEL, progress_bar=False,
                                              log_output=False)
        body, _ = HTMLExporter(exclude_input=True).from_notebook_node(executed)
        nbformat.write(executed, str(out_dir / notebook.name))
        (out_dir / f"{notebook.stem}.html").write_text(body, encoding="utf-8")

    threads = min(len(notebooks), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, notebooks))
    return {"notebooks": len(notebooks), "threads": threads}


# ------------------------------------------------------------------------------ report benchmarks

@benchmark("report_cold", "report", baselines=("report_floor_cli", "report_floor_inprocess"), sized=False)
def report_cold(folder: Path, size: int) -> dict:
    """`make report` (N sections + index, synthetic cohort) in the copy, reports/ and data/processed/ emptied first."""
    project, sections, venv = _workspace(folder)
    _empty_outputs(project)
    out = timed(make_report_command(venv, sections), project, make_env())
    written = {p.name for p in (project / "reports").glob("*.html")}
    return {**out, "sections": len(sections), "html_written": len(written),
            "all_written": written == {f"{s}.html" for s in sections} | {"index.html"}}


@benchmark("report_noop", "report", baselines=("make_noop_floor",), sized=False)
def report_noop(folder: Path, size: int) -> dict:
    """`make report` again in the project copy with nothing changed (built first, untimed, if it is not)."""
    project, sections, venv = _workspace(folder)
    command = make_report_command(venv, sections)
    built_first = not (project / "reports" / "index.html").is_file()
    if built_first:
        timed(command, project, make_env())
    before = _output_times(project)
    out = timed(command, project, make_env())
    return {**out, "rebuilt_nothing": bool(before) and _output_times(project) == before, "built_first": built_first}


@benchmark("make_noop_floor", "report", sized=False)
def make_noop_floor(folder: Path, size: int) -> dict:
    """make reading a one-target makefile whose target is up to date (the least a make call costs)."""
    return timed(["make", "--no-print-directory", "-f", "floor.mk", "up-to-date"], folder, make_env())


@benchmark("report_floor_cli", "report", sized=False)
def report_floor_cli(folder: Path, size: int) -> dict:
    """N trivial notebooks one by one: `papermill in.ipynb out.ipynb`, `jupyter nbconvert --to html --no-input`."""
    notebooks = trivial_notebooks(folder, size)
    out_dir = _fresh(folder / "trivial" / "cli")
    bin_dir = venv_dir() / "bin"
    peak = 0.0
    start = time.perf_counter()
    for notebook in notebooks:
        executed = out_dir / notebook.name
        for command in ([bin_dir / "papermill", notebook, executed],
                        [bin_dir / "jupyter", "nbconvert", "--to", "html", "--no-input", executed]):
            peak = max(peak, timed(command, folder)["step_peak_mb"])
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "step_peak_mb": peak, "peak_method": PEAK_METHOD,
            "notebooks": len(notebooks), "html_written": len(list(out_dir.glob("*.html")))}


@benchmark("report_floor_inprocess", "report", sized=False)
def report_floor_inprocess(folder: Path, size: int) -> dict:
    """N trivial notebooks in one fresh process, min(N, CPUs) threads: papermill + HTMLExporter(exclude_input)."""
    out_dir = _fresh(folder / "trivial" / "inprocess")
    out = timed([sys.executable, Path(__file__).resolve(), "--worker", "floor-inprocess", "--size", str(size),
                 "--data", folder], folder)
    return {**out, "notebooks": size, "threads": min(size, os.cpu_count() or 1),
            "html_written": len(list(out_dir.glob("*.html")))}


# ------------------------------------------------------------------------------ driver

def prepare(folder: Path, size: int) -> dict:
    """Generate ``size`` patients and write them as Parquet parts of ~1e6 rows."""
    from lmlib.scale import generate_large, write_parquet_parts

    start = time.perf_counter()
    frame = generate_large(size, SEED, ids=False)
    generated = time.perf_counter() - start
    parts = max(1, round(size / ROWS_PER_PART))
    write_parquet_parts(frame, folder, parts)
    return {"generate_seconds": generated, "write_seconds": time.perf_counter() - start - generated, "parts": parts}


def run_child(argv: list[str]) -> tuple[dict, float]:
    """Run this script with ``argv`` in a subprocess: (its JSON result, its peak RSS in MB, from
    ``os.wait4``'s resource usage of that one child)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *argv], stdout=out, stderr=err,
                                   text=True)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed (exit {process.returncode}):\n{stderr[-3000:]}")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]), usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def _child_main(args) -> None:
    folder, size = Path(args.data), int(args.size)
    if args.worker == "prepare":
        result = prepare(folder, size)
    elif args.worker == "floor-inprocess":
        result = run_trivial_inprocess(folder, size)
    else:
        result = BENCHMARKS[args.worker].run(folder, size)
    print(json.dumps(result, default=float))


def _sizes(text: str) -> list[int]:
    return [int(float(s)) for s in text.split(",") if s.strip()]


def _size_label(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"1e{exponent}" if n == 10**exponent else str(n)


def _sections_label(n: int) -> str:
    return f"{n} section{'s' if n != 1 else ''}"


def _label(result: dict) -> str:
    """A result's size as printed: patients (1e6) or, for the report group, sections (4 nb)."""
    return f"{result['size']} nb" if result.get("size_unit") == "sections" else _size_label(result["size"])


def _versions() -> dict:
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in ("lmlib", "numpy", "pandas", "pyarrow", "scipy", "lifelines", "statsmodels", "tableone",
                 "dask", "distributed"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _machine() -> dict:
    memory = None
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpus": os.cpu_count(), "memory_gb": memory, "platform": platform.platform(),
            "load_average_at_start": list(os.getloadavg())}


def _bytecode(venv: Path) -> dict:
    """Whether the Python processes of this run compile their imports anew each time: the
    PYTHONDONTWRITEBYTECODE and PYTHONPYCACHEPREFIX settings and how many of the venv's modules
    have bytecode beside them (uv installs none unless asked; Python writes it on first import
    unless PYTHONDONTWRITEBYTECODE is set). Compiling costs seconds per process."""
    modules = compiled = 0
    for site in (venv / "lib").glob("python*/site-packages"):
        for _, _, files in os.walk(site):
            modules += sum(f.endswith(".py") for f in files)
            compiled += sum(f.endswith(".pyc") for f in files)
    return {"PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
            "PYTHONPYCACHEPREFIX": os.environ.get("PYTHONPYCACHEPREFIX"),
            "venv_modules": modules, "venv_bytecode_files": compiled}


def _bytecode_note(facts: dict) -> str | None:
    """A warning when most of the venv's modules are compiled again by every process."""
    if facts["PYTHONPYCACHEPREFIX"] or not facts["PYTHONDONTWRITEBYTECODE"] or \
            facts["venv_bytecode_files"] >= facts["venv_modules"] / 2:
        return None
    return (f"PYTHONDONTWRITEBYTECODE is set and the venv has bytecode for {facts['venv_bytecode_files']} of "
            f"{facts['venv_modules']} modules: every Python process compiles its imports from source (seconds "
            "each), which these figures include; for the figures of a venv with bytecode, without changing it, run "
            "with PYTHONPYCACHEPREFIX=<a folder> and PYTHONDONTWRITEBYTECODE unset and --repeat 2 or more")


def ratios(results: list[dict]) -> list[dict]:
    """Every result against each of its baselines measured at the same size in this run."""
    by_key = {(r["benchmark"], r["size"]): r for r in results}
    out = []
    for r in results:
        for base in BENCHMARKS[r["benchmark"]].baselines:
            b = by_key.get((base, r["size"]))
            if b is None:
                continue
            out.append({"benchmark": r["benchmark"], "baseline": base, "size": r["size"],
                        "speedup": b["seconds"] / r["seconds"] if r["seconds"] else float("inf"),
                        "time_ratio": r["seconds"] / b["seconds"] if b["seconds"] else float("inf"),
                        "step_memory_ratio": (r["step_peak_mb"] / b["step_peak_mb"]) if b["step_peak_mb"] else None,
                        "process_memory_ratio": r["process_peak_mb"] / b["process_peak_mb"]})
    return out


def goals(results: list[dict], ratio_rows: list[dict], names=None) -> list[dict]:
    """:data:`GOALS` (those of the benchmarks ``names``, default all) against this run: value,
    met (None: not measured, or no goal: comparison None)."""
    by_key = {(r["benchmark"], r["size"]): r for r in results}
    pairs = {(r["benchmark"], r["baseline"], r["size"]): r for r in ratio_rows}
    only = {r["benchmark"]: r["size"] for r in results}  # size None: the benchmark's (one) size
    out = []
    for name, size, what, op, limit, text in GOALS:
        if names is not None and name not in names:
            continue
        size = only.get(name) if size is None else size
        kind, _, base = what.partition(":")
        if kind in ("speedup", "ratio") and base:
            value = pairs.get((name, base, size), {}).get("speedup" if kind == "speedup" else "time_ratio")
        else:
            value = by_key.get((name, size), {}).get(what)
        met = None if value is None or op is None else \
            {"<=": value <= limit, ">=": value >= limit, "==": value == limit}[op]
        out.append({"goal": text, "benchmark": name, "size": size, "measure": what, "value": value, "limit": limit,
                    "comparison": op, "met": met})
    return out


def _relative(row: dict) -> str:
    speed = row["speedup"]
    base = row["baseline"]
    text = f"{speed:.1f}x faster than {base}" if speed >= 1 else f"{1 / speed:.1f}x slower than {base}"
    if row["step_memory_ratio"]:
        text += f" ({row['step_memory_ratio']:.2f}x its step memory)"
    return text


CHECKS = ("equal_to_raw", "equal_to_aggregates", "equal_to_pandas", "all_written", "rebuilt_nothing")


def print_report(results: list[dict], ratio_rows: list[dict], goal_rows: list[dict], repeat: int = 1) -> None:
    print()
    print(f"seconds: the fastest (minimum) of {repeat} run{'s' if repeat != 1 else ''} per figure; "
          "size: patients, or sections (nb) for the report group")
    print(f"{'benchmark':<22} {'size':>5} {'seconds':>9} {'step MB':>9} {'proc MB':>9}  vs baseline (same run)")
    for r in results:
        rel = [x for x in ratio_rows if x["benchmark"] == r["benchmark"] and x["size"] == r["size"]]
        text = "; ".join(_relative(x) for x in rel)
        checks = [f"{k}={r[k]}" for k in CHECKS if k in r]
        print(f"{r['benchmark']:<22} {_label(r):>5} {r['seconds']:>9.3f} {r['step_peak_mb']:>9.1f} "
              f"{r['process_peak_mb']:>9.1f}  {text}{'  ' + ' '.join(checks) if checks else ''}")
    notes = sorted({r["note"] for r in results if r.get("note")})
    for note in notes:
        print(f"note: {note}")
    print()
    for g in goal_rows:
        state = "no goal" if g["comparison"] is None and g["value"] is not None else \
            {True: "met", False: "NOT met", None: "not measured"}[g["met"]]
        value = "-" if g["value"] is None else (f"{g['value']:.3g}" if isinstance(g["value"], float) else g["value"])
        print(f"goal: {g['goal']}: {value} ({state})")


def run_benchmark(bench: Benchmark, size: int, folder: Path, repeat: int, record: dict) -> None:
    """Measure ``bench`` at ``size`` ``repeat`` times, each in a fresh process, and add the
    fastest (minimum seconds) to ``record["results"]`` (or its failure to ``record["errors"]``)."""
    label = _size_label(size) if bench.sized else _sections_label(size)
    best = None
    try:
        for _ in range(max(1, repeat)):
            result, peak = run_child(["--worker", bench.name, "--size", str(size), "--data", str(folder)])
            result["process_peak_mb"] = peak
            if best is None or result["seconds"] < best["seconds"]:
                best = result
    except RuntimeError as error:  # one failing figure does not lose the others
        record["errors"].append({"benchmark": bench.name, "size": size, "error": str(error)[-2000:]})
        print(f"[{label}] {bench.name}: FAILED (see errors in the JSON)", flush=True)
        return
    unit = {"size_unit": "patients"} if bench.sized else {"size_unit": "sections"}
    best = {"benchmark": bench.name, "group": bench.group, "size": size, **unit, "repeats": repeat, **best}
    record["results"].append(best)
    print(f"[{label}] {bench.name}: {best['seconds']:.3f} s, "
          f"step {best['step_peak_mb']:.0f} MB, process {best['process_peak_mb']:.0f} MB", flush=True)


def run_sized(chosen: list[Benchmark], sizes: list[int], base: Path, args, limits: dict, record: dict) -> None:
    """The per-size benchmarks: a synthetic cohort of each size (Parquet parts), then each benchmark."""
    for size in sizes:
        folder = base / f"n{_size_label(size)}"
        print(f"[{_size_label(size)}] generating {size:,} patients ...", flush=True)
        made, _ = run_child(["--worker", "prepare", "--size", str(size), "--data", str(folder)])
        record["data"][str(size)] = made
        for bench in chosen:
            if bench.limit and size > limits[bench.limit]:
                continue
            run_benchmark(bench, size, folder, args.repeat, record)
        if not args.data_dir:
            shutil.rmtree(folder, ignore_errors=True)


def run_report(chosen: list[Benchmark], sections: list[str], base: Path, args, record: dict) -> None:
    """The report group, once, at N = len(sections): the workspace (:func:`prepare_report`),
    then each benchmark in registry order (report_cold before report_noop)."""
    folder = base / "report"
    label = _sections_label(len(sections))
    print(f"[{label}] copying the project, writing {len(sections)} trivial notebook(s) ...", flush=True)
    try:
        record["report"] = prepare_report(folder, sections)
    except (RuntimeError, OSError) as error:
        for bench in chosen:
            record["errors"].append({"benchmark": bench.name, "size": len(sections), "error": str(error)[-2000:]})
        print(f"[{label}] report workspace: FAILED ({error})", flush=True)
        return
    for bench in chosen:
        run_benchmark(bench, len(sections), folder, args.repeat, record)


def default_out(groups: list[str], known: list[str]) -> Path:
    """bench/results/bench.json for every group, bench-<group>-<group>.json for some."""
    if set(groups) >= set(known):
        return DEFAULT_OUT
    return DEFAULT_OUT.with_name(f"bench-{'-'.join(sorted(groups))}.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--sizes", default="1e5,1e6,1e7", help="cohort sizes, comma separated (default 1e5,1e6,1e7)")
    parser.add_argument("--tableone-max", default="1e6", help="largest size tableone runs at (default 1e6)")
    parser.add_argument("--rows-max", default="1e6", help="largest size of lmlib's row path (default 1e6)")
    parser.add_argument("--out", default=None,
                        help="JSON results (default bench/results/bench.json; with --groups naming some groups "
                             "only, bench-<groups>.json beside it, so a partial run keeps the full one)")
    parser.add_argument("--quick", action="store_true", help="1e5 only (CI smoke run)")
    parser.add_argument("--dask", action="store_true", help="also time the Dask path (local cluster, 2 workers)")
    parser.add_argument("--groups", default="",
                        help="benchmark groups to run, comma separated: tables, km, report (default all)")
    parser.add_argument("--only", default="", help="benchmarks to run, comma separated (default all)")
    parser.add_argument("--sections", default="",
                        help="report group: the sections make report builds, comma separated notebook names "
                             "(default every notebooks/0*_*.ipynb)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="measure each figure this many times, keep the fastest (default 3; 1 with --quick)")
    parser.add_argument("--data-dir", default=None,
                        help="keep the generated Parquet and the report workspace here (default a temporary dir)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _child_main(args)
        return 0

    known = sorted({b.group for b in BENCHMARKS.values()})
    groups = [g.strip() for g in args.groups.split(",") if g.strip()] or known
    if set(groups) - set(known):
        parser.error(f"unknown group {sorted(set(groups) - set(known))[0]!r} (groups: {', '.join(known)})")
    sizes = [10**5] if args.quick else _sizes(args.sizes)
    if args.quick:
        args.repeat = 1
    limits = {"tableone_max": int(float(args.tableone_max)), "rows_max": int(float(args.rows_max))}
    only = [n for n in args.only.split(",") if n]
    chosen = [b for b in BENCHMARKS.values() if b.group in groups and (not only or b.name in only)
              and (not b.optional or args.dask or b.name in only)]
    sized = [b for b in chosen if b.sized]
    unsized = [b for b in chosen if not b.sized]
    try:
        sections = report_sections(args.sections) if unsized else []
    except ValueError as error:
        parser.error(str(error))
    base = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="lm-bench-"))
    command = "python scripts/bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    record = {"schema": 1, "command": command.strip(),
              "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "machine": _machine(), "versions": _versions(), "groups": groups, "sizes": sizes if sized else [],
              "limits": limits, "seed": SEED, "repeat": args.repeat, "statistic": "minimum (fastest of --repeat runs)",
              "data": {}, "results": [], "errors": []}
    record["machine"]["bytecode"] = _bytecode(venv_dir())
    try:
        if sized:
            run_sized(sized, sizes, base, args, limits, record)
        if unsized:
            run_report(unsized, sections, base, args, record)
    finally:
        if not args.data_dir:
            shutil.rmtree(base, ignore_errors=True)
    record["ratios"] = ratios(record["results"])
    record["goals"] = goals(record["results"], record["ratios"], {b.name for b in chosen})
    record["machine"]["load_average_at_end"] = list(os.getloadavg())
    print_report(record["results"], record["ratios"], record["goals"], args.repeat)
    note = _bytecode_note(record["machine"]["bytecode"])
    if note:
        print(f"note: {note}")
    for error in record["errors"]:
        last = error["error"].strip().splitlines()[-1] if error["error"].strip() else ""
        print(f"error: {error['benchmark']} at {_size_label(error['size'])}: {last}")
    out = Path(args.out) if args.out else default_out(groups, known)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2, default=float) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 1 if record["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
