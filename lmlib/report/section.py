"""One section: execute its notebook with papermill, make the result reproducible, convert it to
HTML without code (:data:`~lmlib.report.common.TEMPLATE`: no CDN script, no timestamp)."""
from __future__ import annotations

import ast
import logging
import os
from pathlib import Path
import re
import sys

from .. import config
from ..atomic import write_text
from .common import (
    KERNEL_ARGUMENTS, KERNEL_NAME, PAPERMILL_LOGGERS, PROG, REMOVED_CELL_TAGS, REMOVED_OUTPUT_TAGS, TEMPLATE,
    TEMPLATES_DIR, TRACEBACK_LINES, ReportError, ADDRESS, ANSI, STYLER_TABLE, display_path, is_synthetic_input,
    section_title, source_date_epoch, translate_prose,
)
from ..provenance import shown_path


def clean_executed(nb, input_path: str, output_path: str):
    """Make an executed notebook reproducible, in place: drop papermill's and nbclient's
    timings (start/end times, durations), record the input and output paths relative to
    PROJ_ROOT, give every cell a deterministic id (papermill's injected cell has a random one),
    and replace the random parts of outputs: pandas Styler table ids and memory addresses
    in plain-text reprs."""
    meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "exception"):
        meta.pop(key, None)
    if meta:
        meta["input_path"] = input_path
        meta["output_path"] = output_path
    nb.metadata.pop("widgets", None)
    seen = set()
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        for number, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = fix_styler_ids(data["text/html"], f"{index}o{number}")
            if "text/plain" in data:  # "<Styler at 0x7f41ebd1d250>": a memory address, new every run
                data["text/plain"] = ADDRESS.sub(">", "".join(data["text/plain"]))
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not cell.get("id") or cell.id in seen:
            cell.id = f"cell-{index}"
        seen.add(cell.id)
    return nb


PATH_PARAMETERS = ("data", "codebook", "output_dir", "screening", "published", "study")


def record_paths_privately(nb, parameters: dict):
    """Make the executed notebook record every path parameter (:data:`PATH_PARAMETERS`) as
    :func:`lmlib.provenance.shown_path` gives it, in papermill's metadata and in the injected
    parameters cell, and replace those paths in every cell's source and output: no absolute
    path of the user's machine, and no file or folder name that looks like an identifier, is
    stored. The kernel was given the real paths; the notebook on disk records only these."""
    from papermill.translators import translate_parameters

    from ..provenance import shown_path, shown_text

    paths = [v for k, v in parameters.items() if k in PATH_PARAMETERS and isinstance(v, str) and v]
    shown = {k: (shown_path(v) if k in PATH_PARAMETERS and isinstance(v, str) and v else v)
             for k, v in parameters.items()}
    meta = nb.metadata.get("papermill", {})
    if "parameters" in meta:
        meta["parameters"] = shown
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = translate_parameters(KERNEL_NAME, "python", shown, "Parameters")
            continue
        cell.source = shown_text(cell.source, paths)
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = shown_text("".join(output["text"]), paths)
            for key, value in output.get("data", {}).items():
                if key.startswith("text/") or key in ("application/json",):
                    if isinstance(value, (str, list)):
                        output["data"][key] = shown_text("".join(value) if isinstance(value, list) else value, paths)
            if "traceback" in output:
                output["traceback"] = [shown_text(line, paths) for line in output["traceback"]]
    return nb


def fix_styler_ids(text, prefix: str):
    """Replace the random ids of pandas Styler tables (``T_`` + 5 hex digits, a new one at every
    run) in an HTML output by ``T_lm<prefix>t<k>``; returns the text (str or list, as given)."""
    joined = "".join(text) if isinstance(text, list) else text
    ids = list(dict.fromkeys(STYLER_TABLE.findall(joined)))
    for k, uid in enumerate(ids):
        joined = re.sub(rf"\bT_{uid}(?![0-9A-Za-z])", f"T_lm{prefix}t{k}", joined)
    if not ids:
        return text
    return joined.splitlines(keepends=True) if isinstance(text, list) else joined


def notebook_parameters(nb) -> list[str]:
    """Names assigned in the cell tagged ``parameters`` (empty list when there is none)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return []
            names = []
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    return []


class _QuietPapermill(logging.Filter):
    """Papermill's own parameter-cell parser stops at a second "=" on a line (as in a comment),
    then warns about lines it cannot parse and calls the parameters it missed "unknown";
    :func:`run_section` checks the names itself (with :mod:`ast`), so those two are dropped."""

    def filter(self, record):
        message = record.getMessage()
        return not message.startswith(("Unable to parse line", "Passed unknown parameter"))


def to_html(nb, title: str, lang: str = "en", path: str | Path = "") -> str:
    """The executed notebook as self-contained HTML: no code, no prompts, images embedded
    (Markdown images relative to ``path``, the notebook's folder), the parameters cells
    removed, no CDN script (template :data:`TEMPLATE`)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_CELL_TAGS)
    c.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVED_OUTPUT_TAGS)
    exporter = HTMLExporter(
        config=c, template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True, language_code=lang,
    )
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title, "path": str(path)}})
    return body


OS_ERRORS = {cls.__name__ for cls in (OSError, *OSError.__subclasses__())}


def _failure_message(notebook, exc) -> str:
    """The failing cell's error: its name and value, and the end of that cell's traceback
    (no runner traceback). An lmlib InputError shows its message only."""
    lines = [ANSI.sub("", line) for entry in (exc.traceback or []) for line in str(entry).splitlines()]
    lines = [line for line in lines if line.strip() and not set(line.strip()) <= {"-"}]
    first = (exc.source or "").strip().splitlines()[:1]
    where = f"cell [{exc.exec_count}]" + (f" ({first[0][:70]!s})" if first else "")
    head = f"{PROG}: error: {notebook} failed in {where}:"
    if exc.ename in ("InputError", "ValidationError"):
        return f"{head}\n{exc.evalue}"
    if exc.ename in OS_ERRORS:  # the environment, not the code: a full disk, a read-only folder
        return f"{head} {exc.ename}: {exc.evalue}"
    tail = lines[-TRACEBACK_LINES:] if lines else [f"{exc.ename}: {exc.evalue}"]
    if not any(exc.ename in line for line in tail[-3:]):
        tail.append(f"{exc.ename}: {exc.evalue}")
    return "\n".join([head, *("    " + line for line in tail)])


def run_section(notebook: str | Path, output_html: str | Path, parameters: dict | None = None) -> Path:
    """Execute ``notebook`` with ``parameters`` and write ``output_html`` (and the executed
    ``.ipynb`` beside it), both only when everything succeeded.

    Parameters
    ----------
    notebook : a section notebook with a cell tagged ``parameters``.
    output_html : the HTML to write; the executed notebook goes to the same name with ``.ipynb``.
    parameters : papermill parameters (see :data:`PARAMETER_NAMES`); paths are passed relative to
        PROJ_ROOT (the kernel's working directory) or absolute.

    Raises
    ------
    ReportError : a cell failed (the message holds that cell's error) or the notebook could
        not be run; nothing was written.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillException, PapermillExecutionError

    notebook, output_html = Path(notebook), Path(output_html)
    if not notebook.is_file():
        raise ReportError(f"{PROG}: error: {notebook}: notebook not found")
    parameters = dict(parameters or {})
    for key in ("data", "codebook", "output_dir", "study"):
        if parameters.get(key):
            parameters[key] = display_path(parameters[key])
    lang = parameters.get("lang") or "en"
    title = section_title(notebook, lang)
    known = notebook_parameters(nbformat.read(str(notebook), as_version=4))
    for name in parameters:
        if name not in known:
            print(f"{PROG}: warning: {notebook} has no parameter {name!r} in its parameters cell "
                  "(it is set anyway, after that cell)", file=sys.stderr)
    prepare_environment(parameters.get("data_cut"))
    quiet = _QuietPapermill()
    for name in PAPERMILL_LOGGERS:
        logging.getLogger(name).addFilter(quiet)
    try:  # output_path None: papermill keeps the notebook in memory (no file written per cell)
        nb = papermill.execute_notebook(
            str(notebook), None, parameters=parameters, kernel_name=KERNEL_NAME,
            report_mode=True, progress_bar=False, log_output=False, cwd=str(config.PROJ_ROOT),
            extra_arguments=KERNEL_ARGUMENTS,
        )
    except PapermillExecutionError as exc:
        raise ReportError(_failure_message(notebook, exc)) from None
    except (PapermillException, RuntimeError, OSError, ValueError) as exc:
        raise ReportError(f"{PROG}: error: {notebook} could not be run: {type(exc).__name__}: {exc}") from None
    finally:
        for name in PAPERMILL_LOGGERS:
            logging.getLogger(name).removeFilter(quiet)
    ipynb = output_html.with_suffix(".ipynb")
    clean_executed(nb, shown_path(notebook), shown_path(ipynb))
    record_paths_privately(nb, parameters)
    translate_prose(nb, lang, parameters.get("decimal_mark") or ".")
    synthetic = is_synthetic_input(parameters.get("data"))
    nb.metadata["lmlib"] = {"synthetic": synthetic, "lang": lang}
    if synthetic:
        from ..present.catalog import text

        nb.metadata["lmlib"]["banner"] = text("report.synthetic_banner", lang)
    page = to_html(nb, title, lang, notebook.resolve().parent)
    write_text(ipynb, nbformat.writes(nb) + "\n")
    write_text(output_html, page)
    return output_html


def prepare_environment(data_cut: str | None = None) -> None:
    """Set the environment the section kernels inherit, for reproducible output: figures dated
    by ``SOURCE_DATE_EPOCH`` (the data cut-off, :func:`~lmlib.report.common.source_date_epoch`),
    a fixed hash seed (set order), a fixed cell file name in warnings (ipykernel otherwise names
    cells after a temporary folder and its process id), one BLAS/OpenMP thread per kernel
    unless the shell sets another number (sums in a fixed order, and parallel kernels do not
    oversubscribe the CPUs), inline figures whatever ``MPLBACKEND`` the shell has; and build
    matplotlib's font cache before any kernel starts. The same for every section of a build,
    so it is safe to call from several threads."""
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(data_cut)
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["IPYKERNEL_CELL_NAME"] = "<cell>"
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules note
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    _warm_font_cache()


def _warm_font_cache() -> None:
    """Build matplotlib's font cache here, once, so that its "building the font cache" note
    never lands in a report's output (and two builds give the same HTML)."""
    try:
        import matplotlib.font_manager  # noqa: F401
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        pass
