"""Checks made before and just after an input is read, so that a hostile or careless file ends in
one clear message instead of a hang, gigabytes of memory or an overwritten input.

Before a byte is read (:func:`check_input_path`): the input must be a regular file or a folder
of Parquet parts (a FIFO, ``/dev/zero`` or ``/dev/stdin`` would block or never end), and must not
lie in ``data/processed/`` or ``reports/``, which the pipeline rewrites. Before parsing
(:func:`inspect`), what the file declares must fit in memory: a workbook's zip entries, unzipped,
at most :data:`MAX_EXPANSION` times the file (real workbooks: 5–20×; a zip bomb: 1000×); a
Parquet file's rows × columns and unzipped size from its footer; an SPSS file's cases × variables
from its header; a CSV file has no NUL byte, one known encoding and at most :data:`MAX_CELLS`
cells. After reading (:func:`check_table`): no cell longer than Excel's own limit of
:data:`MAX_CELL_CHARS` characters, and at most :data:`MAX_TEXT_CHARS` characters in all.

Outputs (:func:`check_outputs`, :func:`check_writable`): a command never writes over its input,
and a build stops before writing anything when an output folder is read-only or full.

Standard library only at import: the report build checks its input on every run, including the
no-op one that imports no pandas.
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
import os
from pathlib import Path
import stat
import struct

from . import config
from .problems import InputError, cut

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


def _mib(n: int) -> str:
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
        raise InputError(f"{path}: {_mib(size)} of data; at most {_mib(MAX_FILE_BYTES)} is read ({PARQUET_HINT})")
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


# ------------------------------------------------------------------------------ before parsing

@dataclass(frozen=True)
class CsvFacts:
    """What a text table declares: its encoding, the separator, the blank lines above the header
    (``skip``), the header's fields and about how many records follow."""

    encoding: str
    sep: str
    skip: int
    header: list[str]
    records: int


CP1254_UNDEFINED = (b"\x81", b"\x8d", b"\x8e", b"\x8f", b"\x90", b"\x9d", b"\x9e")


def inspect_csv(path: Path) -> CsvFacts:
    """Scan a text table once, a megabyte at a time (never the whole file in memory): its
    encoding (UTF-8 with or without BOM, UTF-16 with or without BOM, else Windows-1254), no NUL
    byte, the header line and the separator it uses, unique header names, and at most
    :data:`MAX_CELLS` cells."""
    with open(path, "rb") as handle:
        chunk = handle.read(CHUNK)
        encoding = _encoding(path, chunk)
        wide = encoding.startswith("utf-16")
        decoder = codecs.getincrementaldecoder(encoding if wide else "utf-8")()
        utf8, cp1254, newlines, offset = True, True, 0, 0
        while True:
            if wide or utf8:
                try:
                    text = decoder.decode(chunk, final=not chunk)  # the empty last read: a cut character
                except UnicodeDecodeError as exc:
                    if wide:
                        raise InputError(f"{path}: is not valid UTF-16 text (near byte {offset + exc.start:,}); "
                                         "expected UTF-8, UTF-16 or Windows-1254 text") from None
                    utf8 = False
                else:
                    newlines += max(text.count("\n"), text.count("\r")) if wide else 0
            if not wide:
                nul = chunk.find(b"\x00")
                if nul >= 0:
                    raise InputError(f"{path}: looks binary, not a text table (a NUL byte at byte "
                                     f"{offset + nul:,}: a binary, truncated or sparse file); expected comma- or "
                                     "semicolon-separated text")
                newlines += max(chunk.count(b"\n"), chunk.count(b"\r"))  # "\r" alone: old Mac line ends
                cp1254 = cp1254 and not any(b in chunk for b in CP1254_UNDEFINED)
            if not chunk:
                break
            offset += len(chunk)
            chunk = handle.read(CHUNK)
        if not wide:
            if not utf8 and not cp1254:
                raise InputError(f"{path}: cannot be decoded as UTF-8 or Windows-1254 (Turkish) text; expected "
                                 "UTF-8, UTF-16 or Windows-1254 text")
            encoding = "utf-8-sig" if utf8 else "cp1254"
        handle.seek(0)
        start = codecs.getincrementaldecoder(encoding)(errors="replace").decode(handle.read(MAX_HEADER_BYTES))
    return _csv_facts(path, start, encoding, newlines, complete=offset <= MAX_HEADER_BYTES)


def _encoding(path: Path, head: bytes) -> str:
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(f"{path}: is UTF-32 text; save it as UTF-8 (or UTF-16) CSV")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and b"\x00" in sample:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    return "utf-8-sig"


def _csv_facts(path: Path, start: str, encoding: str, newlines: int, complete: bool) -> CsvFacts:
    start = start.lstrip("\ufeff")
    lines = start.splitlines() or [""]  # \n, \r\n or \r, as pandas reads them
    skip = 0
    while skip < len(lines) - 1 and not lines[skip].strip():
        skip += 1
    header_line = lines[skip]
    if not header_line.strip():
        raise InputError(f"{path}: holds no text rows; expected a header row and one row per patient")
    if skip == len(lines) - 1 and not complete:
        raise InputError(f"{path}: its first line is longer than {_mib(MAX_HEADER_BYTES)}; expected a header row")
    sep = max((",", ";", "\t"), key=header_line.count)
    try:
        header = next(csv.reader([header_line], delimiter=sep))
    except csv.Error:
        header = header_line.split(sep)
    check_headers(path, header)
    records = max(newlines - skip, 1)
    cells = records * max(len(header), 1)
    if cells > MAX_CELLS:
        raise InputError(f"{path}: holds about {records:,} rows × {len(header):,} columns ({cells:,} cells); "
                         f"at most {MAX_CELLS:,} cells are read into memory ({PARQUET_HINT})")
    return CsvFacts(encoding, sep, skip, header, records)


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


def inspect_zip(path: Path) -> None:
    """Refuse a workbook whose zip entries would unzip to more than :data:`MAX_EXPANSION` times
    the file (at least :data:`MIN_UNZIPPED_ALLOWED`, at most :data:`MAX_UNZIPPED`), or that has
    more than :data:`MAX_ZIP_ENTRIES` entries. Sizes are the ones the zip declares: Python's
    zipfile (which the readers use) never inflates an entry beyond its declared size."""
    import zipfile

    size = path.stat().st_size
    entries = _zip_entry_count(path)
    if entries is not None and entries > MAX_ZIP_ENTRIES:
        raise InputError(f"{path}: a workbook of {entries:,} parts; expected at most {MAX_ZIP_ENTRIES:,}")
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(f"{path}: cannot be read as an Excel .xlsx workbook ({type(exc).__name__}: "
                         f"{cut(str(exc), 200)})") from None
    allowed = min(MAX_UNZIPPED, max(MIN_UNZIPPED_ALLOWED, MAX_EXPANSION * size))
    if unzipped > allowed:
        raise InputError(f"{path}: a workbook of {_mib(size)} that unzips to {_mib(unzipped)} ({unzipped / max(size, 1):,.0f}"
                         f" times its size); at most {_mib(allowed)} is read. A real workbook unzips to "
                         f"5-20 times its size: this one may be a zip bomb; re-save it from Excel, or "
                         f"{PARQUET_HINT}")


def _zip_entry_count(path: Path) -> int | None:
    """The entry count of a zip's end-of-central-directory record (None when not found)."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


def inspect_parquet(parts: list[Path]) -> None:
    """Refuse Parquet parts whose footers declare more than :data:`MAX_CELLS` cells or
    :data:`MAX_UNZIPPED` bytes of pages in all, a footer larger than
    :data:`MAX_PARQUET_FOOTER`, or a column of lists, maps or structs (one value per cell is
    expected)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = unzipped = 0
    columns = 0
    for part in parts:
        with open(part, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 8))
            tail = handle.read()
        if len(tail) == 8 and tail[4:] == b"PAR1":
            footer = struct.unpack("<I", tail[:4])[0]
            if footer > MAX_PARQUET_FOOTER:
                raise InputError(f"{part}: a Parquet footer of {_mib(footer)}; expected at most "
                                 f"{_mib(MAX_PARQUET_FOOTER)}")
        try:
            meta = pq.ParquetFile(part).metadata
            schema = meta.schema.to_arrow_schema()
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a corrupt file (bad UTF-8 too)
            raise InputError(f"{part}: cannot be read as a Parquet file ({type(exc).__name__}: "
                             f"{cut(str(exc), 200)})") from None
        for field in schema:
            if pa.types.is_nested(field.type):
                from .identifiers import shown_header

                raise InputError(f"{part}: column {shown_header(field.name, schema.get_field_index(field.name) + 1)}"
                                 f" holds {field.type}; expected one value per cell")
        rows += meta.num_rows
        columns = max(columns, meta.num_columns)
        unzipped += sum(meta.row_group(g).column(c).total_uncompressed_size
                        for g in range(meta.num_row_groups) for c in range(meta.num_columns))
    cells = rows * columns
    if cells > MAX_CELLS:
        raise InputError(f"{parts[0] if len(parts) == 1 else parts[0].parent}: declares {rows:,} rows × {columns:,} "
                         f"columns ({cells:,} cells); at most {MAX_CELLS:,} cells are read into memory "
                         f"({PARQUET_HINT})")
    if unzipped > MAX_UNZIPPED:
        raise InputError(f"{parts[0] if len(parts) == 1 else parts[0].parent}: declares {_mib(unzipped)} of "
                         f"data; at most {_mib(MAX_UNZIPPED)} are read into memory ({PARQUET_HINT})")


def inspect_sav(path: Path) -> int | None:
    """Refuse an SPSS file whose header declares more than :data:`MAX_CELLS` cells (cases ×
    variables); returns the most rows that may be read (None: no limit needed), for a file that
    does not declare its case count."""
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    except Exception as exc:  # noqa: BLE001 - pyreadstat raises its own types for corrupt files
        raise InputError(f"{path}: cannot be read as an SPSS .sav file ({type(exc).__name__}: "
                         f"{cut(str(exc), 200)})") from None
    columns = max(meta.number_columns or 0, 1)
    rows = meta.number_rows
    if rows is not None and rows * columns > MAX_CELLS:
        raise InputError(f"{path}: declares {rows:,} cases × {columns:,} variables ({rows * columns:,} cells); at "
                         f"most {MAX_CELLS:,} cells are read into memory ({PARQUET_HINT})")
    return None if rows is not None else MAX_CELLS // columns + 1


# ------------------------------------------------------------------------------ after reading

def check_table(frame, path: Path) -> None:
    """Refuse a table as read with more than :data:`MAX_CELLS` cells, a header or a cell longer
    than :data:`MAX_CELL_CHARS` characters (Excel's limit), or more than :data:`MAX_TEXT_CHARS`
    characters in all; the message names the row and column, never the text."""
    import numpy as np
    import pandas as pd

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
    _ = pd  # pandas is the caller's: imported here only for the frame's type


def inspect(path: Path, kind: str):
    """The declared-size checks of ``kind`` (csv, excel, spss, parquet) for the file ``path``;
    returns what the reader needs (:class:`CsvFacts` for csv, a row limit for spss)."""
    if kind == "csv":
        return inspect_csv(path)
    if kind == "excel":
        return inspect_zip(path)
    if kind == "spss":
        return inspect_sav(path)
    if kind == "parquet":
        return inspect_parquet([path])
    return None
