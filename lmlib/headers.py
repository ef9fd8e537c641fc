"""Header rows and summary rows of a spreadsheet as hospitals lay them out.

* **A two-row header** with merged group titles: ``Semptomlar`` spanning ``Baş ağrısı``,
  ``Bulantı-kusma``, … in the row below, while single columns (``Hasta No``, ``Yaş``) are
  merged down over both rows. Read as group + sub-header: each grouped column is named by its
  sub-header (or "group sub-header" when only that is a known header, or "group / sub-header"
  when sub-headers repeat); when the names still collide, :class:`HeaderError` says how to
  flatten the header.
* **A totals row** (``Toplam``, ``Total``, ``Ortalama``, ``%``) below the patients: recognised
  by its first filled cell and left out, with a note.

Pure functions on a grid of cells (a DataFrame read with ``header=None``); :mod:`lmlib.read`
calls them.
"""
from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import numbers

import pandas as pd

from .normalize import match_key

SUMMARY_WORDS = ("toplam", "genel toplam", "total", "totals", "grand total", "sum", "ortalama", "mean", "average",
                 "yuzde", "percent", "%", "n", "toplam hasta", "hasta sayisi")


class HeaderError(ValueError):
    """A header that cannot be read as one row of column names; the message says how to fix it."""


@dataclass(frozen=True)
class Header:
    """Where the data starts (``rows`` header rows from grid position ``top``) and the names."""

    top: int
    rows: int
    names: list[str]
    groups: list[str | None]  # the group title above each column (two-row headers), else None


def _text(cell) -> str | None:
    """A header cell as text (None when empty); numbers and dates are not header text."""
    if cell is None or (isinstance(cell, float) and cell != cell) or cell is pd.NaT:
        return None
    if isinstance(cell, (numbers.Number, dt.date, dt.datetime, pd.Timestamp)) and not isinstance(cell, bool):
        return None
    text = str(cell).strip()
    return text or None


def _filled(cell) -> bool:
    return not (cell is None or (isinstance(cell, float) and cell != cell) or cell is pd.NaT
                or (isinstance(cell, str) and not cell.strip()))


def read_header(grid: pd.DataFrame, top: int, keys: set[str]) -> Header:
    """The header starting at grid position ``top``: one row, or two when the row below holds
    sub-headers under merged group titles (see the module docstring)."""
    first = list(grid.iloc[top])
    single = [("" if not _filled(c) else str(c)).strip() or f"Unnamed: {i}" for i, c in enumerate(first)]
    if top + 1 >= len(grid):
        return Header(top, 1, single, [None] * len(single))
    second = list(grid.iloc[top + 1])
    layout = _two_row(first, second)
    if layout is None:
        return Header(top, 1, single, [None] * len(single))
    names, groups = _two_row_names(layout, keys)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        example = next((f"'{g}' over '{s}'" for g, (s, _) in zip(groups, layout) if g), "")
        raise HeaderError(
            f"the header spans two rows (group titles over sub-headers, e.g. {example}) and the columns "
            f"{', '.join(repr(r) for r in repeated)} cannot be told apart; flatten it into one row: unmerge the "
            "header cells and give every column its own header in one row (e.g. 'Semptomlar: Baş ağrısı'), or "
            "delete the group-title row, then save the file again")
    return Header(top, 2, names, groups)


def _two_row(first: list, second: list) -> list[tuple[str | None, str | None]] | None:
    """``[(sub-header, group title)]`` per column when ``second`` holds sub-headers under group
    titles merged across ``first`` (so ``first`` is empty under a span), else None.

    The test: some column has a sub-header below an empty top cell (the span of a merged
    group title, whose text is in the span's first cell); every column without a sub-header
    has a header above it (merged down); every sub-header is text, not a number or date."""
    if not any(_filled(c) for c in second):
        return None
    spanned = False
    layout: list[tuple[str | None, str | None]] = []
    group: str | None = None
    for top, sub in zip(first, second):
        top_text, sub_text = _text(top), _text(sub)
        if _filled(sub) and sub_text is None:
            return None  # a number or a date: a data row
        if sub_text is None:
            if top_text is None:
                return None  # neither: not a header
            group = None
            layout.append((None, top_text))
            continue
        if top_text is not None:
            group = top_text
        elif group is None:
            return None  # a sub-header without any title to its left
        else:
            spanned = True
        layout.append((sub_text, group))
    return layout if spanned else None


def _two_row_names(layout, keys: set[str]) -> tuple[list[str], list[str | None]]:
    subs = [sub for sub, _ in layout if sub is not None]
    names, groups = [], []
    for sub, top in layout:
        if sub is None:
            names.append(top)
            groups.append(None)
            continue
        joined = f"{top} {sub}"
        if match_key(sub) in keys or (match_key(joined) not in keys and subs.count(sub) == 1):
            names.append(sub)
        elif match_key(joined) in keys:
            names.append(joined)
        else:
            names.append(f"{top} / {sub}")
        groups.append(top)
    return names, groups


def summary_rows(frame: pd.DataFrame) -> list:
    """The index labels of the rows at the bottom of ``frame`` whose first filled cell is a
    totals or summary word (``Toplam``, ``Total``, ``Ortalama``, ``%`` ...; "Toplam (n = 52)"
    too, but not a patient id such as "Total-01"), last row upwards until a patient row."""
    found = []
    for label in reversed(list(frame.index)):
        cells = [c for c in frame.loc[label] if _filled(c)]
        if not cells:
            continue
        key = match_key(cells[0])
        if key in SUMMARY_WORDS or any(key.startswith(f"{word} n ") for word in SUMMARY_WORDS):
            found.append(label)
            continue
        break
    return sorted(found)
