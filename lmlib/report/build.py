"""The whole build in one process (``make report``): validate the input, run the out-of-date
sections side by side, then write the index.

One process instead of one per section saves starting Python, papermill and nbconvert for each
section; the sections run in threads (each thread drives its own kernel, a separate process, so
the notebooks really run in parallel), at most ``jobs`` at a time (default: one per CPU), the
longest first. The index, which needs only the notebooks' titles and the cohort, is made in
another thread meanwhile and written once every section has succeeded.

What is out of date follows Make's rule: a section's HTML is rebuilt when it is missing or older
than its notebook or any shared prerequisite (``depends``: the data stamp, the codebook, the
lmlib sources, the environment); the index when a section is rebuilt, or it is missing, older
than a section's HTML, a notebook or a shared prerequisite, or lists other sections. A section
that fails does not stop the others; the index is then left as it was and the exit status is 1.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
import html
import os
from pathlib import Path
import re
import sys

from ..atomic import write_text
from .common import PROG, ReportError


@dataclass
class BuildResult:
    """What a build did: the HTML files written, the sections that failed (notebook: message),
    whether the index was written."""

    written: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    index_written: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def is_stale(target: str | Path, prerequisites) -> bool:
    """Make's rule: ``target`` is missing, or older than one of ``prerequisites`` (a missing
    prerequisite counts as changed)."""
    built = _mtime(Path(target))
    if built is None:
        return True
    for prerequisite in prerequisites:
        changed = _mtime(Path(prerequisite))
        if changed is None or changed > built:
            return True
    return False


def stale_sections(notebooks, output_dir: str | Path, depends=()) -> list[Path]:
    """The notebooks whose ``<output_dir>/<stem>.html`` is out of date (see :func:`is_stale`)."""
    depends = list(depends)
    return [Path(nb) for nb in notebooks
            if is_stale(Path(output_dir) / f"{Path(nb).stem}.html", [nb, *depends])]


def index_links(index: str | Path) -> list[str] | None:
    """The section pages an existing index links to, in order (None when there is no index):
    an index of other sections (an earlier ``SECTIONS=...`` build) is out of date."""
    try:
        text = Path(index).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return [html.unescape(link) for link in re.findall(r'<li><a href="([^"]+)">', text)]


def default_jobs(n_sections: int) -> int:
    """Sections run at once: one per CPU this process may use, at most ``n_sections``."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(n_sections, cpus))


def run_sections(notebooks, output_dir: str | Path, parameters: dict, jobs: int | None = None,
                 extra: dict | None = None, echo=None) -> BuildResult:
    """Run ``notebooks`` (paths) into ``<output_dir>/<stem>.html``, ``jobs`` at a time.

    ``parameters`` go to every notebook; ``extra`` (name: value) only to the notebooks whose
    parameters cell names it (the screening log goes to the descriptive section only).
    ``echo`` (a file, e.g. ``sys.stdout``) gets a "wrote ..." line per report as it is written.
    """
    result = BuildResult()
    notebooks = [Path(nb) for nb in notebooks]
    if not notebooks:
        return result
    import nbformat

    from .section import notebook_parameters, prepare_environment, run_section

    prepare_environment(parameters.get("data_cut"))  # before any thread: the kernels inherit it
    tasks, weights = [], {}
    for notebook in notebooks:
        params = dict(parameters)
        nb = nbformat.read(str(notebook), as_version=4) if notebook.is_file() else None
        if extra and nb is not None:
            names = notebook_parameters(nb)
            params.update({k: v for k, v in extra.items() if k in names and v not in (None, "")})
        weights[notebook] = sum(cell.cell_type == "code" for cell in nb.cells) if nb is not None else 0
        tasks.append((notebook, Path(output_dir) / f"{notebook.stem}.html", params))
    # the longest first (a section's code cells as the proxy of its run time): with fewer
    # workers than sections, the short ones fill in at the end instead of the long one alone
    tasks.sort(key=lambda task: -weights[task[0]])

    def run(task):
        notebook, html, params = task
        try:
            out = run_section(notebook, html, params)
        except ReportError as exc:
            return notebook, None, str(exc)
        except OSError as exc:  # writing the report: a read-only folder, a full disk
            from ..problems import describe_os_error

            return notebook, None, f"{PROG}: error: {notebook}: {describe_os_error(exc)}"
        if echo is not None:
            print(f"wrote {out}", file=echo, flush=True)
        return notebook, out, None

    workers = jobs or default_jobs(len(tasks))
    with ThreadPoolExecutor(max_workers=min(workers, len(tasks)), thread_name_prefix="section") as pool:
        outcomes = {notebook: (out, error) for notebook, out, error in pool.map(run, tasks)}
    for notebook in notebooks:  # in the order given
        out, error = outcomes[notebook]
        if error is None:
            result.written.append(out)
        else:
            result.failed[str(notebook)] = error
    return result


def build(notebooks, output_dir: str | Path, data: str, codebook: str | None = None,
          data_cut: str | None = None, settings: dict | None = None, extra: dict | None = None,
          depends=(), jobs: int | None = None, stamp: str | Path | None = None,
          echo=sys.stdout, warnings_to=sys.stderr, problems: str | Path | None = None, require=None) -> BuildResult:
    """Validate ``data`` (rewriting ``stamp`` when it changed), run the out-of-date sections,
    then write ``<output_dir>/index.html`` if it is out of date and every section succeeded.

    ``settings`` (lang, decimals, suppress_below, study, lenient, ...) are notebook parameters,
    recorded in the stamp too (``study``, a study file, and ``lenient`` also steer the
    validation); ``depends`` are the prerequisites shared by every section (see
    :func:`is_stale`; the stamp is added to them); ``problems``: a CSV file for every problem
    of the input (never one of the inputs); ``require(cohort)``: a check of the settings against
    the loaded cohort (e.g. GROUP_BY names a column the file has) that raises InputError, run by
    the validation before anything is written. Raises :class:`~lmlib.problems.InputError` for
    unusable input, before any kernel starts and before anything is written (but, when a strict
    load fails, ``problems``). From then on the build holds the lock of ``output_dir``
    (:mod:`.lock`): a second build in the same checkout waits.
    """
    from .lock import build_lock
    from .stamp import check, commit

    settings = dict(settings or {})
    notebooks = [Path(nb) for nb in notebooks]
    for notebook in notebooks:
        if not notebook.is_file():
            raise ReportError(f"{PROG}: error: {notebook}: notebook not found")
    recorded = {**settings, **{k: v for k, v in (extra or {}).items() if v not in (None, "")}}
    recorded.pop("study", None)  # the stamp records the study file with its digest
    checked = check(data, codebook, data_cut, stamp, recorded, warnings_to=warnings_to,  # writes nothing
                    study=settings.get("study") or None, lenient=bool(settings.get("lenient")), problems=problems,
                    require=require)
    with build_lock(output_dir, echo=warnings_to):  # one build at a time, from here to the index
        from .. import config
        from ..guard import check_writable

        output_dir = Path(output_dir)
        check_writable([output_dir, output_dir / "tables", output_dir / "figures",
                        *([config.PROCESSED_DIR] if stamp else [])])
        commit(checked)
        return _run(notebooks, output_dir, data, codebook, data_cut, settings, extra, depends, jobs, stamp, echo)


def _run(notebooks, output_dir, data, codebook, data_cut, settings, extra, depends, jobs, stamp, echo) -> BuildResult:
    from .common import display_path

    depends = [*depends, *([stamp] if stamp else [])]
    output_dir = Path(output_dir)
    stale = stale_sections(notebooks, output_dir, depends)
    parameters = {"data": data, "codebook": codebook or "", "data_cut": data_cut or "",
                  "output_dir": display_path(output_dir), **settings}
    if parameters.get("study"):
        parameters["study"] = display_path(parameters["study"])
    index = output_dir / "index.html"
    htmls = [output_dir / f"{nb.stem}.html" for nb in notebooks]
    index_needed = bool(notebooks) and (bool(stale) or is_stale(index, [*htmls, *notebooks, *depends])
                                        or index_links(index) != [h.name for h in htmls])
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="index") as side:
        # the titles and the cohort are read while the sections run; their downloads (with sizes) after
        page = side.submit(_index_parts, notebooks, data, codebook, data_cut, settings) if index_needed else None
        result = run_sections(stale, output_dir, parameters, jobs=jobs, extra=extra, echo=echo)
        if page is not None and result.ok:
            write_text(index, _index_page(*page.result(), output_dir))
            result.index_written = True
            if echo is not None:
                print(f"wrote {index}", file=echo, flush=True)
    return result


def _index_parts(notebooks, data, codebook, data_cut, settings):
    from ..codebook import load_codebook
    from ..cohort import load_cohort
    from .index import index_entries

    cb = load_codebook(codebook or None, study=settings.get("study") or None)
    cohort = load_cohort(data or None, cb, strict=not settings.get("lenient"), data_cut=data_cut or None,
                         reuse_processed=True)
    lang = settings.get("lang") or "en"
    return index_entries(notebooks, lang), cohort.provenance(), lang


def _index_page(entries, provenance, lang, output_dir) -> str:
    from .index import index_html, section_downloads

    downloads, listed = {}, set()
    for _, href in entries:  # a file several sections link (the problems appendix) is listed once, first
        items = [(title, files) for title, files in section_downloads(Path(output_dir) / href, output_dir)
                 if not {link for _, link, _ in files} <= listed]
        listed.update(link for _, files in items for _, link, _ in files)
        downloads[href] = items
    return index_html(entries, provenance, lang, downloads)
