"""Numbers into strings, and Tables 1 and 2 for display: the names this module has always had.

The code lives in the presentation layer, :mod:`lmlib.present`: the one number formatter in
:mod:`lmlib.present.numbers` (half away from zero in decimal arithmetic, "%53.1" in Turkish,
the decimal mark), Tables 1 and 2 in :mod:`lmlib.present.descriptive`, the cross-tabulations
in :mod:`lmlib.present.crosstabs`, every word in the text catalog. The functions below keep
their signatures (``lang``, ``decimals``) and call it.
"""
from __future__ import annotations

import pandas as pd

from .present import crosstabs as _crosstabs, descriptive as _descriptive
from .present.catalog import LANGS, check_lang as _check_lang  # noqa: F401 - public names of this module
from .present.numbers import (  # noqa: F401 - public names of this module
    DASH, MISSING, Style, _decimal, _quantize, exact_percent, fmt_ci, fmt_count, fmt_mean_sd, fmt_median_iqr, fmt_month,
    fmt_n_percent, fmt_number, fmt_p, fmt_percent, fmt_range, is_missing as _missing, round_decimal, round_half_away,
    truncate_decimal,
)
from .present.table import MARKS  # noqa: F401

table_n = _descriptive.table_n
_suppressed = _descriptive.suppressed


def cell(row, decimals: int = 1, lang: str = "en", n_total: int | None = None, trim: bool = False) -> str:
    """The display string of one row of a tidy table (:func:`lmlib.present.descriptive.cell`)."""
    return _descriptive.cell(row, Style(lang, decimals), n_total, trim)


def add_display(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, trim: bool = False,
                decimal_mark: str = ".") -> pd.DataFrame:
    """A copy of a tidy table with ``display`` ("17 (53.1%)") and ``ci_display`` ("36.4–69.1")."""
    return _descriptive.with_display(table, Style(lang, decimals, decimal_mark), trim)


def footnotes(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1,
              hide_ci: bool = True) -> tuple[list[str], dict[int, str]]:
    """Notes of a table ("a Text ..." for the marked ones, general notes first) and row
    position -> marks (:func:`lmlib.present.descriptive.notes_and_marks`)."""
    notes, marked, marks = _descriptive.notes_and_marks(table.reset_index(drop=True), Style(lang, decimals), hide_ci)
    return notes + [f"{mark} {text}" for mark, text in marked], marks


def display_table(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
                  trim: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """The table's display rows as a frame (label, marks, indent, kind, value and, unless
    ``hide_ci``, ci) and its notes; the :class:`~lmlib.present.table.DisplayTable` itself is
    :func:`lmlib.present.descriptive.display_table`. Items the file has no column for (row kind
    ``not_in_file``) are left out of the rows and named in one note."""
    shown = _descriptive.display_table(table, Style(lang, decimals), hide_ci=hide_ci, trim=trim)
    rows = _descriptive.shown_rows(table.reset_index(drop=True))
    frame = pd.DataFrame({
        "label": [r.cells.get("label", "") for r in shown.rows], "marks": [r.marks.get("label", "") for r in shown.rows],
        "indent": [r.indent for r in shown.rows], "kind": rows["kind"], "value": [r.cells["value"] for r in shown.rows],
    })
    if not hide_ci:
        frame["ci"] = [r.cells["ci"] for r in shown.rows]
    notes = [text for mark, text in shown.all_notes() if not mark] + [f"{m} {t}" for m, t in shown.footnotes]
    return frame, notes


def styler(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
           caption: str | None = None, trim: bool = False):
    """Table 1 or 2 for JupyterLab: a :class:`~lmlib.present.table.DisplayTable` (its HTML has
    the indented labels, bold headings and footnotes); ``caption`` replaces the title."""
    return _descriptive.display_table(table, Style(lang, decimals), hide_ci=hide_ci, trim=trim, title=caption)


def crosstab_cells(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> list[str]:
    """"n (%)" of each cross-tabulation row ("<k" or "*" when masked)."""
    return _crosstabs.cells(crosstabs, Style(lang, decimals))


def crosstab_wide(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> pd.DataFrame:
    """The cross-tabulations' display cells as a DataFrame (one column per group, "Lung (n = 17)")."""
    if crosstabs.empty:
        return pd.DataFrame()
    return _crosstabs.display_table(crosstabs, Style(lang, decimals)).to_frame()


def crosstab_styler(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1):
    """The cross-tabulations for JupyterLab: a :class:`~lmlib.present.table.DisplayTable`."""
    return _crosstabs.display_table(crosstabs, Style(lang, decimals))
