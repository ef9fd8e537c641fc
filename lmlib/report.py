"""Build the HTML reports: validate the input, run a section notebook, convert it, write the index.

``make report`` calls the three commands of this module (``python -m lmlib.report ...``):

``validate DATA``
    Load the cohort strictly and stop with one clear message (exit 2) when it cannot be used,
    before any kernel starts. With ``--stamp FILE`` it (re)writes FILE, the Make prerequisite of
    every report, only when the data file, its SHA-256, the codebook or a report setting
    changed, so switching ``DATA=`` to another file (even an older one) rebuilds the reports and
    an unchanged input rebuilds nothing. An unchanged stamp is not validated again.
``section NOTEBOOK OUTPUT.html``
    Execute the notebook with papermill (kernel ``python3``, the environment's own) and convert
    it to self-contained HTML without code (:data:`TEMPLATE`: no CDN script, no timestamp).
    On a failing cell, print that cell's error and exit 1.
``index OUTPUT.html NOTEBOOK...``
    The page linking the sections, with the cohort's file name, n and data cut-off.

Every output (the executed ``.ipynb`` beside the HTML, the HTML, the index, the stamp) is
written to a temporary file and moved into place only when complete (:mod:`lmlib.atomic`), so
a failed run leaves the previous reports exactly as they were, and a run killed at any moment
leaves each file either old or new. The temporary files a killed run leaves behind (hidden:
``.<name>.<random>.tmp``) are deleted by the next ``validate --stamp``. The input file is
only read.

Reproducibility: the executed notebook is stripped of papermill's and nbclient's timings,
cell ids are made deterministic, and figures get ``SOURCE_DATE_EPOCH`` = the data cut-off, so
building twice gives byte-identical HTML; no date in a report comes from the clock.
"""
from __future__ import annotations

import argparse
import ast
import datetime as dt
import hashlib
import html
import logging
import os
from pathlib import Path
import re
import sys
import tempfile

from . import config
from .atomic import write_text

PROG = "lmlib"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "lmreport"
KERNEL_NAME = "python3"
PARAMETER_NAMES = ("data", "codebook", "output_dir", "lang", "decimals", "continuous_summary", "data_cut",
                   "suppress_below")
REMOVED_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell", "remove_cell")
REMOVED_OUTPUT_TAGS = ("remove-output", "remove_output")
# ipykernel's own log (a startup notice about TCP, "KeyboardInterrupt caught" at shutdown) is noise.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
PAPERMILL_LOGGERS = ("papermill", "papermill.translators")
TRACEBACK_LINES = 12  # lines of the failing cell's traceback shown (its end, where the error is)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]{6,16}>")
_STYLER_TABLE = re.compile(r'<table id="T_([0-9a-f]{5})"')  # pandas Styler: T_ + uuid4().hex[:5]


class ReportError(Exception):
    """A report cannot be built; the message says why (printed without a traceback)."""


# ------------------------------------------------------------------------------ helpers

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _display_path(path: str | Path) -> str:
    """``path`` relative to PROJ_ROOT when inside it, else absolute (the kernel runs in PROJ_ROOT)."""
    if str(path) == "":
        return ""
    full = Path(path).resolve()
    try:
        return full.relative_to(config.PROJ_ROOT).as_posix()
    except ValueError:
        return str(full)


def is_synthetic_input(data: str | Path | None) -> bool:
    """True for the bundled synthetic cohort: no data given, or a file named "synthetic..."
    (the rule of :attr:`lmlib.cohort.Cohort.is_synthetic`)."""
    return not data or "synthetic" in Path(data).name.lower()


def section_title(notebook: str | Path) -> str:
    """The notebook's first Markdown heading (``# Title``), else its file name."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
            if match and match.group(1):
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return Path(notebook).stem


def parse_data_cut(data_cut: str | None) -> dt.date | None:
    """The data cut-off as a date (None when empty); raises InputError unless it is yyyy-mm-dd."""
    if not data_cut:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", str(data_cut)):
            raise ValueError
        return dt.date.fromisoformat(str(data_cut))
    except ValueError:
        from .problems import InputError

        raise InputError(f"data cut-off {data_cut!r}: expected a date written yyyy-mm-dd, "
                         "e.g. 2018-12-31") from None


def source_date_epoch(data_cut: str | None) -> str:
    """``SOURCE_DATE_EPOCH`` for the figures: the data cut-off at 00:00 UTC, else 0."""
    day = parse_data_cut(data_cut)
    if day is None:
        return "0"
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()))


# ------------------------------------------------------------------------------ validate

def stamp_text(data: str, codebook: str | None, data_cut: str | None, params: dict | None = None) -> str:
    """What the data stamp records: the data path, its SHA-256, the codebook's, the settings."""
    codebook_path = Path(codebook) if codebook else config.CODEBOOK
    lines = [f"data={data}", f"data_sha256={_sha256(Path(data))}",
             f"codebook={codebook or ''}", f"codebook_sha256={_sha256(codebook_path)}",
             f"data_cut={data_cut or ''}"]
    lines += [f"{k}={v}" for k, v in sorted((params or {}).items())]
    return "\n".join(lines) + "\n"


def remove_stale_temporaries(*folders: str | Path) -> list[Path]:
    """Delete the hidden temporary files (``.<name>.<random>.tmp``, :mod:`lmlib.atomic`) that a
    killed run left in ``folders`` and their subfolders; returns what was deleted. Only one
    report build may run in a checkout at a time (two would also race for the same outputs)."""
    removed = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in folder.rglob(".*.tmp"):
            if path.is_file() and not path.is_symlink():
                try:
                    path.unlink()
                except FileNotFoundError:  # pragma: no cover - gone meanwhile
                    continue
                removed.append(path)
    return removed


def validate(data: str | Path, codebook: str | Path | None = None, data_cut: str | None = None,
             stamp: str | Path | None = None, params: dict | None = None, warnings_to=None) -> bool:
    """Load the cohort strictly; raise :class:`~lmlib.problems.InputError` (or its subclass
    ValidationError) with the user-readable message when it cannot be used.

    With ``stamp``: return False without loading when the stamp already records these inputs
    (it is written only after a successful validation), else validate, write the cleaned cohort
    to ``data/processed/cohort.parquet`` and the stamp (both atomically) and return True; in
    both cases, once the input is known to be good, the temporary files a killed run left in
    the stamp's folder (the reports) and in ``data/processed`` are deleted first. A failed
    validation changes nothing at all. ``warnings_to`` (a file such as ``sys.stderr``) gets the
    warnings of the load (unknown columns, columns dropped as direct identifiers), one a line.
    """
    data = str(data)
    parse_data_cut(data_cut)
    if codebook and not Path(codebook).is_file():
        from .problems import InputError

        raise InputError(f"{codebook}: codebook not found")
    text = None
    if stamp is not None and Path(data).is_file() and (not codebook or Path(codebook).is_file()):
        text = stamp_text(data, codebook and str(codebook), data_cut, params)
        if Path(stamp).is_file() and Path(stamp).read_text(encoding="utf-8") == text:
            remove_stale_temporaries(Path(stamp).parent, config.PROCESSED_DIR)
            return False
    if params and "suppress_below" in params:  # after the stamp check: a recorded k was valid
        from .problems import InputError
        from .suppress import check_k

        try:
            check_k(params["suppress_below"])
        except ValueError as exc:
            raise InputError(f"SUPPRESS_BELOW: {exc}") from None
    from .cohort import load_cohort, write_processed

    cohort = load_cohort(data, codebook or None, strict=True, data_cut=data_cut or None)
    if warnings_to is not None:
        _print_warnings(cohort, warnings_to)
    if stamp is not None:  # a report build: keep the cleaned cohort (git-ignored) beside the reports
        remove_stale_temporaries(Path(stamp).parent, config.PROCESSED_DIR)
        write_processed(cohort)
        write_text(stamp, text or stamp_text(data, codebook and str(codebook), data_cut, params))
    return True


def _print_warnings(cohort, stream) -> None:
    from .cohort import _as_problems
    from .problems import MAX_LISTED

    warnings = [p for p in _as_problems(cohort.problems) if p.severity == "warning"]
    for problem in warnings[:MAX_LISTED]:
        print(f"{PROG}: warning: {problem.describe()}", file=stream)
    if len(warnings) > MAX_LISTED:
        print(f"{PROG}: warning: ... and {len(warnings) - MAX_LISTED} more", file=stream)


# ------------------------------------------------------------------------------ section

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
                data["text/plain"] = _ADDRESS.sub(">", "".join(data["text/plain"]))
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not cell.get("id") or cell.id in seen:
            cell.id = f"cell-{index}"
        seen.add(cell.id)
    return nb


def fix_styler_ids(text, prefix: str):
    """Replace the random ids of pandas Styler tables (``T_`` + 5 hex digits, a new one at every
    run) in an HTML output by ``T_lm<prefix>t<k>``; returns the text (str or list, as given)."""
    joined = "".join(text) if isinstance(text, list) else text
    ids = list(dict.fromkeys(_STYLER_TABLE.findall(joined)))
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


def _failure_message(notebook, exc) -> str:
    """The failing cell's error: its name and value, and the end of that cell's traceback
    (no runner traceback). An lmlib InputError shows its message only."""
    lines = [_ANSI.sub("", line) for entry in (exc.traceback or []) for line in str(entry).splitlines()]
    lines = [line for line in lines if line.strip() and not set(line.strip()) <= {"-"}]
    first = (exc.source or "").strip().splitlines()[:1]
    where = f"cell [{exc.exec_count}]" + (f" ({first[0][:70]!s})" if first else "")
    head = f"{PROG}: error: {notebook} failed in {where}:"
    if exc.ename in ("InputError", "ValidationError"):
        return f"{head}\n{exc.evalue}"
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
    for key in ("data", "codebook", "output_dir"):
        if parameters.get(key):
            parameters[key] = _display_path(parameters[key])
    title = section_title(notebook)
    known = notebook_parameters(nbformat.read(str(notebook), as_version=4))
    for name in parameters:
        if name not in known:
            print(f"{PROG}: warning: {notebook} has no parameter {name!r} in its parameters cell "
                  "(it is set anyway, after that cell)", file=sys.stderr)
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(parameters.get("data_cut"))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules note
    # figures inline in the report, whatever MPLBACKEND the shell has
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    _warm_font_cache()
    quiet = _QuietPapermill()
    for name in PAPERMILL_LOGGERS:
        logging.getLogger(name).addFilter(quiet)
    with tempfile.TemporaryDirectory(prefix="lmlib-report-") as tmp:
        executed = Path(tmp) / notebook.name
        try:
            papermill.execute_notebook(
                str(notebook), str(executed), parameters=parameters, kernel_name=KERNEL_NAME,
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
        nb = nbformat.read(str(executed), as_version=4)
    ipynb = output_html.with_suffix(".ipynb")
    clean_executed(nb, _display_path(notebook), _display_path(ipynb))
    nb.metadata["lmlib"] = {"synthetic": is_synthetic_input(parameters.get("data"))}
    page = to_html(nb, title, parameters.get("lang") or "en", notebook.resolve().parent)
    write_text(ipynb, nbformat.writes(nb) + "\n")
    write_text(output_html, page)
    return output_html


def _warm_font_cache() -> None:
    """Build matplotlib's font cache here, once, so that its "building the font cache" note
    never lands in a report's output (and two builds give the same HTML)."""
    try:
        import matplotlib.font_manager  # noqa: F401
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        pass


# ------------------------------------------------------------------------------ index

_INDEX_TEXT = {
    "en": {"title": "Leptomeningeal metastases: reports", "cohort": "Cohort file", "n": "Patients (n)",
           "cut": "Data cut-off", "not_given": "not given", "synthetic": "Synthetic data",
           "yes": "YES: synthetic cohort, not patients", "no": "no", "sections": "Sections",
           "sha": "Input SHA-256",
           "banner": "SYNTHETIC DATA: these reports were built from the bundled synthetic cohort, "
                     "not from patients. Do not cite their numbers."},
    "tr": {"title": "Leptomeningeal metastazlar: raporlar", "cohort": "Kohort dosyası", "n": "Hasta (n)",
           "cut": "Veri kesim tarihi", "not_given": "belirtilmedi", "synthetic": "Sentetik veri",
           "yes": "EVET: sentetik kohort, hasta verisi değil", "no": "hayır", "sections": "Bölümler",
           "sha": "Girdi SHA-256",
           "banner": "SENTETİK VERİ: bu raporlar hasta verisinden değil, pakette gelen sentetik kohorttan "
                     "üretilmiştir. Sayıları kaynak olarak kullanmayın."},
}

_INDEX_CSS = """body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
  max-width: 50em; padding: 0 1em; color: #222; line-height: 1.5; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; }
td.hash { font-family: monospace; word-break: break-all; }
.synthetic { background: #b00020; color: #fff; font-weight: bold; padding: 0.5em 0.8em; border-radius: 3px; }
ol li { margin: 0.3em 0; }"""


def _month(data_cut, lang: str) -> str:
    """The data cut-off's month ("December 2018"): a shared report never shows a full date."""
    from .formatting import fmt_month

    return fmt_month(data_cut, lang if lang in _INDEX_TEXT else "en") if data_cut else ""


def index_html(sections, provenance: dict, lang: str = "en") -> str:
    """The index page: ``sections`` is a list of (title, relative link); ``provenance`` is
    :meth:`lmlib.cohort.Cohort.provenance`. No clock, no script, no outside resource; the data
    cut-off by its month only."""
    text = _INDEX_TEXT.get(lang, _INDEX_TEXT["en"])
    esc = html.escape
    synthetic = bool(provenance.get("synthetic"))
    rows = [(text["cohort"], provenance.get("input_file", ""), ""),
            (text["n"], str(provenance.get("n", "")), ""),
            (text["cut"], _month(provenance.get("data_cut"), lang) or text["not_given"], ""),
            (text["synthetic"], text["yes"] if synthetic else text["no"], ""),
            (text["sha"], provenance.get("input_sha256", ""), "hash")]
    out = ["<!DOCTYPE html>", f'<html lang="{esc(lang)}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
           f"<title>{esc(text['title'])}</title>", f"<style>\n{_INDEX_CSS}\n</style>", "</head>", "<body>",
           "<main>", f"<h1>{esc(text['title'])}</h1>"]
    if synthetic:
        out.append(f'<p class="synthetic">{esc(text["banner"])}</p>')
    out.append("<table><tbody>")
    for label, value, css in rows:
        cls = f' class="{css}"' if css else ""
        out.append(f"<tr><th scope=\"row\">{esc(label)}</th><td{cls}>{esc(str(value))}</td></tr>")
    out += ["</tbody></table>", f"<h2>{esc(text['sections'])}</h2>", "<ol>"]
    out += [f'<li><a href="{esc(href, quote=True)}">{esc(title)}</a></li>' for title, href in sections]
    out += ["</ol>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def build_index(sections, cohort, output: str | Path, lang: str = "en") -> Path:
    """Write the index page (atomically) linking the section reports.

    Parameters
    ----------
    sections : section notebooks (paths): each links to ``<stem>.html`` beside ``output``,
        titled by its first heading; or (title, link) pairs.
    cohort : a :class:`~lmlib.cohort.Cohort` or its ``provenance()`` dict.
    output : the index file, e.g. ``reports/index.html``.
    """
    entries = []
    for section in sections:
        if isinstance(section, (tuple, list)):
            entries.append((str(section[0]), str(section[1])))
        else:
            entries.append((section_title(section), f"{Path(section).stem}.html"))
    provenance = cohort.provenance() if hasattr(cohort, "provenance") else dict(cohort)
    write_text(output, index_html(entries, provenance, lang))
    return Path(output)


# ------------------------------------------------------------------------------ command line

class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        print(f"{PROG}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _value(text: str):
    """A ``-p name=value`` value: int, then float, else the string (as papermill's -p)."""
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _pairs(items) -> dict:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ReportError(f"{PROG}: error: expected NAME=VALUE, not {item!r}")
        out[name] = _value(value)
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=f"python -m {__name__}", description="Build the HTML reports (see `make report`).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def cohort_options(p):
        p.add_argument("--codebook", default="", help="codebook file (default data/codebook.yaml)")
        p.add_argument("--data-cut", default="", metavar="YYYY-MM-DD", help="data cut-off date")

    p = sub.add_parser("validate", help="load DATA strictly; one message and exit 2 if it cannot be used")
    p.add_argument("data", metavar="DATA", help="the cohort file (.csv, .xlsx or .sav)")
    cohort_options(p)
    p.add_argument("--stamp", default=None, metavar="FILE", help="rewrite FILE when the inputs changed")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="a setting recorded in the stamp")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("section", help="execute a notebook and write its HTML report")
    p.add_argument("notebook", metavar="NOTEBOOK")
    p.add_argument("output", metavar="OUTPUT.html")
    p.add_argument("--data", default=None, help="cohort file (default: the notebook's: synthetic)")
    p.add_argument("--codebook", default=None)
    p.add_argument("--data-cut", default=None, metavar="YYYY-MM-DD")
    p.add_argument("--lang", default=None, choices=["en", "tr"])
    p.add_argument("--decimals", default=None, type=int)
    p.add_argument("--continuous-summary", default=None, metavar="VAR=mean_sd|median_iqr,...")
    p.add_argument("--output-dir", default=None, help="folder for the notebook's own outputs (tables)")
    p.add_argument("--suppress-below", default=None, type=int, metavar="K",
                   help="small-cell rule: counts 1 to K-1 shown as <K (0: off)")
    p.add_argument("-p", "--parameter", action="append", metavar="NAME=VALUE", help="any other parameter")
    p.set_defaults(func=_cmd_section)

    p = sub.add_parser("index", help="write the index page linking the section reports")
    p.add_argument("output", metavar="OUTPUT.html")
    p.add_argument("notebooks", metavar="NOTEBOOK", nargs="*")
    p.add_argument("--data", default="", help="cohort file (default: the synthetic cohort)")
    cohort_options(p)
    p.add_argument("--lang", default="en", choices=["en", "tr"])
    p.set_defaults(func=_cmd_index)
    return parser


def _cmd_validate(args) -> int:
    validate(args.data, args.codebook or None, args.data_cut or None, args.stamp, _pairs(args.param),
             warnings_to=sys.stderr)
    return 0


def _cmd_section(args) -> int:
    parameters = {name: getattr(args, name) for name in PARAMETER_NAMES if getattr(args, name, None) is not None}
    parameters.update(_pairs(args.parameter))
    out = run_section(args.notebook, args.output, parameters)
    print(f"wrote {out}")
    return 0


def _cmd_index(args) -> int:
    from .cohort import load_cohort

    cohort = load_cohort(args.data or None, args.codebook or None, strict=True, data_cut=args.data_cut or None)
    print(f"wrote {build_index(args.notebooks, cohort, args.output, args.lang)}")
    return 0


def main(argv=None) -> int:
    """Run a command; returns the exit status (0 ok, 1 a report failed, 2 unusable input or usage)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - shown as one message, never a traceback
        from .problems import InputError

        if isinstance(exc, InputError):
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    raise SystemExit(main())
