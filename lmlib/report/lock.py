"""One build at a time in a checkout: an advisory lock (``fcntl.flock``) on ``reports/.lock``.

Two builds at once would race for the same outputs and delete each other's temporary files
(:func:`lmlib.report.stamp.remove_stale_temporaries`). The second build waits for the first,
saying so, then goes on: it finds the first build's outputs up to date, or rebuilds what its own
settings change. The lock is released when the process ends, however it ends (even ``kill -9``),
so a killed build never leaves a stale lock behind.
"""
from __future__ import annotations

from contextlib import contextmanager
import fcntl
from pathlib import Path
import sys

from .common import PROG

LOCK_NAME = ".lock"


@contextmanager
def build_lock(folder: str | Path, echo=sys.stderr):
    """Hold the build lock of ``folder`` (created if needed) for the ``with`` block; if another
    process holds it, print one line to ``echo`` and wait for it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    with open(path, "a+b") as handle:  # "a": never truncated, never rewritten (its bytes never change)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if echo is not None:
                print(f"{PROG}: another build is running in this checkout ({path} is locked); waiting for it to "
                      "finish", file=echo, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
