"""Checks made before and just after an input is read, so that a hostile or careless file ends in
one clear message instead of a hang, gigabytes of memory or an overwritten input.

Before a byte is read (:func:`check_input_path`): the input must be a regular file or a folder
of Parquet parts (a FIFO, ``/dev/zero`` or ``/dev/stdin`` would block or never end), and must not
lie in ``data/processed/`` or ``reports/``, which the pipeline rewrites. Before parsing
(:func:`lmlib.declared.inspect`), what the file declares must fit in memory: a
workbook's zip entries, unzipped, at most :data:`MAX_EXPANSION` times the file (real workbooks:
5–20×; a zip bomb: 1000×); a Parquet file's rows × columns and unzipped size from its footer; an
SPSS file's cases × variables from its header; a CSV file has no NUL byte, one known encoding and
at most :data:`MAX_CELLS` cells. After reading (:func:`check_table`): no cell longer than
Excel's own limit of :data:`MAX_CELL_CHARS` characters, and at most :data:`MAX_TEXT_CHARS`
characters in all.

Outputs (:func:`check_outputs`, :func:`check_writable`): a command never writes over its input,
and a build stops before writing anything when an output folder is read-only or full.

Standard library only at import: the report build checks its input on every run, including the
no-op one that imports no pandas.
"""
from __future__ import annotations

import os
from pathlib import Path
import stat

from . import config
from .problems import InputError

MAX_CELLS = 60_000_000  # rows × columns held in memory: about 1.3 million patients of 45 columns
MAX_CELL_CHARS = 32_767  # Excel's own limit on the text of one cell
MAX_TEXT_CHARS = 1 << 30  # characters in all the cells of a table
MAX_EXPANSION = 100  # unzipped / zipped bytes of a workbook
MIN_UNZIPPED_ALLOWED = 64 << 20  # a small workbook may always unzip to this much
MAX_UNZIPPED = 3 << 30  # unzipped bytes of a workbook, or of a Parquet file's pages
MAX_ZIP_ENTRIES = 10_000
MAX_PARQUET_FOOTER = 64 << 20
MAX_HEADER_BYTES = 8 << 20  # the first line of a CSV file
CHUNK = 1 << 20
MAX_FILE_BYTES = 8 << 30  # an input file, or all the parts of a folder (hashed before it is read)
PARQUET_HINT = "for registry-sized data: Parquet parts, aggregated with lmlib.scale on Dask"


def bytes_text(n: int) -> str:
    """A size for a message: "100 MiB", "2.0 GiB"."""
    return f"{n / (1 << 20):,.0f} MiB" if n < (1 << 30) else f"{n / (1 << 30):,.1f} GiB"


# ------------------------------------------------------------------------------ where and what

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _special(mode: int) -> str | None:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else "not a regular file"


def check_input_path(path: str | Path, role: str = "input") -> Path:
    """Refuse, before a byte is read, an input that is missing, not a regular file or a folder
    (a FIFO, a device such as ``/dev/zero``, a socket), or that lies inside ``data/processed/``
    or ``reports/`` (outputs of the pipeline, which a build rewrites). Returns the path.
    Only ``stat`` is called: a FIFO is never opened."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    kind = _special(info.st_mode)
    if kind is not None:
        raise InputError(f"{path}: is {kind}, not a regular file; expected a .csv, .xlsx, .sav or .parquet file, "
                         "or a folder of .parquet parts")
    size = info.st_size if stat.S_ISREG(info.st_mode) else _folder_size(path)
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: {bytes_text(size)} of data; at most {bytes_text(MAX_FILE_BYTES)} is read ({PARQUET_HINT})")
    for folder, what in ((config.PROCESSED_DIR, "data/processed/"), (config.REPORTS_DIR, "reports/")):
        if _inside(path, folder):
            raise InputError(f"{path}: the {role} is inside {what}, which the pipeline writes; copy it to "
                             "data/raw/ (or elsewhere) and use that copy")
    return path


def _folder_size(folder: Path) -> int:
    from .hashing import parquet_parts

    return sum(part.stat().st_size for part in parquet_parts(folder))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_outputs(inputs, outputs) -> None:
    """Refuse to run when an output path is an input (or the same file under another name), or
    two outputs are one file: the input is never overwritten. Missing inputs are skipped."""
    inputs = [Path(p) for p in inputs if p]
    outputs = [Path(p) for p in outputs if p]
    for i, out in enumerate(outputs):
        for source in inputs:
            if _same(out, source):
                raise InputError(f"{out}: is the input file {source}; refusing to write over the input "
                                 "(choose another output path)")
        for other in outputs[i + 1:]:
            if _same(out, other):
                raise InputError(f"{out}: given as two different outputs; expected a path for each")


def check_writable(folders) -> None:
    """Raise OSError (naming the folder and the cause) unless a file can be created in each of
    ``folders`` (or, for one that does not exist yet, in its nearest existing parent): a
    read-only or full output folder stops a build before anything is written."""
    import tempfile

    for folder in folders:
        folder = Path(folder)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        try:
            fd, probe = tempfile.mkstemp(prefix=".lmlib-write-test.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(folder)) from None
        os.close(fd)
        os.unlink(probe)


def _same(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:  # pragma: no cover - vanished meanwhile
        return False


def check_headers(path: Path, headers) -> None:
    """Refuse a header row in which a (non-blank) name appears twice: which column is meant
    would be a guess. Names are compared after trimming; positions are counted from 1."""
    seen: dict[str, int] = {}
    for position, name in enumerate(headers, start=1):
        text = "" if name is None else str(name).strip()
        if not text or text.startswith("Unnamed: "):
            continue
        if text in seen:
            from .identifiers import shown_header

            raise InputError(f"{path}: the header {shown_header(text, position)} appears twice (columns "
                             f"{seen[text]} and {position}); expected each column header once")
        seen[text] = position


# ------------------------------------------------------------------------------ after reading

def check_table(frame, path: Path) -> None:
    """Refuse a table as read with more than :data:`MAX_CELLS` cells, a header or a cell longer
    than :data:`MAX_CELL_CHARS` characters (Excel's limit), or more than :data:`MAX_TEXT_CHARS`
    characters in all; the message names the row and column, never the text."""
    import numpy as np

    from .identifiers import shown_header

    rows, columns = frame.shape
    if rows * columns > MAX_CELLS:
        raise InputError(f"{path}: {rows:,} rows × {columns:,} columns ({rows * columns:,} cells); at most "
                         f"{MAX_CELLS:,} cells are read into memory ({PARQUET_HINT})")
    for position, name in enumerate(frame.columns, start=1):
        if len(str(name)) > MAX_CELL_CHARS:
            raise InputError(f"{path}: the header of column {position} is {len(str(name)):,} characters long; "
                             f"expected at most {MAX_CELL_CHARS:,} (Excel's limit)")
    total = 0
    for position, (name, column) in enumerate(frame.items(), start=1):
        if column.dtype != object:
            continue
        values = column.to_numpy()
        lengths = np.fromiter((len(v) if isinstance(v, str) else 0 for v in values), dtype=np.int64,
                              count=len(values))
        if len(lengths) == 0:
            continue
        longest = int(lengths.argmax())
        if lengths[longest] > MAX_CELL_CHARS:
            raise InputError(f"{path}, row {frame.index[longest]}, column {shown_header(name, position)}: a cell of "
                             f"{int(lengths[longest]):,} characters; expected at most {MAX_CELL_CHARS:,} (Excel's "
                             "limit)")
        total += int(lengths.sum())
        if total > MAX_TEXT_CHARS:
            raise InputError(f"{path}: holds more than {MAX_TEXT_CHARS:,} characters of text; at most that much is "
                             f"read into memory ({PARQUET_HINT})")
