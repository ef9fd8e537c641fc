"""The benchmark registry and how a step is measured: :class:`Benchmark`, :func:`benchmark`,
:func:`measure` (a step in this process: wall time, peak RSS above the start) and :func:`timed`
(a whole command: wall time, its tree's largest process), and :func:`load` (a cohort's columns)."""
from __future__ import annotations

from dataclasses import dataclass
import gc
import os
from pathlib import Path
import signal
import subprocess
import tempfile
import threading
import time
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bench.py"  # the runner: benchmarks re-run it in child processes
WARMUP_ROWS = 1000  # each step first runs untimed on this many rows
KM_COLUMNS = ["survival_days", "death"]
# Linux carries a process's peak across fork and exec, so a small command's figure is at least
# the RSS of the Python process that started it (about 20 MB).
PEAK_METHOD = "largest process of the command's tree (os.wait4 ru_maxrss; at least the starting process's RSS)"


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


def load_columns(folder: Path, columns: list[str] | None = None):
    """(the ``columns`` of the cohort's Parquet parts in ``folder``, the seconds reading took)."""
    from lmlib.scale import read_parquet_parts

    start = time.perf_counter()
    frame = read_parquet_parts(folder, columns)
    return frame, time.perf_counter() - start


def _kill_group(pid: int) -> None:
    """Kill the process group ``pid`` leads (a command and the kernels it started), if still there."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def timed(command: list, cwd: Path, env: dict | None = None, timeout: float | None = None) -> dict:
    """Run ``command`` to its end: {seconds: wall time from start to exit, step_peak_mb: the
    largest single process of its tree (``os.wait4``'s ru_maxrss: the command and the children
    it waited for), peak_method}. RuntimeError (with the end of its output) if it fails, or if it
    is still running after ``timeout`` seconds (its whole process group is then killed)."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        process = subprocess.Popen([str(c) for c in command], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True, start_new_session=timeout is not None)
        timer = None
        if timeout is not None:
            timer = threading.Timer(timeout, _kill_group, (process.pid,))
            timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if timer is not None:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        if timeout is not None and seconds >= timeout:
            raise RuntimeError(f"{' '.join(map(str, command))} did not finish within {timeout:.0f} s: stopped, "
                               "not measured")
        if process.returncode != 0:
            out.seek(0)
            raise RuntimeError(f"{' '.join(map(str, command))} failed (exit {process.returncode}):\n"
                               f"{out.read()[-3000:]}")
    return {"seconds": seconds, "step_peak_mb": usage.ru_maxrss / 1024, "peak_method": PEAK_METHOD}
