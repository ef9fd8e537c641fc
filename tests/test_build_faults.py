"""Faults of the environment end in one message naming the file and the cause, outputs old or new:
two builds at once in one checkout (the second waits for the first's lock), a read-only reports/
folder, a full disk under data/processed/ or reports/tables/, and the same faults met by
``lmlib clean``.

The builds run in a throwaway copy of the project (tests/test_kill_report.py's helpers).
"""
from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path
import shutil
import signal
import subprocess
import time

import pytest

from lmlib import atomic, cli, config
from test_kill_report import copy_project, is_temporary, make_command, make_env, outputs, run_make


# ------------------------------------------------------------------------------ in process

def test_an_os_error_while_writing_names_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    from lmlib.problems import describe_os_error

    target = tmp_path / "out" / "table.csv"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", args[0])

    monkeypatch.setattr(atomic.os, "replace", full)
    with pytest.raises(OSError) as caught:
        atomic.write_text(target, "x")
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert describe_os_error(caught.value) == f"{target}: No space left on device"
    assert list((tmp_path / "out").iterdir()) == []  # no temporary file left behind


def test_clean_on_a_full_disk_prints_one_line_naming_the_file(tmp_path, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", args[0])

    monkeypatch.setattr(atomic.os, "replace", full)
    out = tmp_path / "cohort.parquet"
    status = cli.main(["clean", str(config.SYNTHETIC_COHORT), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 1 and err == f"lmlib: error: {out}: No space left on device\n"
    assert not out.exists()


# ------------------------------------------------------------------------------ builds

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    repo = copy_project(tmp_path_factory.mktemp("faults") / "repo")
    result = run_make(repo, "DATA_CUT=2018-12-31")
    assert result.returncode == 0, result.stderr
    return repo


def lock_is_held(repo: Path) -> bool:
    lock = repo / "reports" / ".lock"
    if not lock.exists():
        return False
    with open(lock, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@pytest.mark.slow
def test_a_second_build_in_the_same_checkout_waits_for_the_first(built):
    env = make_env()
    first = subprocess.Popen(make_command("DATA_CUT=2018-12-31", "DECIMALS=2"), cwd=built, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not lock_is_held(built):
        assert first.poll() is None and time.monotonic() < deadline, "the first build never took the lock"
        time.sleep(0.05)
    second = subprocess.run(make_command("DATA_CUT=2018-12-31", "DECIMALS=3"), cwd=built, env=env,
                            capture_output=True, text=True, timeout=900)
    out, err = first.communicate(timeout=900)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    assert "another build is running in this checkout" in second.stderr and "waiting" in second.stderr
    for text in (err, second.stderr):
        assert "Traceback" not in text and "FileNotFoundError" not in text
    assert "decimals=3" in (built / "reports" / ".data").read_text(encoding="utf-8")
    assert not [rel for rel in outputs(built) if is_temporary(rel)]
    again = run_make(built, "DATA_CUT=2018-12-31", "DECIMALS=3")
    assert again.returncode == 0 and again.stdout == "", again.stdout  # the second build left it complete


def _read_only(folders: list[Path]):
    """Make ``folders`` unwritable (chmod; as root, which chmod does not stop, the immutable
    attribute); returns a function that undoes it."""
    if os.geteuid() != 0:
        for folder in folders:
            folder.chmod(0o555)
        return lambda: [folder.chmod(0o755) for folder in folders]
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: a read-only folder cannot be made")
    done = []
    for folder in folders:
        tried = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if tried.returncode != 0:
            for undo in done:
                subprocess.run(["chattr", "-i", str(undo)], check=True)
            pytest.skip(f"running as root, and the immutable attribute cannot be set: {tried.stderr.strip()}")
        done.append(folder)
    return lambda: [subprocess.run(["chattr", "-i", str(f)], check=True) for f in folders]


@pytest.mark.slow
@pytest.mark.parametrize("folders", [["reports", "reports/tables", "reports/figures"], ["data/processed"]])
def test_a_read_only_output_folder_ends_in_one_message_and_changes_nothing(built, folders):
    before = outputs(built)
    undo = _read_only([built / f for f in folders if (built / f).is_dir()])
    try:
        result = run_make(built, "DATA_CUT=2018-12-31", "DECIMALS=4")
    finally:
        undo()
    lines = [ln for ln in result.stderr.splitlines() if not ln.startswith("make: ***")]
    assert result.returncode != 0 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"lmlib: error: {folders[0]}") and ("Operation not permitted" in lines[0]
                                                                    or "Permission denied" in lines[0]), lines
    assert outputs(built) == before


def _small_disk(folder: Path, size: str) -> list[str] | None:
    """A command prefix that runs under a new mount namespace with a ``size`` tmpfs over
    ``folder`` (a full disk there), when this process may create one; else None."""
    if shutil.which("unshare") is None:
        return None
    script = f'mount -t tmpfs -o size={size} lmtest "{folder}" && exec "$@"'
    for prefix in (["unshare", "--mount", "--propagation", "private"],
                   ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]):
        probe = subprocess.run([*prefix, "sh", "-c", script, "sh", "true"], capture_output=True)
        if probe.returncode == 0:
            return [*prefix, "sh", "-c", script, "sh"]
    return None


def _file_size_limit(limit: int):
    """preexec for a file-size limit: a write past ``limit`` bytes fails (EFBIG), as on a full disk."""
    def apply():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow
@pytest.mark.parametrize("where", ["data/processed", "reports/tables"])
def test_a_full_disk_ends_in_one_message_naming_the_file_and_leaves_old_outputs(built, where):
    before = outputs(built)
    command = make_command("DATA_CUT=2018-12-31", "LANG_REPORT=tr")
    prefix = _small_disk(built / where, "8k")
    if prefix is not None:
        result = subprocess.run([*prefix, *command], cwd=built, env=make_env(), capture_output=True, text=True,
                                timeout=900)
        cause = "No space left on device"
    else:  # no mount namespace here: a file-size limit fails the same writes
        result = subprocess.run(command, cwd=built, env=make_env(), capture_output=True, text=True, timeout=900,
                                preexec_fn=_file_size_limit(8192))
        cause = "File too large"
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr and 'File "' not in result.stderr, result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("lmlib: error:")]
    assert errors and cause in result.stderr, result.stderr
    if where == "data/processed":
        assert errors == [f"lmlib: error: data/processed/cohort.parquet: {cause}"]
    after = outputs(built)
    assert not [rel for rel in after if is_temporary(rel)]
    for rel, digest in after.items():  # each output old or new; the processed files old
        if rel.startswith(where):
            assert before.get(rel) == digest, rel
