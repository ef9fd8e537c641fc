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
  cluster of two worker processes, checked equal to the pandas path.

Time is wall time of the step alone (data already loaded); memory is the peak resident set
of the step above what the process held before it (``/proc/self/clear_refs`` resets the
peak), and the whole measuring process's peak (``os.wait4``). Results go to a JSON file
(default ``bench/results/bench.json``, git-ignored). A benchmark is a function registered
with :func:`benchmark`; add more the same way.

Usage: python scripts/bench.py [--sizes 1e5,1e6,1e7] [--tableone-max 1e6] [--quick] [--dask]
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
GOALS = [  # (benchmark, size, what, comparison, limit, text)
    ("tables_lmlib", 10**6, "speedup:tables_tableone", ">=", 100, "Tables 1+2 at 1e6: >= 100x faster than tableone"),
    ("tables_lmlib", 10**7, "seconds", "<=", 3.0, "Tables 1+2 at 1e7: within 3 s"),
    ("tables_lmlib", 10**7, "process_peak_mb", "<=", 2048, "Tables 1+2 at 1e7: within 2 GB (whole process)"),
    ("km_lmlib", 10**7, "seconds", "<=", 0.3, "KM, both medians, at 1e7: <= 0.3 s"),
    ("km_lmlib", 10**7, "equal_to_raw", "==", True, "KM from counts equals the raw-row fit to the bit"),
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


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, group: str, *, baselines: tuple[str, ...] = (), limit: str | None = None,
              optional: bool = False):
    """Register ``func(data_folder, size) -> dict`` as a benchmark. The dict holds at least
    ``seconds`` (of the measured step, see :func:`measure`) and may hold checks and notes."""
    def register(func):
        BENCHMARKS[name] = Benchmark(name, func, group, baselines, limit, optional, (func.__doc__ or "").strip())
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
    result = prepare(folder, size) if args.worker == "prepare" else BENCHMARKS[args.worker].run(folder, size)
    print(json.dumps(result, default=float))


def _sizes(text: str) -> list[int]:
    return [int(float(s)) for s in text.split(",") if s.strip()]


def _size_label(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"1e{exponent}" if n == 10**exponent else str(n)


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
                        "step_memory_ratio": (r["step_peak_mb"] / b["step_peak_mb"]) if b["step_peak_mb"] else None,
                        "process_memory_ratio": r["process_peak_mb"] / b["process_peak_mb"]})
    return out


def goals(results: list[dict], ratio_rows: list[dict]) -> list[dict]:
    by_key = {(r["benchmark"], r["size"]): r for r in results}
    speed = {(r["benchmark"], r["baseline"], r["size"]): r["speedup"] for r in ratio_rows}
    out = []
    for name, size, what, op, limit, text in GOALS:
        if what.startswith("speedup:"):
            value = speed.get((name, what.split(":", 1)[1], size))
        else:
            value = by_key.get((name, size), {}).get(what)
        met = None if value is None else {"<=": value <= limit, ">=": value >= limit, "==": value == limit}[op]
        out.append({"goal": text, "benchmark": name, "size": size, "measure": what, "value": value, "limit": limit,
                    "met": met})
    return out


def _relative(row: dict) -> str:
    speed = row["speedup"]
    base = row["baseline"]
    text = f"{speed:.1f}x faster than {base}" if speed >= 1 else f"{1 / speed:.1f}x slower than {base}"
    if row["step_memory_ratio"]:
        text += f" ({row['step_memory_ratio']:.2f}x its step memory)"
    return text


def print_report(results: list[dict], ratio_rows: list[dict], goal_rows: list[dict]) -> None:
    print()
    print(f"{'benchmark':<16} {'size':>5} {'seconds':>9} {'step MB':>9} {'proc MB':>9}  vs baseline (same run)")
    for r in results:
        rel = [x for x in ratio_rows if x["benchmark"] == r["benchmark"] and x["size"] == r["size"]]
        text = "; ".join(_relative(x) for x in rel)
        checks = [f"{k}={r[k]}" for k in ("equal_to_raw", "equal_to_aggregates", "equal_to_pandas") if k in r]
        print(f"{r['benchmark']:<16} {_size_label(r['size']):>5} {r['seconds']:>9.3f} {r['step_peak_mb']:>9.1f} "
              f"{r['process_peak_mb']:>9.1f}  {text}{'  ' + ' '.join(checks) if checks else ''}")
    notes = sorted({r["note"] for r in results if r.get("note")})
    for note in notes:
        print(f"note: {note}")
    print()
    for g in goal_rows:
        state = {True: "met", False: "NOT met", None: "not measured"}[g["met"]]
        value = "-" if g["value"] is None else (f"{g['value']:.3g}" if isinstance(g["value"], float) else g["value"])
        print(f"goal: {g['goal']}: {value} ({state})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--sizes", default="1e5,1e6,1e7", help="cohort sizes, comma separated (default 1e5,1e6,1e7)")
    parser.add_argument("--tableone-max", default="1e6", help="largest size tableone runs at (default 1e6)")
    parser.add_argument("--rows-max", default="1e6", help="largest size of lmlib's row path (default 1e6)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="JSON results (default bench/results/bench.json)")
    parser.add_argument("--quick", action="store_true", help="1e5 only (CI smoke run)")
    parser.add_argument("--dask", action="store_true", help="also time the Dask path (local cluster, 2 workers)")
    parser.add_argument("--only", default="", help="benchmarks to run, comma separated (default all)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="measure each figure this many times, keep the fastest (default 3; 1 with --quick)")
    parser.add_argument("--data-dir", default=None, help="keep the generated Parquet here (default a temporary dir)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _child_main(args)
        return 0

    sizes = [10**5] if args.quick else _sizes(args.sizes)
    if args.quick:
        args.repeat = 1
    limits = {"tableone_max": int(float(args.tableone_max)), "rows_max": int(float(args.rows_max))}
    chosen = [b for b in BENCHMARKS.values() if (not args.only or b.name in args.only.split(","))
              and (not b.optional or args.dask or b.name in args.only.split(","))]
    base = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="lm-bench-"))
    command = "python scripts/bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    record = {"schema": 1, "command": command.strip(),
              "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "machine": _machine(), "versions": _versions(), "sizes": sizes, "limits": limits,
              "seed": SEED, "data": {}, "results": [], "errors": []}
    try:
        for size in sizes:
            folder = base / f"n{_size_label(size)}"
            print(f"[{_size_label(size)}] generating {size:,} patients ...", flush=True)
            made, _ = run_child(["--worker", "prepare", "--size", str(size), "--data", str(folder)])
            record["data"][str(size)] = made
            for bench in chosen:
                if bench.limit and size > limits[bench.limit]:
                    continue
                best = None
                try:
                    for _ in range(max(1, args.repeat)):
                        result, peak = run_child(["--worker", bench.name, "--size", str(size), "--data", str(folder)])
                        result["process_peak_mb"] = peak
                        if best is None or result["seconds"] < best["seconds"]:
                            best = result
                except RuntimeError as error:  # one failing figure does not lose the others
                    record["errors"].append({"benchmark": bench.name, "size": size, "error": str(error)[-2000:]})
                    print(f"[{_size_label(size)}] {bench.name}: FAILED (see errors in the JSON)", flush=True)
                    continue
                best = {"benchmark": bench.name, "group": bench.group, "size": size, "repeats": args.repeat, **best}
                record["results"].append(best)
                print(f"[{_size_label(size)}] {bench.name}: {best['seconds']:.3f} s, "
                      f"step {best['step_peak_mb']:.0f} MB, process {best['process_peak_mb']:.0f} MB", flush=True)
            if not args.data_dir:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.data_dir:
            shutil.rmtree(base, ignore_errors=True)
    record["ratios"] = ratios(record["results"])
    record["goals"] = goals(record["results"], record["ratios"])
    record["machine"]["load_average_at_end"] = list(os.getloadavg())
    print_report(record["results"], record["ratios"], record["goals"])
    for error in record["errors"]:
        last = error["error"].strip().splitlines()[-1] if error["error"].strip() else ""
        print(f"error: {error['benchmark']} at {_size_label(error['size'])}: {last}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2, default=float) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 1 if record["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
