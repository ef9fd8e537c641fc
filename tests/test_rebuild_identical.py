"""Byte-identical rebuilds (issue 7): `make report` twice on the same input gives the same bytes.

Two builds of the synthetic cohort, each from a clean ``reports/`` and ``data/processed/``, in a
throw-away copy of the project (the environment is this checkout's .venv, never reinstalled;
helpers from tests/test_kill_report.py). The second build runs at another wall-clock time (it
naturally does, ~30 s later), with another ``PYTHONHASHSEED``, ``TMPDIR`` and time zone, and
from another absolute path (the copy is moved between the builds), so that none of these can
reach an output. Every file the build writes is compared:

* ``reports/**`` recursively, hidden files included: the HTML reports and ``index.html``, the
  executed ``.ipynb`` beside them, ``tables/*.csv|.tex|.docx``, ``figures/*.png`` and the data
  stamp ``reports/.data``;
* ``data/processed/**`` (the cohort's Parquet and JSON files), also written by the build.

Nothing is excluded except the two files of ``data/processed/`` that are sources, not outputs
(``.gitkeep``, ``README.md``: see :func:`test_kill_report.outputs`). Hidden temporary files
(``.*.tmp``) would be compared too, but a successful build must leave none: that is asserted.

Beyond equal hashes, the outputs are checked for what would differ only across days or
machines, which two builds a minute apart cannot show: no PNG date/time chunk (matplotlib's
``Software`` text chunk is allowed: it is fixed for the pinned version), .docx zip entries all
dated 1980-01-01, and no output holding the clock's date, the temporary folder or the
checkout's path. The last test rebuilds the survival figures through lmlib directly (no
papermill) twice in one process, as PNG, SVG and PDF, with and without ``SOURCE_DATE_EPOCH``.
"""
from __future__ import annotations

import base64
import datetime as dt
import difflib
from pathlib import Path
import re
import shutil
import struct
import subprocess
import time
import zipfile

import pytest

from test_kill_report import OUTPUT_FOLDERS, ROOT, copy_project, is_temporary, make_command, make_env, outputs

# The two builds' environments: everything that must not matter differs between them. Time
# zones are POSIX strings (UTC-11 and UTC+13), which need no tzdata: a date taken from
# SOURCE_DATE_EPOCH in local time would fall on different days.
FIRST_ENV = {"PYTHONHASHSEED": "11", "TZ": "XST+11"}
SECOND_ENV = {"PYTHONHASHSEED": "12345", "TZ": "YST-13"}
BUILD_TIMEOUT = 600  # seconds; a build takes ~15-45 s
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}
PNG_ALLOWED_TEXT = {b"Software"}  # "Matplotlib version3.x.y, https://matplotlib.org/": pinned
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TEXT_SUFFIXES = {".html", ".ipynb", ".csv", ".tex", ".json", ".md", ".txt", ".svg", ""}


# ------------------------------------------------------------------------------ helpers

def clean_outputs(repo: Path) -> None:
    """`make clean` in ``repo``: reports/ and the outputs in data/processed/ go (its .gitkeep and
    README.md stay), and the caches."""
    subprocess.run(["make", "--no-print-directory", "-s", "clean"], cwd=repo, env=make_env(), check=True,
                   capture_output=True, timeout=120)


def build(repo: Path, tmpdir: Path, settings: dict) -> tuple[dict[str, str], float]:
    """``make report`` (synthetic cohort, the Makefile's defaults) in ``repo`` from clean
    outputs, with ``TMPDIR`` = ``tmpdir`` and ``settings`` in the environment; returns the
    SHA-256 of every output by path, and the seconds the build took."""
    clean_outputs(repo)
    assert outputs(repo) == {}, "the outputs were not removed before the build"
    tmpdir.mkdir(parents=True, exist_ok=True)
    env = {**make_env(), **settings, "TMPDIR": str(tmpdir)}
    env.pop("SOURCE_DATE_EPOCH", None)  # the build must set it (from the data cut), not inherit it
    started = time.monotonic()
    result = subprocess.run(make_command(), cwd=repo, env=env, capture_output=True, text=True,
                            timeout=BUILD_TIMEOUT)
    seconds = time.monotonic() - started
    assert result.returncode == 0, f"make report failed in {repo}:\n{result.stdout}\n{result.stderr}"
    found = outputs(repo)
    assert "reports/index.html" in found, sorted(found)
    assert [rel for rel in found if is_temporary(rel)] == [], "a successful build left temporary files"
    return found, seconds


def first_difference(old: bytes, new: bytes, name: str) -> str:
    """Where two versions of a file part: the first differing line (text) or byte offset."""
    if Path(name).suffix in TEXT_SUFFIXES:
        try:
            a, b = old.decode("utf-8").splitlines(), new.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            pass
        else:
            diff = list(difflib.unified_diff(a, b, lineterm="", n=0))[2:]  # without the ---/+++ header
            return "\n".join("      " + line[:200] for line in diff[:6])
    at = next((i for i, (x, y) in enumerate(zip(old, new)) if x != y), min(len(old), len(new)))
    return f"      first differing byte at {at} (sizes {len(old)} and {len(new)})"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, payload) chunks of a PNG file."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        chunks.append((data[at + 4:at + 8], data[at + 8:at + 8 + length]))
        at += 12 + length
    return chunks


def png_problems(data: bytes, where: str) -> list[str]:
    problems = []
    for kind, payload in png_chunks(data):
        if kind == b"tIME":
            problems.append(f"{where}: a tIME chunk (modification time)")
        elif kind in PNG_TEXT_CHUNKS:
            key = payload.split(b"\0", 1)[0]
            if key not in PNG_ALLOWED_TEXT:
                problems.append(f"{where}: a {kind.decode()} chunk {key.decode('latin-1')!r}: "
                                f"{payload[:80].decode('latin-1')!r}")
    return problems


def readable_parts(path: Path) -> list[tuple[str, str]]:
    """(entry, text) of what an output holds: each entry of a zip file (.docx), else the file
    itself (entry ""), as latin-1 text so that any ASCII path or date is found in any file."""
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return [(info.filename, archive.read(info).decode("latin-1"))
                    for info in archive.infolist()]
    return [("", data.decode("latin-1"))]


def clock_dates(*moments: dt.datetime) -> set[str]:
    """Today's date (at each moment, UTC and local) in the forms a report could print it."""
    out = set()
    for moment in moments:
        for day in (moment.date(), moment.astimezone(dt.timezone.utc).date()):
            out |= {day.isoformat(), day.strftime("%d.%m.%Y"), day.strftime("%d/%m/%Y"),
                    f"{day.day} {day.strftime('%B %Y')}", day.strftime("%B %d, %Y")}
    return out


# ------------------------------------------------------------------------------ the two builds

@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """Build twice (see the module docstring); the first build's outputs are kept for diffs."""
    base = tmp_path_factory.mktemp("rebuild")
    repo = copy_project(base / "checkout-a")
    started = dt.datetime.now().astimezone()
    first, first_seconds = build(repo, base / "tmp-first", FIRST_ENV)
    kept = base / "first"
    for folder in OUTPUT_FOLDERS:
        shutil.copytree(repo / folder, kept / folder, symlinks=True)
    moved = base / "elsewhere" / "checkout-b"  # another absolute path for the same project
    moved.parent.mkdir()
    repo.rename(moved)
    second, second_seconds = build(moved, base / "tmp-second", SECOND_ENV)
    print(f"builds: {first_seconds:.1f} s and {second_seconds:.1f} s, {len(first)} files")
    return {"first": first, "second": second, "kept": kept, "repo": moved, "old_repo": repo,
            "tmpdirs": [base / "tmp-first", base / "tmp-second"], "base": base,
            "dates": clock_dates(started, dt.datetime.now().astimezone())}


@pytest.mark.slow
def test_make_report_twice_gives_the_same_files_with_the_same_bytes(two_builds):
    first, second, repo, kept = two_builds["first"], two_builds["second"], two_builds["repo"], two_builds["kept"]
    problems = [f"  only in the first build: {rel}" for rel in sorted(set(first) - set(second))]
    problems += [f"  only in the second build: {rel}" for rel in sorted(set(second) - set(first))]
    for rel in sorted(set(first) & set(second)):
        if first[rel] != second[rel]:
            problems.append(f"  differs: {rel}\n"
                            + first_difference((kept / rel).read_bytes(), (repo / rel).read_bytes(), rel))
    assert not problems, ("two `make report` builds of the same input differ (second: other PYTHONHASHSEED, "
                          "TMPDIR, TZ, checkout path and time):\n" + "\n".join(problems))
    # every kind of output is there (a build that silently skipped one would compare equal)
    kinds = {Path(rel).suffix for rel in first}
    assert {".html", ".ipynb", ".csv", ".tex", ".docx", ".png", ".parquet", ".json"} <= kinds, sorted(kinds)
    assert "reports/.data" in first


@pytest.mark.slow
def test_no_png_figure_carries_a_date_or_a_text_chunk_other_than_software(two_builds):
    repo = two_builds["repo"]
    problems, n = [], 0
    for path in sorted((repo / "reports").rglob("*.png")):
        problems += png_problems(path.read_bytes(), path.relative_to(repo).as_posix())
        n += 1
    for page in sorted((repo / "reports").glob("*.html")):  # the figures embedded in the reports
        for k, encoded in enumerate(re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page.read_text("utf-8"))):
            problems += png_problems(base64.b64decode(encoded), f"{page.name}, embedded PNG {k}")
            n += 1
    assert n >= 8, f"only {n} PNG images found"
    assert problems == []


@pytest.mark.slow
def test_every_docx_zip_entry_has_the_fixed_date(two_builds):
    repo = two_builds["repo"]
    documents = sorted((repo / "reports").rglob("*.docx"))
    assert documents
    for path in documents:
        with zipfile.ZipFile(path) as archive:
            dates = {info.filename: info.date_time for info in archive.infolist()}
        assert {name: when for name, when in dates.items() if when != ZIP_TIME} == {}, path.name


@pytest.mark.slow
def test_no_output_holds_the_clock_date_a_temporary_folder_or_the_checkout_path(two_builds):
    repo = two_builds["repo"]
    needles = {f"the clock's date {d!r}": d for d in two_builds["dates"]}
    for path in (*two_builds["tmpdirs"], two_builds["old_repo"], repo, two_builds["base"], ROOT):
        needles[f"the path {path}"] = str(path)
    needles["a kernel's temporary cell file"] = "ipykernel_"
    problems = []
    for rel in outputs(repo):
        for name, text in readable_parts(repo / rel):
            where = f"{rel}:{name}" if name else rel
            problems += [f"{where}: {what}" for what, needle in needles.items() if needle in text]
    assert problems == []


# ------------------------------------------------------------------------------ in one process

def test_survival_figures_drawn_twice_in_one_process_are_byte_identical(tmp_path, monkeypatch):
    """The KM figures of the survival section (overall and by each grouping), drawn through
    lmlib without papermill and saved by plots.save_figure as PNG, SVG and PDF, twice: the
    second time with SOURCE_DATE_EPOCH set (the first without), so no date is in any file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lmlib import plots
    from lmlib import survival_report as sr
    from lmlib.codebook import load_codebook
    from lmlib.cohort import load_cohort

    codebook = load_codebook()
    cohort = load_cohort(None, codebook, data_cut="2018-12-31")
    report = sr.build(cohort.data, codebook)

    def draw(folder: Path) -> dict[str, bytes]:
        saved = {}
        for item in (None, *report.group_by):
            km = sr.km_figure(report, item)
            try:
                for fmt in ("png", "svg", "pdf"):
                    path = plots.save_figure(km.figure, folder / f"km_{item or 'overall'}.{fmt}", dpi=100)
                    saved[path.name] = path.read_bytes()
            finally:
                plt.close(km.figure)
        return saved

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = draw(tmp_path / "first")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    second = draw(tmp_path / "second")
    assert len(first) == 3 * (1 + len(report.group_by))
    assert sorted(name for name in first if first[name] != second.get(name)) == []
    for name, data in first.items():
        if name.endswith(".png"):
            assert png_problems(data, name) == []
        if name.endswith(".svg"):
            assert b"<dc:date>" not in data, name
        if name.endswith(".pdf"):
            assert b"/CreationDate" not in data and b"/ModDate" not in data, name
