"""What every part of the report build shares: its settings, its error, paths and dates."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
import re

from .. import config
from ..hashing import sha256_file, sha256_of  # noqa: F401 - re-exported

PROG = "lmlib"
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE = "lmreport"
KERNEL_NAME = "python3"
PARAMETER_NAMES = ("data", "codebook", "output_dir", "lang", "decimals", "continuous_summary", "data_cut",
                   "suppress_below", "study")
REMOVED_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell", "remove_cell")
REMOVED_OUTPUT_TAGS = ("remove-output", "remove_output")
# ipykernel's own log (a startup notice about TCP, "KeyboardInterrupt caught" at shutdown) is noise.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
PAPERMILL_LOGGERS = ("papermill", "papermill.translators")
TRACEBACK_LINES = 12  # lines of the failing cell's traceback shown (its end, where the error is)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]{6,16}>")
STYLER_TABLE = re.compile(r'<table id="T_([0-9a-f]{5})"')  # pandas Styler: T_ + uuid4().hex[:5]


class ReportError(Exception):
    """A report cannot be built; the message says why (printed without a traceback)."""


def display_path(path: str | Path) -> str:
    """``path`` relative to PROJ_ROOT when inside it, else absolute (the kernel runs in PROJ_ROOT)."""
    if str(path) == "":
        return ""
    full = Path(path).resolve()
    try:
        return full.relative_to(config.PROJ_ROOT).as_posix()
    except ValueError:
        return str(full)


def is_synthetic_input(data: str | Path | None) -> bool:
    """True for the bundled synthetic cohort: no data given, or a file with its content
    (the rule of :attr:`lmlib.cohort.Cohort.is_synthetic`, :func:`lmlib.provenance.is_synthetic`)."""
    from ..provenance import is_synthetic

    return is_synthetic(data)


def section_title(notebook: str | Path, lang: str = "en") -> str:
    """The notebook's first Markdown heading (``# Title``), in ``lang`` when the cell's prose
    comes from the text catalog (:func:`prose_source`), else as written; else its file name."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in prose_source(cell, lang).splitlines():
            match = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
            if match and match.group(1):
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return Path(notebook).stem


def prose_key(cell) -> str | None:
    """The text-catalog key of a Markdown cell written by the notebook generators (its metadata
    ``lmlib.text``), else None."""
    return (cell.get("metadata", {}).get("lmlib") or {}).get("text")


def prose_source(cell, lang: str = "en") -> str:
    """A Markdown cell's text in ``lang``: from the text catalog when the cell names its key,
    else as written."""
    key = prose_key(cell)
    if key is None:
        return cell.source
    from ..present.catalog import text

    return text(key, lang)


DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def translate_prose(nb, lang: str = "en", decimal_mark: str = "."):
    """Put every catalog Markdown cell of ``nb`` in ``lang`` (in place; returns ``nb``): the
    report's prose in the report's language, as real Markdown (headings stay headings), its
    numbers ("1.96") with the report's decimal mark."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and prose_key(cell) is not None:
            source = prose_source(cell, lang)
            cell.source = DECIMAL_POINT.sub(decimal_mark, source) if decimal_mark != "." else source
    return nb


def parse_data_cut(data_cut: str | None) -> dt.date | None:
    """The data cut-off as a date (None when empty); raises InputError unless it is yyyy-mm-dd."""
    if not data_cut:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", str(data_cut)):
            raise ValueError
        return dt.date.fromisoformat(str(data_cut))
    except ValueError:
        from ..problems import InputError

        raise InputError(f"data cut-off {data_cut!r}: expected a date written yyyy-mm-dd, "
                         "e.g. 2018-12-31") from None


def source_date_epoch(data_cut: str | None) -> str:
    """``SOURCE_DATE_EPOCH`` for the figures: the data cut-off at 00:00 UTC, else 0."""
    day = parse_data_cut(data_cut)
    if day is None:
        return "0"
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()))
