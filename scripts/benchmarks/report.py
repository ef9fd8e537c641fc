"""The report group: a throwaway copy of the project with N trivial notebooks (the workspace,
:func:`prepare_report`), and ``make report`` cold and with nothing changed, against the floors
(N trivial notebooks through the papermill and nbconvert commands or in one process; a make
call with nothing to do)."""
from __future__ import annotations

import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import time

from .registry import PEAK_METHOD, ROOT, SCRIPT, benchmark, timed

SECTIONS_GLOB = "notebooks/0*_*.ipynb"  # the notebooks (the report's sections and 00_start_here)
SYNTHETIC_DATA = "data/synthetic/synthetic_lm_cohort.csv"  # relative to the project (copy)
KERNEL = "python3"  # the kernel of the trivial notebooks (the venv's own, as the sections')
# Variables of the calling make (`make bench`: its flags, jobserver, command-line overrides) and
# report settings of the shell that would change what `make report` builds in the copy.
MAKE_ENVIRONMENT = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS", "VENV", "PYTHON",
                    "INSTALLER", "DATA", "DATA_CUT", "LANG_REPORT", "DECIMALS", "SUPPRESS_BELOW", "SCREENING",
                    "SECTIONS", "REPORT_JOBS", "STUDY", "LENIENT", "PROBLEMS", "GROUP_BY", "GROUP_TESTS", "ADJUST", "SMD",
                    "MISSING_ROWS", "COX", "LANDMARKS", "TIME_UNIT", "RMST_TAU", "LANDMARK"}
FLOOR_MAKEFILE = """# The least a make call costs: read a makefile, find its one target up to date, run nothing.
MAKEFLAGS += --no-builtin-rules
up-to-date: ;
"""


def venv_dir() -> Path:
    """The virtual environment running this script (``make bench``'s $(VENV)), as an absolute
    path; this checkout's .venv when not run from one."""
    return Path(sys.prefix).absolute() if sys.prefix != sys.base_prefix else ROOT / ".venv"


def report_sections(names: str = "", root: Path = ROOT) -> list[str]:
    """The sections ``make report`` builds, by notebook name: every notebooks/0*_*.ipynb but the
    00_* ones (:func:`lmlib.report.settings.section_names`), or the comma-separated ``names``
    among them (ValueError for an unknown one)."""
    from lmlib.report.settings import section_names

    found = section_names(root / "notebooks")
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


def _empty_outputs(project: Path) -> None:
    """`make clean` in the copy: reports/, data/processed/'s outputs and the caches go."""
    subprocess.run(["make", "--no-print-directory", "-s", "clean"], cwd=project, env=make_env(), check=True,
                   capture_output=True)


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
    out = timed([sys.executable, SCRIPT, "--worker", "floor-inprocess", "--size", str(size),
                 "--data", folder], folder)
    return {**out, "notebooks": size, "threads": min(size, os.cpu_count() or 1),
            "html_written": len(list(out_dir.glob("*.html")))}
