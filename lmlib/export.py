"""Write the tables: tidy CSV, LaTeX (booktabs) and Word .docx, atomically.

The CSV is the machine-readable form (one row per table line, numbers unrounded plus the
``display`` string); LaTeX and .docx are the paper's layout for journal submission: item,
level indented beneath it, n (%), optional Wilson 95% CI, footnotes under the table. Every
file is written with :mod:`lmlib.atomic` (a reader sees the old file or the new one), and the
same table always gives the same bytes (the .docx's zip entries carry no clock time).
"""
from __future__ import annotations

import io
from pathlib import Path
import re

import pandas as pd

from . import config
from .atomic import write_bytes, write_text
from .formatting import HEADINGS, add_display, crosstab_cells, display_table, fmt_n_percent, fmt_p
from .suppress import active, blank_small, is_small, table_k

CSV_FIRST = ["section", "item", "level", "n", "denominator", "percent", "display"]
LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                 "±": r"$\pm$", "–": "--", "—": "---", "≥": r"$\geq$", "≤": r"$\leq$",
                 "<": r"\textless{}", ">": r"\textgreater{}"}


def output_dir(path: str | Path = "reports") -> Path:
    """An output folder: an absolute path as given, a relative one under the project root
    (so a notebook run from ``notebooks/`` still writes to ``<project>/reports``)."""
    path = Path(path)
    return path if path.is_absolute() else config.PROJ_ROOT / path


def tidy_csv_frame(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> pd.DataFrame:
    """A tidy table with its ``display`` (and ``ci_display``) columns, the required columns
    first (section, item, level, n, denominator, percent, display). For a table suppressed
    by :func:`lmlib.suppress.suppress_table` the masked numbers are blank, ``display`` shows
    "<k" or "*", and the other counts of 1 to k − 1 (missing values of a continuous row,
    patients left out by a denominator rule) are blank too."""
    shown = table if "display" in table else add_display(table, lang=lang, decimals=decimals)
    shown = blank_small(shown, ["missing", "excluded"], table_k(table))
    rest = [c for c in shown.columns if c not in CSV_FIRST]
    return shown[CSV_FIRST + rest]


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
    the problems list) goes through here."""
    path = Path(path)
    write_text(path, neutralise_formulas(frame).to_csv(index=False, lineterminator="\n"))
    return path


def flow_frame(flow: pd.DataFrame, *, lang: str = "en", decimals: int = 1, suppress_below: int = 0) -> pd.DataFrame:
    """The flow counts with a ``display`` column ("78" for the screened, else "n (%)" of them);
    with ``suppress_below`` = k >= 2 a count from 1 to k − 1 shows "<k" and is blank, with its
    percentage (:mod:`lmlib.suppress`)."""
    out = flow.copy()
    out["display"] = [str(int(r.n)) if r.item == "screened" else fmt_n_percent(r.n, r.denominator, decimals, lang)
                      for r in flow.itertuples()]
    if active(suppress_below):
        small = out["n"].map(lambda n: is_small(n, int(suppress_below)))
        out["display"] = out["display"].mask(small, f"<{int(suppress_below)}")
        out["n"] = out["n"].astype(float).mask(small)
        out["percent"] = out["percent"].astype(float).mask(small)
    return out[CSV_FIRST + [c for c in out.columns if c not in CSV_FIRST]]


def crosstab_frame(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> pd.DataFrame:
    """Cross-tabulations with ``display`` (n (%) of the column; "<k" or "*" when masked by
    :func:`lmlib.suppress.suppress_crosstab`, whose group sizes below k are then blank) and
    ``p_display``."""
    out = crosstabs.copy()
    out["display"] = crosstab_cells(crosstabs, decimals=decimals, lang=lang)
    if "group_suppressed" in out:
        out["denominator"] = out["denominator"].astype(float).mask(out["group_suppressed"].astype(bool))
    out["p_display"] = [fmt_p(p) for p in crosstabs["p_value"]]
    return out[CSV_FIRST + [c for c in out.columns if c not in CSV_FIRST]]


# ------------------------------------------------------------------------------ LaTeX

def latex_escape(text: str) -> str:
    """Escape LaTeX special characters (and write ±, en dash as LaTeX)."""
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def to_latex(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
             caption: str = "", label: str = "") -> str:
    """A booktabs LaTeX table in the paper's layout (needs ``\\usepackage{booktabs}``)."""
    frame, notes = display_table(table, lang=lang, decimals=decimals, hide_ci=hide_ci)
    cols = ["label", "value"] + ([] if hide_ci else ["ci"])
    heads = [HEADINGS[c][lang] for c in cols]
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [r"\begin{tabular}{l" + "r" * (len(cols) - 1) + "}", r"\toprule",
              " & ".join(latex_escape(h) for h in heads) + r" \\", r"\midrule"]
    for r in frame.itertuples():
        text = latex_escape(r.label) + (rf"\textsuperscript{{{r.marks}}}" if r.marks else "")
        if r.kind == "header":
            text = rf"\textbf{{{text}}}"
        if r.indent:
            text = rf"\hspace*{{{r.indent}em}}{text}"
        cells = [text, latex_escape(r.value)] + ([] if hide_ci else [latex_escape(r.ci)])
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\par\smallskip", r"{\footnotesize"]
    lines += [latex_escape(n) + r"\par" for n in notes]
    lines += ["}", r"\end{table}", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------------------ Word

def to_docx_bytes(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
                  caption: str = "") -> bytes:
    """A Word document (python-docx) holding the table in the paper's layout."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    frame, notes = display_table(table, lang=lang, decimals=decimals, hide_ci=hide_ci)
    cols = ["label", "value"] + ([] if hide_ci else ["ci"])
    doc = Document()
    doc.core_properties.author = ""
    if caption:
        doc.add_paragraph().add_run(caption).bold = True
    grid = doc.add_table(rows=1, cols=len(cols))
    for cell, col in zip(grid.rows[0].cells, cols):
        cell.text = ""
        run = cell.paragraphs[0].add_run(HEADINGS[col][lang])
        run.bold = True
    for r in frame.itertuples():
        cells = grid.add_row().cells
        para = cells[0].paragraphs[0]
        para.paragraph_format.left_indent = Pt(12 * r.indent)
        run = para.add_run(r.label)
        run.bold = r.kind == "header"
        if r.marks:
            para.add_run(r.marks).font.superscript = True
        for cell, value in zip(cells[1:], [r.value] + ([] if hide_ci else [r.ci])):
            cell.text = value
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for note in notes:
        doc.add_paragraph().add_run(note).font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: no clock in the file


def _fixed_zip_times(data: bytes) -> bytes:
    """The .docx (a zip) with every entry dated :data:`ZIP_TIME` instead of the time it was
    written (python-docx uses the clock), so the same table gives the same bytes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_table(table: pd.DataFrame, folder: str | Path, name: str, *, lang: str = "en", decimals: int = 1,
                hide_ci: bool = True, caption: str = "") -> dict[str, Path]:
    """Write ``<folder>/<name>.csv`` (tidy), ``.tex`` and ``.docx``; returns the paths."""
    folder = Path(folder)
    paths = {"csv": folder / f"{name}.csv", "tex": folder / f"{name}.tex", "docx": folder / f"{name}.docx"}
    write_csv(tidy_csv_frame(table, lang=lang, decimals=decimals), paths["csv"])
    write_text(paths["tex"], to_latex(table, lang=lang, decimals=decimals, hide_ci=hide_ci, caption=caption,
                                      label=f"tab:{name}"))
    write_bytes(paths["docx"], to_docx_bytes(table, lang=lang, decimals=decimals, hide_ci=hide_ci, caption=caption))
    return paths
