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
* ``grouped_tables_lmlib`` (up to ``--comparisons-max``): Tables 1 and 2 by treatment with a test
  per item, SMDs and q-values (:func:`lmlib.compare_groups.compare_groups`), against
  ``grouped_tables_tableone`` (tableone's grouped Table 1 with p-values and SMDs) and
  ``tables_lmlib`` (the same tables ungrouped); ``cox_lmlib``: the multivariable Cox model with
  its LR and PH tests (:func:`lmlib.survival.cox.cox_model`), against ``cox_lifelines`` and
  ``cox_statsmodels`` (their Efron fits alone, on the same design);
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
with :func:`benchmarks.registry.benchmark` in a module of ``scripts/benchmarks/``; add more the
same way. This script is the command line: the options, the driver, and the entry of the child
processes it runs (``--worker``).

Usage: python scripts/bench.py [--sizes 1e5,1e6,1e7] [--tableone-max 1e6] [--comparisons-max 1e6] [--quick]
                              [--dask] [--groups tables,km,comparisons,report] [--sections 01_descriptive,...] [--repeat 3]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
import time

if str(Path(__file__).resolve().parent) not in sys.path:  # the benchmarks package beside this script
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmarks.registry import BENCHMARKS, Benchmark  # noqa: E402  (registered by importing the package)
from benchmarks.report import prepare_report, report_sections, run_trivial_inprocess, venv_dir  # noqa: E402
from benchmarks.results import (bytecode_facts, bytecode_note, default_out, goals, machine_facts,  # noqa: E402
                                print_report, ratios, sections_label, size_label, version_facts)
# The parts tests/test_bench_smoke.py reaches through this script (it loads the script by path).
from benchmarks.registry import PEAK_METHOD, timed  # noqa: E402, F401
from benchmarks.results import DEFAULT_OUT  # noqa: E402, F401
from benchmarks.report import (FLOOR_MAKEFILE, SECTIONS_GLOB, SYNTHETIC_DATA, _workspace,  # noqa: E402, F401
                               copy_project, make_env, make_noop_floor, make_report_command, project_files,
                               report_floor_cli, report_floor_inprocess, trivial_notebook, write_trivial_notebooks)

SEED = 20180427
ROWS_PER_PART = 1_000_000


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


def run_benchmark(bench: Benchmark, size: int, folder: Path, repeat: int, record: dict) -> None:
    """Measure ``bench`` at ``size`` ``repeat`` times, each in a fresh process, and add the
    fastest (minimum seconds) to ``record["results"]`` (or its failure to ``record["errors"]``)."""
    label = size_label(size) if bench.sized else sections_label(size)
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
        folder = base / f"n{size_label(size)}"
        print(f"[{size_label(size)}] generating {size:,} patients ...", flush=True)
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
    label = sections_label(len(sections))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--sizes", default="1e5,1e6,1e7", help="cohort sizes, comma separated (default 1e5,1e6,1e7)")
    parser.add_argument("--tableone-max", default="1e6", help="largest size tableone runs at (default 1e6)")
    parser.add_argument("--rows-max", default="1e6", help="largest size of lmlib's row path (default 1e6)")
    parser.add_argument("--comparisons-max", default="1e6",
                        help="largest size of the comparisons group (grouped tables, Cox; default 1e6)")
    parser.add_argument("--out", default=None,
                        help="JSON results (default bench/results/bench.json; with --groups naming some groups "
                             "only, bench-<groups>.json beside it, so a partial run keeps the full one)")
    parser.add_argument("--quick", action="store_true", help="1e5 only (CI smoke run)")
    parser.add_argument("--dask", action="store_true", help="also time the Dask path (local cluster, 2 workers)")
    parser.add_argument("--groups", default="",
                        help="benchmark groups to run, comma separated: tables, km, comparisons, report (default all)")
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
    limits = {"tableone_max": int(float(args.tableone_max)), "rows_max": int(float(args.rows_max)),
              "comparisons_max": int(float(args.comparisons_max))}
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
              "machine": machine_facts(), "versions": version_facts(), "groups": groups, "sizes": sizes if sized else [],
              "limits": limits, "seed": SEED, "repeat": args.repeat, "statistic": "minimum (fastest of --repeat runs)",
              "data": {}, "results": [], "errors": []}
    record["machine"]["bytecode"] = bytecode_facts(venv_dir())
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
    note = bytecode_note(record["machine"]["bytecode"])
    if note:
        print(f"note: {note}")
    for error in record["errors"]:
        last = error["error"].strip().splitlines()[-1] if error["error"].strip() else ""
        print(f"error: {error['benchmark']} at {size_label(error['size'])}: {last}")
    out = Path(args.out) if args.out else default_out(groups, known)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2, default=float) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 1 if record["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
