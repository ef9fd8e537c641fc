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

from . import declared, guard, progress
from .hashing import parquet_parts, sha256_of
from .normalize import match_key
from .problems import InputError, cut

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
        """The file name as messages and outputs give it (withheld when it looks like an identifier)."""
        from .provenance import WITHHELD, shown_name

        return shown_name(self.source) or WITHHELD


def read_table(path: str | Path, header_keys: Collection[str] = ()) -> RawTable:
    """Read ``path`` by its extension.

    Parameters
    ----------
    path : the input file, or a folder of ``.parquet`` parts; never modified.
    header_keys : matching keys of known column headers (``Codebook.header_targets``). In an
        Excel sheet the header is the first of the top rows holding at least two of them,
        so title rows above the header are skipped.
    """
    path = guard.check_input_path(path)  # before a byte is read: a FIFO would block
    if path.is_dir():
        parts = parquet_parts(path)
        if not parts:
            raise InputError(f"{path}: is a folder without .parquet files; expected a .csv, .xlsx, .sav or "
                             ".parquet file, or a folder of .parquet parts")
        declared.inspect(path, "parquet", parts)
        with progress.reading(path):
            table = _read_parquet(path, parts)
        guard.check_table(table.frame, path)
        return table
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        expected = ", ".join(sorted(SUFFIXES))
        hint = " (save it as .xlsx)" if path.suffix.lower() == ".xls" else ""
        raise InputError(f"{path}: unsupported file type '{cut(path.suffix)}'{hint}; expected one of {expected}")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty; expected a header row and one row per patient")
    facts = declared.inspect(path, kind)  # what the file declares must fit in memory
    with progress.reading(path):  # a line every few seconds on the command line, if it takes that long
        if kind == "parquet":
            table = _read_parquet(path, [path])
        else:
            reader = {"csv": _read_csv, "excel": _read_excel, "spss": _read_spss}[kind]
            table = reader(path, header_keys, facts)
    guard.check_table(table.frame, path)
    if table.frame.shape[1] == 0 or table.frame.empty:
        raise InputError(f"{path}: no data rows below the header; expected one row per patient")
    return table


def _read_csv(path: Path, header_keys, facts) -> RawTable:
    """Read with the encoding, separator and header line :func:`lmlib.declared.inspect_csv` found;
    row numbers as a spreadsheet shows them (blank lines count), blank rows left out."""
    try:
        frame = pd.read_csv(path, sep=facts.sep, encoding=facts.encoding, skiprows=facts.skip, dtype=str,
                            keep_default_na=False, skip_blank_lines=False, skipinitialspace=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{path}: not a well-formed table ({cut(exc, 200)}); expected one header row and rows of "
                         "equal length") from None
    frame.index = pd.RangeIndex(facts.skip + 2, facts.skip + 2 + len(frame))
    maybe_blank = frame.iloc[:, 0].str.strip().eq("").to_numpy() if frame.shape[1] else []
    if len(maybe_blank) and maybe_blank.any():
        rows = frame[maybe_blank]
        blank = rows.apply(lambda column: column.str.strip().eq("")).all(axis=1)
        frame = frame.drop(index=rows.index[blank.to_numpy()])
    frame, notes = drop_summary_rows(frame)
    return RawTable(frame, path, "csv", facts.encoding, notes)


def _read_excel(path: Path, header_keys, facts=None) -> RawTable:
    try:
        grid = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise InputError(f"{path}: cannot be read as an Excel .xlsx workbook ({type(exc).__name__}: "
                         f"{cut(exc, 200)})") from None
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
    guard.check_headers(path, header.names)  # the names as built: a group title + sub-header, or one row
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
                        f"'{cut(next(str(c).strip() for c in frame.loc[row] if c is not None and str(c).strip()))}': "
                        "a totals row, left out)") for row in rows)
    return frame.drop(index=rows), notes


def _read_spss(path: Path, header_keys, row_limit: int | None = None) -> RawTable:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True,
                                          row_limit=row_limit or 0)
    except Exception as exc:
        raise InputError(f"{path}: cannot be read as an SPSS .sav file ({type(exc).__name__}: "
                         f"{cut(exc, 200)})") from None
    if row_limit and len(frame) >= row_limit:
        raise InputError(f"{path}: holds more than {row_limit - 1:,} cases of {frame.shape[1]:,} variables; at "
                         f"most {guard.MAX_CELLS:,} cells are read into memory ({guard.PARQUET_HINT})")
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
    guard.check_headers(path, frame.columns)
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
        try:  # text as dictionaries: one copy of a value repeated a million times, not a million
            schema = pq.read_schema(part)
            text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
            tables.append(pq.read_table(part, read_dictionary=text))
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a corrupt file
            raise InputError(f"{part}: cannot be read as a Parquet file ({type(exc).__name__}: "
                             f"{cut(exc, 200)})") from None
    first = tables[0].schema.names
    for part, table in zip(parts, tables):
        if table.schema.names != first:
            raise InputError(f"{part}: its columns differ from those of {parts[0].name}; expected the same "
                             f"columns in every part of {path}")
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as exc:
        raise InputError(f"{path}: the parts' column types do not agree ({cut(exc, 200)}); expected one "
                         "schema") from None
    if table.num_rows == 0 or table.num_columns == 0:
        raise InputError(f"{path}: no data rows; expected one row per patient")
    try:
        frame = table.to_pandas(date_as_object=False)
    except (pa.ArrowException, ValueError, OverflowError) as exc:
        raise InputError(f"{path}: its values cannot be read ({type(exc).__name__}: {cut(exc, 200)}); expected "
                         "numbers, text, dates or yes/no values") from None
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object)
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.astype(object).where(frame.notna(), None)
    frame.index = pd.RangeIndex(1, 1 + len(frame))
    return RawTable(frame, path, "parquet", None)
