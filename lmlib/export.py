"""Write the tables: tidy CSV, LaTeX and Word, atomically. The one place a CSV is written.

The CSV is the machine-readable form (one row per table line, numbers unrounded plus the
``display`` string); LaTeX and .docx are the journal layout of the table's
:class:`~lmlib.present.table.DisplayTable` (renderers in :mod:`lmlib.present.latex` and
:mod:`lmlib.present.docx`). Every file is written with :mod:`lmlib.atomic` (a reader sees the
old file or the new one), and the same table always gives the same bytes (the .docx's zip
entries carry no clock time).
"""
from __future__ import annotations

from pathlib import Path
import re

import pandas as pd

from . import config
from .atomic import write_bytes, write_text
from .present import crosstabs as _crosstabs, descriptive as _descriptive
from .present.docx import ZIP_TIME, fixed_zip_times as _fixed_zip_times  # noqa: F401 - public names
from .present.latex import LATEX_SPECIAL, latex_escape  # noqa: F401 - public names
from .present.numbers import Style
from .present.table import DisplayTable
from .suppress import active, blank_small, is_small, table_k

CSV_FIRST = ["section", "item", "level", "n", "denominator", "percent", "display"]
_CAPTION_ONLY = re.compile(r"(Table|Tablo) \S+\.?")


def output_dir(path: str | Path = "reports") -> Path:
    """An output folder: an absolute path as given, a relative one under the project root
    (so a notebook run from ``notebooks/`` still writes to ``<project>/reports``)."""
    path = Path(path)
    return path if path.is_absolute() else config.PROJ_ROOT / path


def first_columns(frame: pd.DataFrame, first=CSV_FIRST) -> pd.DataFrame:
    """``frame`` with the columns of ``first`` that it has in front, the others after them."""
    head = [c for c in first if c in frame.columns]
    return frame[head + [c for c in frame.columns if c not in head]]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula (OWASP)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers cannot start a spreadsheet formula: a
    text starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP's
    rule against CSV injection; Excel and LibreOffice then show it as text). A plain number
    written as text ("-5", "+1.5") is left as it is; numeric columns are never touched. A
    carriage return inside a text becomes a line feed (the CSV quotes it; a bare CR would split
    the row in a spreadsheet)."""
    def safe(value):
        if not isinstance(value, str):
            return value
        if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
            value = "'" + value
        return value.replace("\r\n", "\n").replace("\r", "\n")  # a bare CR would end the row

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, (pd.CategoricalDtype, pd.StringDtype)):
            out[column] = out[column].astype(object).map(safe)
    out.columns = [safe(c) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as UTF-8 CSV (no index) atomically, every text cell safe to open in a
    spreadsheet (:func:`neutralise_formulas`); returns the path. Every CSV lmlib writes (tables,
    the problems list) goes through here.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from lmlib.export import write_csv
    >>> path = write_csv(pd.DataFrame({"item": ["sex"], "n": [12]}), Path(tempfile.mkdtemp()) / "t.csv")
    >>> path.read_text(encoding="utf-8").splitlines()
    ['item,n', 'sex,12']
    """
    path = Path(path)
    write_text(path, neutralise_formulas(frame).to_csv(index=False, lineterminator="\n"))
    return path


def write_display(table: DisplayTable, folder: str | Path, csv: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write ``<folder>/<table.name>.tex`` and ``.docx`` (and ``.csv`` of the numbers ``csv``
    when given); returns the paths by format.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from lmlib.export import write_display
    >>> from lmlib.present.table import DisplayTable
    >>> t = DisplayTable("t1", number=1, title="Sex")
    >>> columns = t.add_column("label", "Characteristic", align="left"), t.add_column("n", "n (%)")
    >>> row = t.add_row({"label": "Female", "n": "12 (37.5%)"})
    >>> paths = write_display(t, Path(tempfile.mkdtemp()))
    >>> sorted(paths), paths["tex"].name, paths["docx"].name
    (['docx', 'tex'], 't1.tex', 't1.docx')
    """
    folder = Path(folder)
    paths = {}
    if csv is not None:
        paths["csv"] = write_csv(csv, folder / f"{table.name}.csv")
    paths["tex"] = folder / f"{table.name}.tex"
    write_text(paths["tex"], table.to_latex())
    paths["docx"] = folder / f"{table.name}.docx"
    write_bytes(paths["docx"], table.to_docx())
    return paths


# ------------------------------------------------------------------------------ Tables 1 and 2

def tidy_csv_frame(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, decimal_mark: str = ".",
                   style: Style | None = None) -> pd.DataFrame:
    """A tidy table with its ``display`` (and ``ci_display``) columns, the required columns
    first (section, item, level, n, denominator, percent, display). For a table suppressed
    by :func:`lmlib.suppress.suppress_table` the masked numbers are blank, ``display`` shows
    "<k" or "*", and the other counts of 1 to k − 1 (missing values of a continuous row,
    patients left out by a denominator rule) are blank too."""
    style = style or Style(lang, decimals, decimal_mark)
    shown = table if "display" in table else _descriptive.with_display(table, style)
    shown = blank_small(shown, ["missing", "excluded"], table_k(table))
    return first_columns(shown)


def _title(caption: str) -> str | None:
    """A caption given to the old API: "Table 1" is the number the model prints itself."""
    return caption if caption and not _CAPTION_ONLY.fullmatch(caption.strip()) else None


def table_display(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
                  caption: str = "", style: Style | None = None) -> DisplayTable:
    """Table 1 or 2 (tidy rows) as its display table (:func:`lmlib.present.descriptive.display_table`)."""
    return _descriptive.display_table(table, style or Style(lang, decimals), hide_ci=hide_ci, title=_title(caption))


def to_latex(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
             caption: str = "", label: str = "") -> str:
    """Table 1 or 2 as a booktabs LaTeX table in a threeparttable."""
    from .present.latex import render_table

    return render_table(table_display(table, lang=lang, decimals=decimals, hide_ci=hide_ci, caption=caption),
                        label=label or None)


def to_docx_bytes(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
                  caption: str = "") -> bytes:
    """Table 1 or 2 as a Word document in journal style."""
    return table_display(table, lang=lang, decimals=decimals, hide_ci=hide_ci, caption=caption).to_docx()


def write_table(table, folder: str | Path, name: str | None = None, *, lang: str = "en", decimals: int = 1,
                hide_ci: bool = True, caption: str = "", style: Style | None = None) -> dict[str, Path]:
    """Write ``<folder>/<name>.csv`` (tidy), ``.tex`` and ``.docx``; returns the paths.

    ``table`` is Table 1 or 2 as tidy rows (:mod:`lmlib.tables`), or a ready
    :class:`DisplayTable` (then only .tex and .docx are written, see :func:`write_display`).
    """
    if isinstance(table, DisplayTable):
        return write_display(table, folder)
    style = style or Style(lang, decimals)
    display = table_display(table, hide_ci=hide_ci, caption=caption, style=style)
    if name:
        display.name = name
    return write_display(display, folder, tidy_csv_frame(table, style=style))


# ------------------------------------------------------------------------------ other CSVs

def flow_frame(flow: pd.DataFrame, *, lang: str = "en", decimals: int = 1, suppress_below: int = 0,
               style: Style | None = None) -> pd.DataFrame:
    """The flow counts with a ``display`` column ("78" for the screened, else "n (%)" of them);
    with ``suppress_below`` = k >= 2 a count from 1 to k − 1 shows "<k" and is blank, with its
    percentage (:mod:`lmlib.suppress`)."""
    style = style or Style(lang, decimals)
    out = flow.copy()
    out["display"] = [style.count(r.n) if r.item == "screened" else style.n_percent(r.n, r.denominator)
                      for r in flow.itertuples()]
    if active(suppress_below):
        small = out["n"].map(lambda n: is_small(n, int(suppress_below)))
        out["display"] = out["display"].mask(small, f"<{int(suppress_below)}")
        out["n"] = out["n"].astype(float).mask(small)
        out["percent"] = out["percent"].astype(float).mask(small)
    return first_columns(out)


def crosstab_frame(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1,
                   style: Style | None = None) -> pd.DataFrame:
    """Cross-tabulations with ``display`` and ``p_display`` (:func:`lmlib.present.crosstabs.csv_frame`)."""
    return first_columns(_crosstabs.csv_frame(crosstabs, style or Style(lang, decimals)))
