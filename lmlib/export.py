"""Write the tables: tidy CSV, LaTeX (booktabs) and Word .docx, atomically.

The CSV is the machine-readable form (one row per table line, numbers unrounded plus the
``display`` string); LaTeX and .docx are the paper's layout for journal submission: item,
level indented beneath it, n (%), optional Wilson 95% CI, footnotes under the table. Every
file is written with :mod:`lmlib.atomic` (a reader sees the old file or the new one).
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from . import config
from .atomic import write_bytes, write_text
from .formatting import HEADINGS, add_display, display_table, fmt_n_percent, fmt_p

CSV_FIRST = ["section", "item", "level", "n", "denominator", "percent", "display"]
LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                 "±": r"$\pm$", "–": "--", "—": "---", "≥": r"$\geq$", "≤": r"$\leq$"}


def output_dir(path: str | Path = "reports") -> Path:
    """An output folder: an absolute path as given, a relative one under the project root
    (so a notebook run from ``notebooks/`` still writes to ``<project>/reports``)."""
    path = Path(path)
    return path if path.is_absolute() else config.PROJ_ROOT / path


def tidy_csv_frame(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> pd.DataFrame:
    """A tidy table with its ``display`` (and ``ci_display``) columns, the required columns
    first (section, item, level, n, denominator, percent, display)."""
    shown = table if "display" in table else add_display(table, lang=lang, decimals=decimals)
    rest = [c for c in shown.columns if c not in CSV_FIRST]
    return shown[CSV_FIRST + rest]


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as UTF-8 CSV (no index) atomically; returns the path."""
    path = Path(path)
    write_text(path, frame.to_csv(index=False, lineterminator="\n"))
    return path


def flow_frame(flow: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> pd.DataFrame:
    """The flow counts with a ``display`` column ("78" for the screened, else "n (%)" of them)."""
    out = flow.copy()
    out["display"] = [str(int(r.n)) if r.item == "screened" else fmt_n_percent(r.n, r.denominator, decimals, lang)
                      for r in flow.itertuples()]
    return out[CSV_FIRST + [c for c in out.columns if c not in CSV_FIRST]]


def crosstab_frame(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> pd.DataFrame:
    """Cross-tabulations with ``display`` (n (%) of the column) and ``p_display``."""
    out = crosstabs.copy()
    out["display"] = [fmt_n_percent(r.n, r.denominator, decimals, lang) for r in crosstabs.itertuples()]
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
    return buffer.getvalue()


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
