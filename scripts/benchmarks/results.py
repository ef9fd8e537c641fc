"""What a run's results say: ratios against the baselines, the goals, the printed table, where
the JSON goes, and the facts of the machine and the versions it records."""
from __future__ import annotations

import os
from pathlib import Path
import platform

from .registry import BENCHMARKS, ROOT

DEFAULT_OUT = ROOT / "bench" / "results" / "bench.json"
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
    ("report_large_comparisons", 10**6, "seconds", "<=", 90.0,
     "make report of 1e6 patients with GROUP_BY and a multivariable Cox model: <= 90 s"),
    ("report_large_comparisons", 10**6, "ratio:report_large_plain", None, None,
     "make report of 1e6 patients with GROUP_BY and COX / the same report in the paper's layout"),
    ("report_noop", None, "rebuilt_nothing", "==", True, "make report with nothing changed rewrites no file"),
]


def size_label(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"1e{exponent}" if n == 10**exponent else str(n)


def sections_label(n: int) -> str:
    return f"{n} section{'s' if n != 1 else ''}"


def _label(result: dict) -> str:
    """A result's size as printed: patients (1e6) or, for the report group, sections (4 nb)."""
    return f"{result['size']} nb" if result.get("size_unit") == "sections" else size_label(result["size"])


def version_facts() -> dict:
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in ("lmlib", "numpy", "pandas", "pyarrow", "scipy", "lifelines", "statsmodels", "tableone",
                 "dask", "distributed"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def machine_facts() -> dict:
    memory = None
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpus": os.cpu_count(), "memory_gb": memory, "platform": platform.platform(),
            "load_average_at_start": list(os.getloadavg())}


def bytecode_facts(venv: Path) -> dict:
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


def bytecode_note(facts: dict) -> str | None:
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


def default_out(groups: list[str], known: list[str]) -> Path:
    """bench/results/bench.json for every group, bench-<group>-<group>.json for some."""
    if set(groups) >= set(known):
        return DEFAULT_OUT
    return DEFAULT_OUT.with_name(f"bench-{'-'.join(sorted(groups))}.json")
