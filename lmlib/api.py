"""The short public API: a cohort in, the report's tables and figures out, one call each.

The same names are at the top of the package (``lmlib.load``, ``lmlib.table1``, ...) and in
``notebooks/00_start_here.ipynb``. Each function computes its numbers with the statistics
modules and hands them to the builders the report uses (:mod:`lmlib.present`), so a result
shows in JupyterLab what the HTML report shows and writes what the report writes
(:mod:`lmlib.results`). Every word comes from the text catalog in ``lang`` (``"en"`` or
``"tr"``); ``decimals``, ``decimal_mark`` and ``suppress_below`` are the report's settings of
the same names (``DECIMALS``, ``DECIMAL_MARK``, ``SUPPRESS_BELOW``).

Examples
--------
>>> import lmlib
>>> cohort = lmlib.load()
>>> cohort.n, cohort.is_synthetic
(32, True)
"""
from __future__ import annotations

from pathlib import Path

from .cohort import Cohort, load_cohort
from .present.numbers import Style
from .results import FigureResult, SurvivalResult, TableResult

__all__ = ["load", "table1", "table2", "survival", "km_plot", "crosstab", "audit"]

LANDMARKS = (30, 90, 180)  # days, as the report's survival section


def load(path: str | Path | None = None, *, study: str | Path | None = None, data_cut: str | None = None,
         strict: bool = True, lang: str = "en", codebook=None) -> Cohort:
    """Read and clean a cohort file as ``make report`` does (:func:`lmlib.cohort.load_cohort`).

    Parameters
    ----------
    path : str or Path, optional
        The cohort file (.csv, .xlsx, .sav, .parquet, or a folder of .parquet parts); default
        the bundled synthetic cohort. The file is only read.
    study : str or Path, optional
        Your study file (headers, spellings, levels, variables); ``make study`` drafts it.
    data_cut : str, optional
        Data cut-off date, yyyy-mm-dd; dates after it are errors.
    strict : bool, default True
        True: stop with one error listing every problem (``lmlib.problems.ValidationError``);
        False: invalid cells become missing and every problem is in ``cohort.problems`` (the
        report's ``LENIENT=1``).
    lang : {"en", "tr"}
        The language the cohort is shown in, and the default language of every table and
        figure made from it with this API.
    codebook : str, Path or lmlib.codebook.Codebook, optional
        Another codebook; default the built-in one (``data/codebook.yaml``).

    Returns
    -------
    lmlib.cohort.Cohort
        ``data`` (one row per patient), ``n``, ``problems`` (a DataFrame), ``sha256``;
        JupyterLab shows n, the file's SHA-256 and the problems.

    Examples
    --------
    >>> import lmlib
    >>> cohort = lmlib.load(data_cut="2018-12-31")
    >>> cohort.n, len(cohort.problems), cohort.sha256 == lmlib.load().sha256
    (32, 0, True)
    >>> "SHA-256" in cohort._repr_html_()
    True
    """
    from dataclasses import replace

    from .present.catalog import LANGS

    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return replace(load_cohort(path, codebook, study=study, strict=strict, data_cut=data_cut), lang=lang)


def _cohort(cohort) -> Cohort:
    if not isinstance(cohort, Cohort):
        raise TypeError(f"expected a cohort from lmlib.load(...), not {type(cohort).__name__}")
    return cohort


def _codebook(cohort: Cohort):
    from .codebook import load_codebook

    return cohort.codebook if cohort.codebook is not None else load_codebook()


def _style(cohort: Cohort, lang: str | None, decimals: int, decimal_mark: str, suppress_below: int) -> Style:
    """The report's settings of one call; ``lang`` None: the cohort's (:func:`load`)."""
    from .suppress import check_k

    return Style(lang or _cohort(cohort).lang, int(decimals), decimal_mark, check_k(suppress_below))


def _section_table(cohort, section: str, by, *, lang, decimals, decimal_mark, ci, summary, suppress_below,
                   tests, adjust, smd, missing) -> TableResult:
    from .export import tidy_csv_frame
    from .present import descriptive
    from .present.html import paragraph
    from .suppress import suppress_table
    from .tables import section_table

    style = _style(cohort, lang, decimals, decimal_mark, suppress_below)
    if by is not None:
        from .comparisons import table_by_group

        grouped = table_by_group(cohort.data, _codebook(cohort), by, section=section, tests=tests, adjust=adjust,
                                 smd=smd, missing=missing, style=style, summary=summary,
                                 not_in_file=cohort.not_in_file)
        return TableResult(grouped.numbers, grouped.table, grouped.csv())
    tidy = section_table(cohort.data, _codebook(cohort), section, summary=summary, lang=style.lang,
                         not_in_file=cohort.not_in_file)
    tidy = suppress_table(tidy, style.suppress_below)
    preface = "\n".join(paragraph(line, strong=True, css_class="lm-warning")
                        for line in descriptive.notice_lines(tidy, style))
    return TableResult(tidy, descriptive.display_table(tidy, style, hide_ci=not ci), tidy_csv_frame(tidy, style=style),
                       manuscript=descriptive.display_table(tidy, style, hide_ci=True) if ci else None,
                       preface=preface)


def table1(cohort: Cohort, by: str | None = None, *, lang: str | None = None, decimals: int = 1,
           decimal_mark: str = ".", ci: bool = True, summary: str | dict | None = None,
           suppress_below: int = 0, tests: str | dict = "nonparametric", adjust: str | None = None,
           smd: bool = False, missing: str = "ifany") -> TableResult:
    """Table 1 (demographic and clinical data) as the report shows it.

    Parameters
    ----------
    cohort : lmlib.cohort.Cohort
        From :func:`load`.
    by : str, optional
        A categorical or yes/no variable: one column per group plus Overall, with a test per
        row (named in a footnote); None: the whole cohort, the paper's layout.
    lang : {"en", "tr"}, optional
        Default the cohort's (:func:`load`).
    decimals : int, default 1
        Decimal places of percentages and summaries (the report's ``DECIMALS``).
    decimal_mark : {".", ","}
        The report's ``DECIMAL_MARK``.
    ci : bool, default True
        Show the Wilson 95% CI column (the Word and LaTeX files never have it, as the paper).
    summary : str or dict, optional
        A continuous variable's summary, e.g. ``"age:median_iqr"``; default mean ± SD (min–max).
    suppress_below : int, default 0
        Small-cell rule: counts 1 to k − 1 shown as ``"<k"`` (0: off; the report's ``SUPPRESS_BELOW``);
        by group, in every group's column.
    tests : {"nonparametric", "parametric"} or dict, default "nonparametric"
        By group: Mann–Whitney / Kruskal–Wallis, or Welch's t / one-way ANOVA, for continuous
        items (a dict: per item); categorical items get Pearson's χ² or the exact test
        (`lmlib.group_tests`).
    adjust : {None, "bh", "holm"}
        By group: a q-value column (Benjamini–Hochberg or Holm) over the table's tests.
    smd : bool, default False
        By group: a column of standardized mean differences (as tableone).
    missing : {"ifany", "always", "no"}
        By group: a "Missing" row per item when any patient lacks it, always, or never.

    Returns
    -------
    lmlib.results.TableResult
        ``.frame`` (tidy numbers; by group: one row per table row and group, with the test of
        each row), ``.table`` (what is shown), ``.to_docx(path)``, ``.to_latex()``,
        ``.to_csv(path)`` (the report's ``table1.*`` files).

    Examples
    --------
    >>> import lmlib
    >>> t1 = lmlib.table1(lmlib.load())
    >>> female = t1.frame[(t1.frame["item"] == "sex") & (t1.frame["level"] == "female")]
    >>> int(female["n"].iloc[0]), int(female["denominator"].iloc[0])
    (12, 32)
    >>> row = t1.table.to_frame().set_index("Characteristic").loc["Female"]
    >>> row["n (%)"], row["95% CI"]
    ('12 (37.5%)', '22.9–54.7')
    >>> lmlib.table1(lmlib.load(), lang="tr").table.to_frame().iloc[0, 0]
    'Hasta sayısı'
    >>> by_site = lmlib.table1(lmlib.load(), by="primary_site")
    >>> [c.header for c in by_site.table.columns][:3]
    ['Characteristic', 'Overall (n = 32)', 'Lung (n = 17)']
    """
    return _section_table(cohort, "table1", by, lang=lang, decimals=decimals, decimal_mark=decimal_mark, ci=ci,
                          summary=summary, suppress_below=suppress_below, tests=tests, adjust=adjust, smd=smd,
                          missing=missing)


def table2(cohort: Cohort, by: str | None = None, *, lang: str | None = None, decimals: int = 1,
           decimal_mark: str = ".", ci: bool = True, summary: str | dict | None = None,
           suppress_below: int = 0, tests: str | dict = "nonparametric", adjust: str | None = None,
           smd: bool = False, missing: str = "ifany") -> TableResult:
    """Table 2 (MRI findings) as the report shows it; the arguments are :func:`table1`'s.

    Examples
    --------
    >>> import lmlib
    >>> t2 = lmlib.table2(lmlib.load())
    >>> t2.table.caption_label, t2.table.title
    ('Table 2.', 'MRI findings of intracranial leptomeningeal metastases')
    """
    return _section_table(cohort, "table2", by, lang=lang, decimals=decimals, decimal_mark=decimal_mark, ci=ci,
                          summary=summary, suppress_below=suppress_below, tests=tests, adjust=adjust, smd=smd,
                          missing=missing)


def _survival_tables(report) -> dict[str, TableResult]:
    """The survival section's manuscript tables (Tables 4–7) with the numbers and CSV rows the report writes."""
    from .present import survival_tables as shown
    from .survival_report import csv_frames

    csv, numbers = csv_frames(report), report.numbers
    tables = {"summary": shown.summary_table(report, None), "landmarks": shown.landmark_table(report, None),
              "comparisons": shown.groups_table(report), "cox": shown.cox_table(report, None)}
    return {name: TableResult(getattr(numbers, name), table, csv[name]) for name, table in tables.items()}


def _km(report, by: str | None, unit: str) -> FigureResult:
    import matplotlib.pyplot as plt

    from .present.survival_figures import figure_alt, figure_caption, km_figure
    from .present.survival_page import km_name

    km = km_figure(report, by, unit)
    plt.close(km.figure)  # shown by the result, not again by JupyterLab's inline backend
    return FigureResult(km.figure, km_name(by, unit), figure_caption(report, by), figure_alt(report, by, unit),
                        frame=km.table)


def _survival_report(cohort, by, landmarks, time_unit, style: Style):
    from .survival_report import build

    cohort = _cohort(cohort)
    marks = landmarks if isinstance(landmarks, str) else ",".join(str(t) for t in landmarks)
    return build(cohort.data, _codebook(cohort), lang=style.lang, decimals=style.decimals,
                 decimal_mark=style.decimal_mark, time_unit=time_unit, landmarks=marks, group_by=by or "",
                 suppress_below=style.suppress_below)


def survival(cohort: Cohort, by: str | None = None, cox=None, *, landmarks=LANDMARKS, time_unit: str = "days",
             lang: str | None = None, decimals: int = 1, decimal_mark: str = ".",
             suppress_below: int = 0) -> SurvivalResult:
    """Overall survival from the LM diagnosis, as the report's survival section computes and shows it.

    Parameters
    ----------
    cohort : lmlib.cohort.Cohort
        From :func:`load`.
    by : str, optional
        A categorical variable to compare survival by (Kaplan–Meier curve per group, log-rank
        test, medians per group, univariable Cox); None: the whole cohort.
    cox : str or list of str, optional
        Covariates of a multivariable Cox model (codebook variables: continuous per unit,
        categorical against its first level, yes/no against "no"): its table and forest plot
        are shown after the curve (``.tables["multivariable"]``, ``.forest``).
    landmarks : sequence of numbers or str
        Days at which survival is given (Table 5).
    time_unit : {"days", "months"}
        "months" (days / 30.4375) beside the days, and for the curve.
    lang, decimals, decimal_mark, suppress_below
        As :func:`table1`.

    Returns
    -------
    lmlib.results.SurvivalResult
        Shows the log-rank line, the summary table (median survival as SPSS and
        Brookmeyer–Crowley give it, mean), the curve and the Cox model; ``.tables`` holds
        Tables 4–7 (and the Cox model), ``.km`` the figure, ``.report`` every number.

    Examples
    --------
    >>> import lmlib
    >>> result = lmlib.survival(lmlib.load())
    >>> overall = result.frame[(result.frame["item"] == "overall_survival") & (result.frame["unit"] == "days")].iloc[0]
    >>> int(overall["n"]), int(overall["events"]), float(overall["median"])
    (32, 26, 30.0)
    >>> by = lmlib.survival(lmlib.load(), by="treatment")
    >>> by.lines[0].startswith("Log-rank")
    True
    >>> model = lmlib.survival(lmlib.load(), cox=["age", "sex"]).tables["multivariable"]
    >>> sorted(model.frame["variable"].unique()), int(model.csv["n"].iloc[0])
    (['age', 'sex'], 32)
    """
    from .present.survival import comparison_lines

    style = _style(cohort, lang, decimals, decimal_mark, suppress_below)
    report = _survival_report(cohort, by, landmarks, time_unit, style)
    lines = (comparison_lines(report, by),) if by else ()
    tables, forest = _survival_tables(report), None
    if cox is not None:
        tables["multivariable"], forest = _cox_model(cohort, cox, style)
    return SurvivalResult(report, by, tables, _km(report, by, time_unit), lines, forest)


def _cox_model(cohort: Cohort, covariates, style: Style) -> tuple[TableResult, FigureResult | None]:
    """The multivariable Cox model's table and forest plot (`lmlib.comparisons.cox_table`)."""
    import matplotlib.pyplot as plt

    from .comparisons import cox_table
    from .present.cox import forest_caption

    model = cox_table(cohort.data, covariates, _codebook(cohort), style=style)
    table = TableResult(model.numbers.terms, model.table, model.csv())
    figure = model.forest()
    if figure is None:  # a model that could not be estimated: its table says why
        return table, None
    plt.close(figure)
    return table, FigureResult(figure, f"{model.table.name}_forest", forest_caption(model.numbers, style),
                               model.forest_alt())


def km_plot(cohort: Cohort, by: str | None = None, *, unit: str = "days", lang: str | None = None, decimals: int = 1,
            decimal_mark: str = ".", suppress_below: int = 0) -> FigureResult:
    """The Kaplan–Meier figure of the report: labels in ``lang`` (group labels from the codebook),
    95% band, censor marks, median lines, numbers at risk under it, log-rank p by a grouping.

    Parameters
    ----------
    cohort : lmlib.cohort.Cohort
        From :func:`load`.
    by : str, optional
        A categorical variable: one curve per group; None: the whole cohort.
    unit : {"days", "months"}
        The time axis.
    lang, decimals, decimal_mark, suppress_below
        As :func:`table1` (under ``suppress_below`` the numbers at risk from 1 to k − 1 show ``"<k"``).

    Returns
    -------
    lmlib.results.FigureResult
        ``.figure`` (matplotlib), ``.frame`` (the numbers under the curve), ``.save(folder)``
        (300-dpi PNG and PDF, as the report writes them).

    Examples
    --------
    >>> import lmlib
    >>> km = lmlib.km_plot(lmlib.load(), by="primary_site")
    >>> km.name, km.png()[:4]
    ('survival_km_primary_site', b'\\x89PNG')
    >>> "Lung" in [t.get_text() for t in km.figure.axes[0].get_legend().get_texts()][0]
    True
    """
    style = _style(cohort, lang, decimals, decimal_mark, suppress_below)
    return _km(_survival_report(cohort, by, LANDMARKS, unit, style), by, unit)


def crosstab(cohort: Cohort, by: str = "primary_site", *, items=None, lang: str | None = None, decimals: int = 1,
             decimal_mark: str = ".", suppress_below: int = 0) -> TableResult:
    """The imaging findings cross-tabulated by ``by`` with an exact test each (Fisher, or
    Freeman–Halton for more than two rows or columns; exploratory), the report's Table 3.

    Parameters
    ----------
    cohort : lmlib.cohort.Cohort
        From :func:`load`.
    by : str, default "primary_site"
        A categorical variable of the codebook.
    items : list of str, optional
        The findings; default the categorical, yes/no and multi-response items of Table 2.
    lang, decimals, decimal_mark, suppress_below
        As :func:`table1`.

    Returns
    -------
    lmlib.results.TableResult

    Examples
    --------
    >>> import lmlib
    >>> xt = lmlib.crosstab(lmlib.load())
    >>> xt.table.caption_label, xt.table.title
    ('Table 3.', 'MRI findings by primary site (exploratory)')
    >>> set(xt.frame["analysis"])
    {'exploratory'}
    """
    from .crosstab import findings_by, not_in_file_labels
    from .export import crosstab_frame
    from .present.crosstabs import display_table
    from .suppress import suppress_crosstab

    cohort = _cohort(cohort)
    style = _style(cohort, lang, decimals, decimal_mark, suppress_below)
    codebook = _codebook(cohort)
    xt = suppress_crosstab(findings_by(cohort.data, codebook, by, items=items, lang=style.lang,
                                       not_in_file=cohort.not_in_file), style.suppress_below)
    absent = not_in_file_labels(codebook, cohort.not_in_file, items=items, lang=style.lang)  # left out, in a note
    return TableResult(xt, display_table(xt, style, not_in_file=absent), crosstab_frame(xt, style=style))


def audit(cohort: Cohort, *, published: str | Path | None = None, lang: str | None = None, decimals: int = 1,
          decimal_mark: str = ".", suppress_below: int = 0) -> TableResult:
    """Every published number beside the one computed from ``cohort`` (the report's Table S2).

    For the bundled synthetic cohort each number gets a verdict (exact, rounding, truncation,
    paper inconsistent, mismatch), explained above the table; for your own series the
    published numbers stand beside yours with the difference, without a verdict. The paper's
    check against itself is :func:`lmlib.audit.consistency.check_published`.

    Parameters
    ----------
    cohort : lmlib.cohort.Cohort
        From :func:`load`.
    published : str or Path, optional
        A published-numbers file in ``data/published.yaml``'s format; default the source paper's.
    lang, decimals, decimal_mark, suppress_below
        As :func:`table1`.

    Examples
    --------
    >>> import lmlib
    >>> s2 = lmlib.audit(lmlib.load())
    >>> s2.table.caption_label, int((s2.frame["status"] == "mismatch").sum())
    ('Table S2.', 0)
    """
    from .audit import reproduce
    from .present.audit import comparison, comparison_preface
    from .published import load_published
    from .suppress import mask_audit

    cohort = _cohort(cohort)
    style = _style(cohort, lang, decimals, decimal_mark, suppress_below)
    codebook = _codebook(cohort)
    numbers = mask_audit(reproduce.reproduction_audit(cohort.data, codebook, load_published(published), cohort.not_in_file),
                         style.suppress_below)
    lines, table, csv = comparison(numbers, cohort, style, codebook)
    return TableResult(numbers, table, csv, preface=comparison_preface(lines))
