"""Progress of a long read, for the command line: a registry-sized workbook takes minutes.

Off by default (a notebook's output stays clean); the commands (``make report``, ``python -m
lmlib clean``) turn it on with :func:`enable`. While an input is read, a background thread
prints a line every :data:`EVERY` seconds once the read has taken that long: how far into the
file the reader is (from the offset of its open file, ``/proc/self/fdinfo``; the elapsed time
only where that is not available) and, the first time, that CSV or Parquet read much faster.
"""
from __future__ import annotations

from contextlib import contextmanager
import os
from pathlib import Path
import threading
import time

EVERY = 15.0  # seconds between progress lines
HINT = ("large inputs read much faster as CSV, or as Parquet (DATA= a .parquet file or a folder of parts); "
        "registry-sized data is best aggregated with lmlib.scale")
_stream = None


def enable(stream) -> None:
    """Print progress lines to ``stream`` (e.g. ``sys.stderr``) from now on; None turns it off."""
    global _stream
    _stream = stream


def _offset(path: Path) -> int | None:
    """How far this process has read into ``path`` (the largest offset of its open handles)."""
    try:
        target = os.path.realpath(path)
        best = None
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}") != target:
                    continue
                with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
                    pos = int(info.readline().split()[1])
            except (OSError, ValueError, IndexError):
                continue
            best = pos if best is None else max(best, pos)
        return best
    except OSError:
        return None


@contextmanager
def reading(path: str | Path, what: str = "reading"):
    """Report progress on ``path`` while the ``with`` block reads it (when enabled)."""
    stream = _stream
    if stream is None:
        yield
        return
    path = Path(path)
    size = path.stat().st_size if path.is_file() else 0
    done = threading.Event()
    start = time.monotonic()

    def report():
        first = True
        while not done.wait(EVERY):
            minutes = (time.monotonic() - start) / 60
            pos = _offset(path) if size else None
            share = f"{min(pos / size, 1):.0%} of the file, " if pos else ""
            hint = f" ({HINT})" if first else ""
            print(f"lmlib: {what} {path.name}: {share}{minutes:.1f} min so far{hint}", file=stream, flush=True)
            first = False

    thread = threading.Thread(target=report, name="lmlib-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
