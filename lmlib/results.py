"""What the public API (:mod:`lmlib.api`) returns: results that show themselves as the report shows
them and write themselves as the report writes its downloads.

lifelines' split of numbers from their printer and gtsummary's one table model: every result
holds its numbers (``frame``, a tidy DataFrame) and what a reader sees (``table``, a
`lmlib.present.table.DisplayTable`, or a figure with its caption); JupyterLab displays
it through ``_repr_html_`` with the report's own renderer (:mod:`lmlib.present.html`), and
``to_docx``, ``to_latex`` and ``to_csv`` give the bytes the report writes to ``reports/tables/``
(:func:`lmlib.export.write_csv` is the one place a CSV is written). A result only presents: it
is made from numbers computed before it and never computes one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .present import html
from .present.table import DisplayTable


@dataclass(repr=False)
class TableResult:
    """A table as the report shows it, with its numbers.

    Attributes
    ----------
    frame : pandas.DataFrame
        The tidy numbers (one row per table line; counts, denominators, unrounded percentages,
        test statistics), as the statistics returned them.
    table : lmlib.present.table.DisplayTable
        What JupyterLab shows: caption, columns, indents, footnotes, in the language asked for.
    csv : pandas.DataFrame
        The rows of the CSV file the report writes (the numbers beside their ``display`` text).
    manuscript : lmlib.present.table.DisplayTable or None
        The layout written to Word and LaTeX when it differs from ``table`` (Tables 1 and 2: the
        paper's layout without the CI column, as the report's downloads); None: ``table``.
    preface : str
        HTML shown above the table, as the report shows it there (made by `lmlib.present`,
        every word escaped): Tables 1 and 2's warnings of a column missing for every patient,
        the audit's verdicts explained.

    Examples
    --------
    >>> import lmlib
    >>> t1 = lmlib.table1(lmlib.load())
    >>> t1.table.caption_label, t1.table.title
    ('Table 1.', 'Demographic and clinical data of the patients')
    >>> "<caption><b>Table 1.</b> Demographic and clinical data of the patients</caption>" in t1._repr_html_()
    True
    >>> "\\\\begin{threeparttable}" in t1.to_latex() and "95% CI" not in t1.to_latex()  # the paper's layout
    True
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> t1.to_docx(folder / "table1.docx").read_bytes()[:2], t1.to_csv(folder / "table1.csv").name
    (b'PK', 'table1.csv')
    """

    frame: pd.DataFrame
    table: DisplayTable
    csv: pd.DataFrame
    manuscript: DisplayTable | None = None
    preface: str = ""

    @property
    def written(self) -> DisplayTable:
        """The table as written to Word and LaTeX (``manuscript``, else ``table``)."""
        return self.manuscript if self.manuscript is not None else self.table

    def to_html(self) -> str:
        """The preface and the table as the HTML report shows them."""
        return "\n".join(filter(None, [self.preface, self.table.to_html()]))

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_latex(self) -> str:
        """The table as the report's ``.tex`` download (booktabs, threeparttable notes)."""
        return self.written.to_latex()

    def to_docx(self, path: str | Path) -> Path:
        """Write the table as the report's ``.docx`` download (A4, three rules, numbered caption)
        to ``path`` (atomically); returns the path."""
        from .atomic import write_bytes

        path = Path(path)
        write_bytes(path, self.written.to_docx())
        return path

    def to_csv(self, path: str | Path) -> Path:
        """Write the report's tidy CSV of this table to ``path``; returns the path."""
        from .export import write_csv

        return write_csv(self.csv, path)

    def __repr__(self) -> str:  # a console's view: caption, the cells (first column indented and left-aligned)
        caption = f"{self.table.caption_label} {self.table.title}".strip() or self.table.name
        frame = self.table.to_frame()
        if frame.empty:
            return caption
        first = frame.columns[0]
        frame[first] = ["  " * row.indent + value for row, value in zip(self.table.rows, frame[first])]
        width = max(len(first), *(len(v) for v in frame[first]))
        return f"{caption}\n" + frame.to_string(index=False, formatters={first: f"{{:<{width}}}".format},
                                                 justify="left")


@dataclass(repr=False)
class FigureResult:
    """A figure as the report shows it: drawn once, shown with its numbered caption and alt text.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        Closed for pyplot, so JupyterLab shows it once, through this result.
    name : str
        File stem of its downloads (``survival_km_overall_days`` -> ``.png``, ``.pdf``).
    caption, alt : str
        The caption printed under it and its alt text, in the result's language.
    label : str
        "Figure 6." / "Şekil 6." ("" without a number).
    frame : pandas.DataFrame
        Its numbers (a Kaplan–Meier figure: patients at risk, censored and deaths at each
        tick of the time axis).
    """

    figure: object
    name: str
    caption: str
    alt: str
    label: str = ""
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)

    def png(self) -> bytes:
        """The PNG the report writes (300 dpi, no timestamp)."""
        from .plots import figure_bytes

        return figure_bytes(self.figure, "png")

    def to_html(self) -> str:
        """The figure, its alt text and its caption as the HTML report shows them."""
        width = self.figure.get_size_inches()[0]
        return html.figure(self.png(), self.alt or self.caption, self.label, self.caption, width)

    def _repr_html_(self) -> str:
        return self.to_html()

    def save(self, folder: str | Path) -> dict[str, Path]:
        """Write ``<folder>/<name>.png`` (300 dpi) and ``.pdf`` as the report does; returns the paths."""
        from .plots import save_figures

        return save_figures(self.figure, folder, self.name)

    def __repr__(self) -> str:
        return f"{self.label} {self.caption}".strip()


@dataclass(repr=False)
class SurvivalResult:
    """Survival of a cohort (overall, or by a grouping) as the report's survival section shows it.

    JupyterLab shows the log-rank line (by a grouping), the summary table (median survival in
    both conventions, mean), the Kaplan–Meier curve and, when asked for, the multivariable Cox
    model with its forest plot. ``to_docx``, ``to_latex`` and ``to_csv`` write the summary
    table; the other tables are results of their own (``result.tables["multivariable"].to_docx(path)``).

    Attributes
    ----------
    report : lmlib.survival_report.SurvivalReport
        The survival section's numbers in a style; ``report.with_style(lang="tr")`` shows them
        in Turkish without refitting.
    by : str or None
        The grouping (a codebook variable), or None for the whole cohort.
    tables : dict of str to TableResult
        ``summary`` (Table 4), ``landmarks`` (Table 5), ``comparisons`` (log-rank, Table 6),
        ``cox`` (univariable Cox by grouping, Table 7), as the report writes them.
        With ``cox=``, ``multivariable``: the multivariable Cox model
        (`lmlib.comparisons.cox_table`).
    km : FigureResult
        The Kaplan–Meier figure.
    lines : tuple of str
        Sentences shown above the table (the log-rank test of ``by``).
    forest : FigureResult or None
        With ``cox=``, the Cox model's forest plot (None when it could not be estimated).
    """

    report: object
    by: str | None
    tables: dict
    km: FigureResult
    lines: tuple = ()
    forest: FigureResult | None = None

    @property
    def frame(self) -> pd.DataFrame:
        """The summary's numbers (:attr:`TableResult.frame` of ``tables["summary"]``)."""
        return self.tables["summary"].frame

    def to_html(self) -> str:
        """The log-rank line, the summary table, the curve and (with ``cox=``) the Cox model's
        table and forest plot, as the report shows them."""
        parts = [*(html.paragraph(line, strong=True) for line in self.lines if line),
                 self.tables["summary"].to_html(), self.km.to_html()]
        if "multivariable" in self.tables:
            parts.append(self.tables["multivariable"].to_html())
        if self.forest is not None:
            parts.append(self.forest.to_html())
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_latex(self) -> str:
        """The summary table as LaTeX (:meth:`TableResult.to_latex`)."""
        return self.tables["summary"].to_latex()

    def to_docx(self, path: str | Path) -> Path:
        """Write the summary table as Word (:meth:`TableResult.to_docx`)."""
        return self.tables["summary"].to_docx(path)

    def to_csv(self, path: str | Path) -> Path:
        """Write the summary table's tidy CSV (:meth:`TableResult.to_csv`)."""
        return self.tables["summary"].to_csv(path)

    def __repr__(self) -> str:
        return "\n\n".join([*(line for line in self.lines if line), repr(self.tables["summary"]), repr(self.km)])
