"""`python -m lmlib.report build` (what `make report` runs): Make's out-of-date rule, the sections
run side by side in one process, a failing section that stops neither the others nor leaves a
wrong index."""
from __future__ import annotations

import json
import os
from pathlib import Path
import subprocess
import sys

import pytest

from lmlib import config
from lmlib.report import default_jobs, index_links, is_stale, stale_sections
from test_report_pipeline import make_notebook

ROOT = config.PROJ_ROOT


def touch(path: Path, mtime_ns: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("x", encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


T = 1_700_000_000 * 10**9  # a fixed instant (ns)


# ------------------------------------------------------------------------------ out-of-date rule

def test_a_target_is_stale_when_missing_or_older_than_a_prerequisite_or_a_prerequisite_is_missing(tmp_path):
    target, older, newer = tmp_path / "t.html", tmp_path / "old", tmp_path / "new"
    assert is_stale(target, [])
    touch(target, T)
    touch(older, T - 10**9)
    assert not is_stale(target, [older])
    assert not is_stale(target, [touch(tmp_path / "same", T)])  # as Make: equal times are up to date
    touch(newer, T + 1)
    assert is_stale(target, [older, newer])
    assert is_stale(target, [older, tmp_path / "missing"])


def test_only_the_sections_older_than_their_notebook_or_a_shared_prerequisite_are_stale(tmp_path):
    nbs = [touch(tmp_path / "nb" / f"0{i}_s.ipynb", T) for i in (1, 2, 3)]
    out = tmp_path / "reports"
    touch(out / "01_s.html", T + 5)
    touch(out / "02_s.html", T - 5)  # older than its notebook
    # 03 has no HTML
    shared = touch(tmp_path / "codebook.yaml", T)
    assert stale_sections(nbs, out, [shared]) == [nbs[1], nbs[2]]
    touch(shared, T + 10)  # a shared prerequisite changed: everything
    assert stale_sections(nbs, out, [shared]) == nbs


def test_the_index_links_are_read_back_in_order_and_none_without_an_index(tmp_path):
    from lmlib.report import index_html

    page = tmp_path / "index.html"
    assert index_links(page) is None
    page.write_text(index_html([("B", "02_b.html"), ("A & co", "01_a&b.html")], {"n": 3}), encoding="utf-8")
    assert index_links(page) == ["02_b.html", "01_a&b.html"]


def test_the_default_number_of_parallel_sections_is_one_per_cpu_and_never_more_than_the_sections():
    cpus = len(os.sched_getaffinity(0))
    assert default_jobs(1) == 1
    assert default_jobs(100) == cpus
    assert default_jobs(0) == 1


# ------------------------------------------------------------------------------ building

CLOCK_CELL = """# records when this section's kernel ran (the test checks that two sections overlapped)
import json, os, time
_start = time.time(); time.sleep(1.5)
with open(os.path.join(os.environ["LMTEST_CLOCKS"], "{name}.json"), "w") as handle:
    json.dump([_start, time.time(), os.environ.get("PYTHONHASHSEED"), os.environ.get("IPYKERNEL_CELL_NAME")], handle)
"""


def run_build(folder: Path, notebooks, *extra, jobs: int = 2) -> subprocess.CompletedProcess:
    env = {**os.environ, "LMTEST_CLOCKS": str(folder)}
    command = [sys.executable, "-m", "lmlib.report", "build", *map(str, notebooks), "--output-dir",
               str(folder / "out"), "--data", str(config.SYNTHETIC_COHORT), "--data-cut", "2018-12-31",
               "--stamp", str(folder / "out" / ".data"), "--jobs", str(jobs), *map(str, extra)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("build")
    nbs = [make_notebook(folder / "01_first.ipynb", CLOCK_CELL.format(name="01_first"), title="First"),
           make_notebook(folder / "02_second.ipynb", CLOCK_CELL.format(name="02_second"), title="Second"),
           make_notebook(folder / "03_broken.ipynb", "raise ValueError('broken on purpose')", title="Broken")]
    result = run_build(folder, nbs)
    return folder, nbs, result


@pytest.mark.slow
def test_a_failing_section_fails_the_build_but_the_others_are_written_and_no_index(first_build):
    folder, nbs, result = first_build
    out = folder / "out"
    assert result.returncode == 1
    assert (out / "01_first.html").is_file() and (out / "02_second.html").is_file()
    assert not (out / "03_broken.html").exists()
    assert not (out / "index.html").exists()
    assert "03_broken.ipynb failed in cell" in result.stderr
    assert "ValueError: broken on purpose" in result.stderr
    assert "1 of the sections failed" in result.stderr
    for runner in ("papermill", "execute_notebook", "lmlib/report/", "concurrent/futures", 'File "<frozen'):
        assert runner not in result.stderr  # the cell's own error only, never the runner's traceback


@pytest.mark.slow
def test_two_sections_run_at_the_same_time_with_jobs_2_in_kernels_with_a_fixed_hash_seed(first_build):
    folder, _, _ = first_build
    (a0, a1, seed_a, cell_a), (b0, b1, seed_b, cell_b) = (
        json.loads((folder / f"{name}.json").read_text()) for name in ("01_first", "02_second"))
    assert a0 < b1 and b0 < a1, "the two sections' kernels did not overlap in time"
    assert seed_a == seed_b == "0"
    assert cell_a == cell_b == "<cell>"


@pytest.mark.slow
def test_a_rebuild_runs_only_what_is_out_of_date_and_then_writes_the_index(first_build):
    folder, nbs, _ = first_build
    out = folder / "out"
    kept = {p: p.stat().st_mtime_ns for p in (out / "01_first.html", out / "02_second.html")}
    make_notebook(nbs[2], "pass", title="Mended")  # the broken notebook mended
    result = run_build(folder, nbs)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {out / '03_broken.html'}", f"wrote {out / 'index.html'}"]
    assert {p: p.stat().st_mtime_ns for p in kept} == kept
    assert index_links(out / "index.html") == ["01_first.html", "02_second.html", "03_broken.html"]
    assert ">Mended</a>" in (out / "index.html").read_text(encoding="utf-8")

    again = run_build(folder, nbs)  # nothing changed: nothing rebuilt, nothing printed
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")

    subset = run_build(folder, nbs[:1])  # a build of one section: an index of that section only
    assert subset.stdout.splitlines() == [f"wrote {out / 'index.html'}"]
    assert index_links(out / "index.html") == ["01_first.html"]
    full = run_build(folder, nbs)  # and back: the index lists every section again
    assert full.stdout.splitlines() == [f"wrote {out / 'index.html'}"]
    assert index_links(out / "index.html") == ["01_first.html", "02_second.html", "03_broken.html"]


def test_a_missing_notebook_stops_the_build_with_one_message_before_anything_runs(tmp_path):
    result = run_build(tmp_path, [tmp_path / "01_missing.ipynb"])
    assert result.returncode == 1
    assert result.stderr.strip() == f"lmlib: error: {tmp_path / '01_missing.ipynb'}: notebook not found"
    assert not (tmp_path / "out").exists()


def test_a_negative_jobs_count_is_refused(tmp_path):
    nb = make_notebook(tmp_path / "01_a.ipynb")
    result = run_build(tmp_path, [nb], jobs=-1)
    assert result.returncode == 1
    assert "--jobs must be 0 (one per CPU) or more" in result.stderr


# ------------------------------------------------------------------------------ what is imported

HEAVY = ("pandas", "numpy", "scipy", "matplotlib", "statsmodels", "lifelines", "papermill", "nbconvert",
         "nbformat", "pyarrow", "seaborn")


def loaded_heavy(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return eval(out.stdout)  # noqa: S307 - our own printed list


def test_import_lmlib_and_lmlib_report_load_no_heavy_library():
    assert loaded_heavy("import lmlib, lmlib.report, lmlib.report.cli") == []


def test_a_build_with_nothing_out_of_date_loads_no_heavy_library_and_starts_no_kernel(tmp_path):
    nb = make_notebook(tmp_path / "01_a.ipynb")
    out = tmp_path / "out"
    first = run_build(tmp_path, [nb], jobs=1)
    assert first.returncode == 0, first.stderr
    code = (f"from lmlib.report.cli import main\n"
            f"assert main(['build', {str(nb)!r}, '--output-dir', {str(out)!r}, '--data', "
            f"{str(config.SYNTHETIC_COHORT)!r}, '--data-cut', '2018-12-31', '--stamp', {str(out / '.data')!r}]) == 0")
    assert loaded_heavy(code) == []


@pytest.mark.slow
def test_a_folder_of_parquet_parts_builds_like_a_file_and_its_digest_is_in_the_stamp(tmp_path):
    from lmlib import scale
    from lmlib.hashing import sha256_of

    registry = tmp_path / "registry"
    scale.write_parquet_parts(scale.generate_large(300, seed=5), registry, 3)
    nb = make_notebook(tmp_path / "01_a.ipynb")
    env = {**os.environ, "LMTEST_CLOCKS": str(tmp_path)}
    command = [sys.executable, "-m", "lmlib.report", "build", str(nb), "--output-dir", str(tmp_path / "out"),
               "--data", str(registry), "--data-cut", "2019-12-31", "--stamp", str(tmp_path / "out" / ".data")]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "derived from" in result.stderr  # the recomputed columns are named, as warnings
    assert f"data_sha256={sha256_of(registry)}" in (tmp_path / "out" / ".data").read_text(encoding="utf-8")
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<td>registry</td>" in index and "<td>300</td>" in index
    page = (tmp_path / "out" / "01_a.html").read_text(encoding="utf-8")
    assert "Cohort file registry: 300 patients" in page
