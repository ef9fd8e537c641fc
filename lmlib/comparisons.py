"""Comparisons as journals print them, one call each: a table by group (Table 1 or 2 with one
column per group, Overall, p and the test of every row) and a multivariable Cox model (its table
and forest plot), each returned with its numbers beside its display.

These are the entry points for a notebook or JupyterLab (the report's sections use the same
pieces): the numbers come from :mod:`lmlib.compare_groups` and :mod:`lmlib.survival_report.multivariable`,
small cells are masked by :mod:`lmlib.suppress`, and the words and layout from
:mod:`lmlib.present` (:mod:`~lmlib.present.grouped`, :mod:`~lmlib.present.cox`), so the three
renderers (HTML, LaTeX, Word) and the CSV agree::

    from lmlib.comparisons import table_by_group, cox_table
    cb = load_codebook(study=None)                      # or the study file's
    t1 = table_by_group(cohort.data, cb, "primary_site", adjust="bh", smd=True)
    t1                    # the table in JupyterLab; t1.numbers the numeric frame; t1.csv() as written
    t1.table.to_docx()    # Word; .to_latex(), .to_html()
    cox = cox_table(cohort.data, ["age", "sex", "treatment"], cb)
    cox.numbers.terms, cox.numbers.model, cox.forest()
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .present.numbers import Style
from .present.table import DisplayTable


def _style(style: Style | None, lang: str, decimals: int, decimal_mark: str, suppress_below: int) -> Style:
    return style if style is not None else Style(lang, decimals, decimal_mark, suppress_below)


@dataclass
class TableByGroup:
    """A table by group: ``numbers`` (:func:`lmlib.compare_groups.compare_groups`, masked under
    small-cell suppression), ``table`` (its :class:`DisplayTable`) and ``style``. ``csv()`` is
    the frame written as ``<name>.csv`` (columns ``group``, ``display``, ``test``, ``p``, ...).
    Displayed as its table in JupyterLab.

    Examples
    --------
    >>> import tempfile
    >>> from lmlib.cohort import load_cohort
    >>> t1 = table_by_group(load_cohort().data, by="primary_site")
    >>> rows = t1.csv()
    >>> rows.loc[(rows["item"] == "n_patients"), ["group", "n"]].to_numpy().tolist()[:2]
    [['lung', 17], ['breast', 8]]
    >>> sorted(path.suffix for path in t1.write(tempfile.mkdtemp()).values())
    ['.csv', '.docx', '.tex']
    """

    numbers: pd.DataFrame = field(repr=False)
    table: DisplayTable = field(repr=False)
    style: Style

    def csv(self) -> pd.DataFrame:
        from .present.grouped import csv_frame

        return csv_frame(self.numbers, self.style)

    def write(self, folder) -> dict:
        """Write ``<name>.csv``, ``.tex`` and ``.docx`` into ``folder``; returns the paths by format."""
        from .export import write_display

        return write_display(self.table, folder, self.csv())

    def _repr_html_(self) -> str:
        return self.table.to_html()


def table_by_group(data: pd.DataFrame, codebook=None, by: str = "primary_site", *, section: str = "table1",
                   tests="nonparametric", adjust: str | None = None, smd: bool = False, missing: str = "ifany",
                   style: Style | None = None, lang: str = "en", decimals: int = 1, decimal_mark: str = ".",
                   suppress_below: int = 0, summary=None, not_in_file=None, number=None, title: str | None = None,
                   name: str | None = None) -> TableByGroup:
    """Table 1 or 2 of a cohort split by the groups of ``by``, with Overall and a test per row.

    Parameters
    ----------
    data : the cleaned cohort (:attr:`lmlib.cohort.Cohort.data`), not modified.
    codebook : default ``data/codebook.yaml`` (with a study file: ``load_codebook(study=...)``).
    by : a categorical or yes/no variable of the codebook or the study file.
    section : ``"table1"`` or ``"table2"``.
    tests : ``"nonparametric"`` (Mann–Whitney / Kruskal–Wallis for continuous items) or
        ``"parametric"`` (Welch's t / one-way ANOVA); categorical items: Pearson's χ² or the
        exact test (:mod:`lmlib.group_tests`).
    adjust : None, ``"bh"`` (Benjamini–Hochberg q-values) or ``"holm"``: a q column.
    smd : add tableone's standardized mean differences.
    missing : ``"ifany"``, ``"always"`` or ``"no"`` (:func:`lmlib.present.grouped.display_table`).
    style, lang, decimals, decimal_mark, suppress_below : the display (a ``Style`` wins);
        ``suppress_below`` = k >= 2 masks the counts 1 to k − 1 of every group column
        (:func:`lmlib.suppress.suppress_grouped`).
    summary, not_in_file : as :func:`lmlib.tables.section_table` (``cohort.not_in_file``).
    number, title, name : caption number, title and file stem (default the section's).

    Examples
    --------
    >>> from lmlib.cohort import load_cohort
    >>> t1 = table_by_group(load_cohort().data, by="primary_site")
    >>> female = t1.numbers[(t1.numbers["item"] == "sex") & (t1.numbers["level"] == "female")]
    >>> overall = female[female["group"] == "overall"].iloc[0]
    >>> int(overall["n"]), int(overall["denominator"])
    (12, 32)
    >>> [c.header for c in t1.table.columns][:3]
    ['Characteristic', 'Overall (n = 32)', 'Lung (n = 17)']
    """
    from .codebook import load_codebook
    from .compare_groups import compare_groups
    from .present.grouped import display_table
    from .suppress import suppress_grouped

    codebook = codebook or load_codebook()
    style = _style(style, lang, decimals, decimal_mark, suppress_below)
    frame = compare_groups(data, codebook, by, section=section, tests=tests, adjust=adjust, summary=summary,
                           lang=style.lang, not_in_file=not_in_file)
    attrs = dict(frame.attrs)
    frame = suppress_grouped(frame, style.suppress_below or 0)
    frame.attrs.update(attrs)
    table = display_table(frame, style, codebook=codebook, number=number, title=title, name=name, smd=smd,
                          missing=missing)
    return TableByGroup(frame, table, style)


@dataclass
class CoxTable:
    """A multivariable Cox model: ``numbers`` (:class:`~lmlib.survival_report.multivariable.CoxNumbers`:
    ``terms`` and ``model``), ``table`` (its :class:`DisplayTable`), ``style`` and the codebook
    its labels come from. ``forest()`` draws the forest plot (None for a model that is not
    estimable), ``forest_alt()`` its alt text, ``csv()`` the terms as written. Displayed as its
    table in JupyterLab.

    Examples
    --------
    >>> from lmlib.cohort import load_cohort
    >>> cox = cox_table(load_cohort().data, ["age", "sex"])
    >>> type(cox.forest()).__name__
    'Figure'
    >>> cox.forest_alt().startswith("Forest plot of the hazard ratios")
    True
    """

    numbers: object = field(repr=False)
    table: DisplayTable = field(repr=False)
    style: Style
    codebook: object = field(default=None, repr=False)

    def forest(self):
        from .present.cox import forest_figure

        return forest_figure(self.numbers, self.style, codebook=self.codebook)

    def forest_alt(self) -> str:
        from .present.cox import forest_alt

        return forest_alt(self.numbers, self.style, codebook=self.codebook)

    def csv(self) -> pd.DataFrame:
        from .present.cox import csv_frame

        return csv_frame(self.numbers, self.style, self.codebook)

    def write(self, folder) -> dict:
        """Write ``<name>.csv``, ``.tex`` and ``.docx`` into ``folder``; returns the paths by format."""
        from .export import write_display

        return write_display(self.table, folder, self.csv())

    def _repr_html_(self) -> str:
        return self.table.to_html()


def cox_table(data: pd.DataFrame, covariates, codebook=None, *, duration: str = "survival_days",
              event: str = "death", time_transform: str = "rank", style: Style | None = None, lang: str = "en",
              decimals: int = 1, decimal_mark: str = ".", number=None, title: str | None = None,
              name: str = "survival_cox_multivariable") -> CoxTable:
    """A multivariable Cox model of overall survival on ``covariates`` (a name or a list of
    codebook variables: continuous per unit, categorical against the first codebook level with
    patients, yes/no against "no"), with its table and forest plot.

    Parameters
    ----------
    data : the cleaned cohort, not modified; complete cases of the covariates are analysed.
    covariates : e.g. ``["age", "sex", "treatment"]`` or ``"treatment"``.
    codebook : default ``data/codebook.yaml``.
    duration, event : the survival columns (days; the event True for a death).
    time_transform : time scale of the PH test: ``"rank"`` (mid-ranks of the death times, R's
        "rank"), ``"km"`` (R's default), ``"log"`` or ``"identity"``.
    style, lang, decimals, decimal_mark : the display (a ``Style`` wins).
    number, title, name : caption number, title (default the model's, "exploratory" when it
        has fewer than 10 events per coefficient) and the file stem of its exports.

    Raises
    ------
    InputError : a covariate is not a column, not a codebook variable, or not continuous,
        categorical or yes/no.

    Examples
    --------
    >>> from lmlib.cohort import load_cohort
    >>> cox = cox_table(load_cohort().data, ["age", "sex"])
    >>> cox.numbers.model["n"], cox.numbers.model["events"], cox.numbers.model["events_per_variable"]
    (32, 26, 13.0)
    >>> cox.numbers.terms[["variable", "level", "reference"]].to_numpy().tolist()
    [['age', '', ''], ['sex', 'female', 'female'], ['sex', 'male', 'female']]
    """
    from .codebook import load_codebook
    from .present.cox import display_table
    from .survival_report.multivariable import cox_numbers

    codebook = codebook or load_codebook()
    style = _style(style, lang, decimals, decimal_mark, 0)
    numbers = cox_numbers(data, codebook, covariates, duration=duration, event=event, time_transform=time_transform)
    table = display_table(numbers, style, codebook=codebook, number=number, title=title, name=name)
    return CoxTable(numbers, table, style, codebook)


@dataclass
class SectionTable:
    """Table 1 or 2 of a report section: ``shown`` (the table displayed in the report), ``export``
    (the journal layout written as .tex and .docx) and ``csv`` (its numbers, written as .csv);
    ``grouped`` the :class:`TableByGroup` when the section is split by a grouping."""

    shown: DisplayTable = field(repr=False)
    export: DisplayTable = field(repr=False)
    csv: pd.DataFrame = field(repr=False)
    grouped: TableByGroup | None = field(default=None, repr=False)


def section_table(tidy: pd.DataFrame, data: pd.DataFrame, codebook, style: Style, *, group_by: str = "",
                  group_tests: str = "nonparametric", adjust: str = "", smd: bool = False, missing: str = "ifany",
                  summary=None, not_in_file=None, show_ci: bool = True) -> SectionTable:
    """Table 1 or 2 as a section shows and writes it: the paper's layout from the tidy (and
    suppressed) table ``tidy`` when ``group_by`` is empty, else the table by group of
    :func:`table_by_group` (same section, same small-cell rule), whose CSV carries ``p`` and
    ``test``."""
    from .export import tidy_csv_frame
    from .present import descriptive

    if not group_by:
        return SectionTable(descriptive.display_table(tidy, style, hide_ci=not show_ci),
                            descriptive.display_table(tidy, style, hide_ci=True), tidy_csv_frame(tidy, style=style))
    section = str(tidy["section"].iloc[0])
    grouped = table_by_group(data, codebook, group_by, section=section, tests=group_tests, adjust=adjust or None,
                             smd=smd, missing=missing, style=style, summary=summary, not_in_file=not_in_file)
    return SectionTable(grouped.table, grouped.table, grouped.csv(), grouped)


__all__ = ["CoxTable", "SectionTable", "TableByGroup", "cox_table", "section_table", "table_by_group"]
