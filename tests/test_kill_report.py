"""`make report` killed (SIGKILL) at any moment leaves each output either its old or its new version.

The reports are built in a temporary copy of the project (the environment is this checkout's
.venv, never reinstalled), so the real reports/ and data/processed/ are never touched. The
helpers here (copy_project, run_make, outputs) are also used by tests/test_privacy.py.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
import shutil
import signal
import subprocess
import time

import pytest

from lmlib import config

ROOT = config.PROJ_ROOT
VENV = ROOT / ".venv"
OUTPUT_FOLDERS = ("reports", "data/processed")
SKIPPED = {".git", ".venv", "reports", "__pycache__", ".pytest_cache", ".hypothesis", "bench", "build",
           "node_modules", ".ipynb_checkpoints"}
KILL_AFTER = (0.5, 3.0, 8.0, 15.0)  # seconds after `make report` starts


# ------------------------------------------------------------------------------ helpers (shared)

def copy_project(target: Path) -> Path:
    """A copy of the project's sources and data (no .git, .venv, reports or processed files)."""
    def ignore(folder, names):
        rel = Path(folder).resolve().relative_to(ROOT).as_posix()
        out = {n for n in names if n in SKIPPED or n.endswith(".egg-info")}
        if rel in ("data/processed", "data/raw"):
            out |= {n for n in names if n not in (".gitkeep", "README.md")}
        return out

    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)
    return target


def make_env() -> dict:
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    if not (VENV / ".installed").is_file():
        pytest.skip("the environment is not installed (make venv)")
    return {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}


def make_command(*settings: str, jobs: int = 2) -> list[str]:
    """``make -s report`` with this checkout's environment (-o: never reinstall it)."""
    return ["make", "-s", "--no-print-directory", f"-j{jobs}", f"VENV={VENV}", "-o", str(VENV / ".installed"),
            "report", *settings]


def run_make(repo: Path, *settings: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(make_command(*settings), cwd=repo, env=make_env(), capture_output=True, text=True,
                          timeout=timeout)


def outputs(repo: Path) -> dict[str, str]:
    """SHA-256 of every file under reports/ and data/processed/ (hidden ones included), by path."""
    found = {}
    for folder in OUTPUT_FOLDERS:
        base = repo / folder
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            if path.is_file() and path.name not in (".gitkeep", "README.md"):
                found[path.relative_to(repo).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def is_temporary(rel: str) -> bool:
    name = Path(rel).name
    return name.startswith(".") and name.endswith(".tmp")


# ------------------------------------------------------------------------------ killing

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _inside(pid: int, folder: Path) -> bool:
    try:
        cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return False
    return cwd == folder or folder in cwd.parents


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def kill_build(proc: subprocess.Popen, repo: Path) -> None:
    """SIGKILL `make` and everything it started: its process group, every descendant (the
    Jupyter kernels run in sessions of their own) and any process left running in ``repo``."""
    family = descendants(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for pid in family:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)
    repo = repo.resolve()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        alive = {int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()}
        left = [pid for pid in alive if pid != os.getpid() and (pid in family or _inside(pid, repo))]
        left = [pid for pid in left if not _zombie(pid)]
        if not left:
            return
        for pid in left:  # started by this build (its descendants, or working in the copy)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"processes of the killed build still running: {left}")


# ------------------------------------------------------------------------------ the test

@pytest.mark.slow
def test_killing_make_report_at_any_moment_leaves_each_output_old_or_new(tmp_path):
    repo = copy_project(tmp_path / "repo")
    old_build = run_make(repo, "LANG_REPORT=en")
    assert old_build.returncode == 0, old_build.stderr
    old = outputs(repo)
    saved = tmp_path / "old"
    for folder in OUTPUT_FOLDERS:  # copy2: the old outputs keep their times, as Make saw them
        shutil.copytree(repo / folder, saved / folder, copy_function=shutil.copy2)

    new_build = run_make(repo, "LANG_REPORT=tr")  # a change that alters (nearly) every output
    assert new_build.returncode == 0, new_build.stderr
    new = outputs(repo)
    assert old["reports/01_descriptive.html"] != new["reports/01_descriptive.html"]
    assert not any(is_temporary(rel) for rel in old) and not any(is_temporary(rel) for rel in new)

    for delay in KILL_AFTER:
        for folder in OUTPUT_FOLDERS:
            shutil.rmtree(repo / folder)
            shutil.copytree(saved / folder, repo / folder, copy_function=shutil.copy2)
        assert outputs(repo) == old
        proc = subprocess.Popen(make_command("LANG_REPORT=tr"), cwd=repo, env=make_env(), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        kill_build(proc, repo)
        after = outputs(repo)
        for rel, digest in after.items():
            if is_temporary(rel):
                continue  # hidden, and removed by the next run (checked below)
            assert digest in (old.get(rel), new.get(rel)), f"{rel} after SIGKILL at {delay} s is neither old nor new"
        missing = sorted(set(old) - set(after))
        assert missing == [], f"outputs gone after SIGKILL at {delay} s: {missing}"
        assert [rel for rel in after if rel.endswith(".tmp") and not is_temporary(rel)] == []

    # The next run after the last kill deletes the hidden temporary files a killed run leaves
    # (two are planted, in case the kill fell between writes) and completes the new version.
    for path in (repo / "reports" / "tables" / ".table1.csv.k1ll3d.tmp", repo / "data" / "processed" / ".cohort.parquet.x.tmp"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
    final = run_make(repo, "LANG_REPORT=tr")
    assert final.returncode == 0, final.stderr
    done = outputs(repo)
    assert [rel for rel in done if is_temporary(rel)] == []
    assert done == new
