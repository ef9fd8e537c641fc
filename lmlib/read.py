"""Read a cohort file as the user gave it: CSV, Excel (.xlsx), SPSS (.sav) or Parquet, by
extension; or a folder of Parquet parts (a registry export), read as one table.

Cells come back as they were written (strings from CSV, numbers and dates from Excel, SPSS and
Parquet, SPSS value labels applied); interpreting them is :mod:`lmlib.clean`'s job. The file is only
ever opened for reading. Every failure is an :class:`~lmlib.problems.InputError` whose message
names the file and says what was expected.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Collection

import pandas as pd

from .hashing import parquet_parts, sha256_of
from .normalize import match_key
from .problems import InputError

CSV_ENCODINGS = ("utf-8-sig", "cp1254")  # UTF-8 with or without BOM, then Turkish Windows
SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xlsm": "excel", ".sav": "spss",
            ".parquet": "parquet"}
HEADER_SEARCH_ROWS = 20  # title rows above the header that an Excel export may carry


@dataclass(frozen=True)
class RawTable:
    """A table as read. ``frame``'s index holds the row numbers a user sees: spreadsheet rows
    (the header row is ``frame.index[0] - 1``) for CSV and Excel, case numbers for SPSS,
    record numbers (from 1, across the parts of a folder) for Parquet."""

    frame: pd.DataFrame
    source: Path
    kind: str
    encoding: str | None = None
    notes: tuple = ()  # (row, text): rows left out as they were read (a totals row), said as warnings

    @property
    def name(self) -> str:
        return self.source.name


def read_table(path: str | Path, header_keys: Collection[str] = ()) -> RawTable:
    """Read ``path`` by its extension.

    Parameters
    ----------
    path : the input file, or a folder of ``.parquet`` parts; never modified.
    header_keys : matching keys of known column headers (``Codebook.header_targets``). In an
        Excel sheet the header is the first of the top rows holding at least two of them,
        so title rows above the header are skipped.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        parts = parquet_parts(path)
        if not parts:
            raise InputError(f"{path}: is a folder without .parquet files; expected a .csv, .xlsx, .sav or "
                             ".parquet file, or a folder of .parquet parts")
        return _read_parquet(path, parts)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        expected = ", ".join(sorted(SUFFIXES))
        hint = " (save it as .xlsx)" if path.suffix.lower() == ".xls" else ""
        raise InputError(f"{path}: unsupported file type '{path.suffix}'{hint}; expected one of {expected}")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty; expected a header row and one row per patient")
    if kind == "parquet":
        return _read_parquet(path, [path])
    reader = {"csv": _read_csv, "excel": _read_excel, "spss": _read_spss}[kind]
    table = reader(path, header_keys)
    if table.frame.shape[1] == 0 or table.frame.empty:
        raise InputError(f"{path}: no data rows below the header; expected one row per patient")
    return table


def _read_csv(path: Path, header_keys) -> RawTable:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: looks binary, not a text table; expected comma- or semicolon-separated text")
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1254 decodes nearly every byte string
        raise InputError(f"{path}: cannot decode as UTF-8 or Windows-1254 (Turkish) text")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError(f"{path}: holds no text rows; expected a header row and one row per patient")
    header = lines[0]
    sep = max((",", ";", "\t"), key=header.count)
    from io import StringIO

    try:
        frame = pd.read_csv(
            StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True,
            skipinitialspace=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{path}: not a well-formed table ({exc}); expected one header row and rows of equal length") from None
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    frame, notes = drop_summary_rows(frame)
    return RawTable(frame, path, "csv", encoding, notes)


def _read_excel(path: Path, header_keys) -> RawTable:
    try:
        grid = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise InputError(f"{path}: cannot be read as an Excel .xlsx workbook ({type(exc).__name__}: {exc})") from None
    grid = grid.dropna(how="all").dropna(axis=1, how="all")
    if grid.empty:
        raise InputError(f"{path}: the first sheet is empty; expected a header row and one row per patient")
    header_pos = 0
    keys = set(header_keys)
    if keys:
        for pos in range(min(HEADER_SEARCH_ROWS, len(grid))):
            cells = [match_key(c) for c in grid.iloc[pos] if pd.notna(c)]
            if sum(c in keys for c in cells) >= 2:
                header_pos = pos
                break
    header = _excel_header(path, grid, header_pos, keys)
    frame = grid.iloc[header_pos + header.rows :].copy()
    frame.columns = header.names
    frame.index = [int(i) + 1 for i in frame.index]  # spreadsheet row numbers
    frame = frame.astype(object).where(frame.notna(), None)
    frame, notes = drop_summary_rows(frame)
    return RawTable(frame, path, "excel", None, notes)


def _excel_header(path: Path, grid: pd.DataFrame, header_pos: int, keys: set[str]):
    """The header at ``header_pos``: one row, or a two-row header with merged group titles
    (:func:`lmlib.headers.read_header`); an unreadable one is an InputError saying how to flatten it."""
    from .headers import HeaderError, read_header

    try:
        return read_header(grid, header_pos, keys)
    except HeaderError as exc:
        raise InputError(f"{path}: {exc}") from None


def drop_summary_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple]:
    """``frame`` without the totals rows at its bottom (:func:`lmlib.headers.summary_rows`),
    and a note (row, text) for each."""
    from .headers import summary_rows

    rows = summary_rows(frame)
    notes = tuple((row, f"a patient row (row {row} starts with "
                        f"'{next(str(c).strip() for c in frame.loc[row] if c is not None and str(c).strip())}': "
                        "a totals row, left out)") for row in rows)
    return frame.drop(index=rows), notes


def _read_spss(path: Path, header_keys) -> RawTable:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
    except Exception as exc:
        raise InputError(f"{path}: cannot be read as an SPSS .sav file ({type(exc).__name__}: {exc})") from None
    frame = spss_cells(frame, meta.variable_value_labels or {}, meta.missing_ranges or {})
    # a variable label is the header when the short name is none we know (and the label is
    # one no other column has): "Karnofsky performance status" says more than "kps"
    if header_keys and meta.column_labels:
        labels = [label for label in meta.column_labels if label]
        renamed = {}
        for name, label in zip(meta.column_names, meta.column_labels):
            if match_key(name) not in header_keys and label and labels.count(label) == 1 \
                    and label not in meta.column_names:
                renamed[name] = label
        frame = frame.rename(columns=renamed)
    frame.index = pd.RangeIndex(1, 1 + len(frame))
    return RawTable(frame, path, "spss", None)


def spss_cells(frame: pd.DataFrame, value_labels: dict, missing_ranges: dict) -> pd.DataFrame:
    """SPSS codes as cells: a user-missing code (``9`` declared missing, with or without a
    label) becomes a :class:`~lmlib.parse.DeclaredMissing` (never an empty cell, which a yes/no
    option column would read as "no"), a labelled code its value label, anything else itself;
    system-missing values are None. Each distinct value is converted once."""
    from .parse import DeclaredMissing

    out = {}
    for column in frame.columns:
        labels, ranges = value_labels.get(column, {}), missing_ranges.get(column, [])

        def cell(value, labels=labels, ranges=ranges):
            if value is None or (isinstance(value, float) and value != value):
                return None
            if any(_in_range(value, r) for r in ranges):
                code = f"{int(value)}" if isinstance(value, float) and value.is_integer() else str(value)
                return DeclaredMissing(code, str(labels.get(value, "")))
            return labels.get(value, value)

        values = frame[column].astype(object)
        uniques = pd.unique(values)
        converted = {u: cell(u) for u in uniques if not (isinstance(u, float) and u != u) and u is not None}
        out[column] = values.map(lambda v, c=converted: c.get(v) if v in c else None)
    return pd.DataFrame(out, index=frame.index, columns=frame.columns).astype(object)


def _in_range(value, declared: dict) -> bool:
    low, high = declared.get("lo"), declared.get("hi")
    try:
        return low <= value <= high
    except TypeError:  # a text code against a numeric range, or the reverse
        return False


def _read_parquet(path: Path, parts: list[Path]) -> RawTable:
    """One Parquet file, or the parts of a folder in name order (same columns in each)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for part in parts:
        try:
            tables.append(pq.read_table(part))
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{part}: cannot be read as a Parquet file ({type(exc).__name__}: {exc})") from None
    first = tables[0].schema.names
    for part, table in zip(parts, tables):
        if table.schema.names != first:
            raise InputError(f"{part}: its columns differ from those of {parts[0].name}; expected the same "
                             f"columns in every part of {path}")
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as exc:
        raise InputError(f"{path}: the parts' column types do not agree ({exc}); expected one schema") from None
    if table.num_rows == 0 or table.num_columns == 0:
        raise InputError(f"{path}: no data rows; expected one row per patient")
    frame = table.to_pandas(date_as_object=False)
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object)
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.astype(object).where(frame.notna(), None)
    frame.index = pd.RangeIndex(1, 1 + len(frame))
    return RawTable(frame, path, "parquet", None)
