"""What an input file declares, checked before it is parsed (:func:`inspect` picks the check of
its kind): a CSV file scanned a megabyte at a time, a workbook's zip directory, a Parquet file's
footer, an SPSS file's header. Each refuses with one :class:`~lmlib.problems.InputError` what
would not fit in memory (the limits are :mod:`lmlib.guard`'s), and returns what the reader needs.
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
import os
from pathlib import Path
import struct

from .guard import (
    CHUNK, MAX_CELLS, MAX_EXPANSION, MAX_HEADER_BYTES, MAX_PARQUET_FOOTER, MAX_UNZIPPED, MAX_ZIP_ENTRIES,
    MIN_UNZIPPED_ALLOWED, PARQUET_HINT, bytes_text, check_headers,
)
from .problems import InputError, cut


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
        raise InputError(f"{path}: its first line is longer than {bytes_text(MAX_HEADER_BYTES)}; expected a header row")
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
        raise InputError(f"{path}: a workbook of {bytes_text(size)} that unzips to {bytes_text(unzipped)} ({unzipped / max(size, 1):,.0f}"
                         f" times its size); at most {bytes_text(allowed)} is read. A real workbook unzips to "
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
                raise InputError(f"{part}: a Parquet footer of {bytes_text(footer)}; expected at most "
                                 f"{bytes_text(MAX_PARQUET_FOOTER)}")
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
        raise InputError(f"{parts[0] if len(parts) == 1 else parts[0].parent}: declares {bytes_text(unzipped)} of "
                         f"data; at most {bytes_text(MAX_UNZIPPED)} are read into memory ({PARQUET_HINT})")


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


def inspect(path: Path, kind: str, parts: list[Path] | None = None):
    """The declared-size checks of ``kind`` (csv, excel, spss, parquet) for the file ``path``, or
    the Parquet ``parts`` of a folder; returns what the reader needs (:class:`CsvFacts` for csv,
    a row limit for spss)."""
    if kind == "csv":
        return inspect_csv(path)
    if kind == "excel":
        return inspect_zip(path)
    if kind == "spss":
        return inspect_sav(path)
    if kind == "parquet":
        return inspect_parquet(parts or [path])
    return None
