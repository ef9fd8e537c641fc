"""The problems appendix as a reader sees it (:mod:`lmlib.appendix` gives the numbers): a
heading, one paragraph saying how the report was built (LENIENT=1: invalid cells were treated
as missing), and two tables, problems by column and rule (Table A1) and the first problems one
by one (Table A2), each rule said in words from the text catalog (``problem.rule.<rule>``),
never a cell's value nor the unknown header of a column left out."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .numbers import Style
from .table import DisplayTable


def rule_text(rule: str, style: Style) -> str:
    """A problem's rule in words (the catalog's ``problem.rule.<rule>``; an unknown rule by its code)."""
    from .catalog import has

    key = f"problem.rule.{rule}"
    return style.text(key) if has(key) else style.text("appendix.rule_other", rule=rule)


def _column(where: str, column: str, style: Style) -> str:
    return column if where == "column" else style.text(f"appendix.{where}")


def counts_table(counts: pd.DataFrame, style: Style, number="A1") -> DisplayTable:
    """Problems per column and rule (:func:`lmlib.appendix.problem_counts`)."""
    t = style.text
    table = DisplayTable("appendix_problems", number=number, title=t("appendix.title.counts"), lang=style.lang)
    table.add_column("column", t("appendix.h.column"), align="left")
    table.add_column("rule", t("appendix.h.rule"), align="left")
    table.add_column("severity", t("appendix.h.severity"), align="left")
    table.add_column("n", t("appendix.h.problems"))
    for r in counts.to_dict("records"):
        table.add_row({"column": _column(r["where"], r["column"], style), "rule": rule_text(r["rule"], style),
                       "severity": t(f"appendix.severity.{r['severity']}"), "n": style.count(r["n"])})
    return table


def first_table(first: pd.DataFrame, style: Style, number="A2", total: int | None = None) -> DisplayTable:
    """The first problems one by one (:func:`lmlib.appendix.first_problems`); ``total``: how many
    problems there are (the title says "every problem" when all are listed)."""
    t = style.text
    title = t("appendix.title.every") if total is not None and total <= len(first) \
        else t("appendix.title.first", k=style.count(len(first)))
    table = DisplayTable("appendix_first_problems", number=number, title=title, lang=style.lang)
    table.add_column("row", t("appendix.h.row"))
    table.add_column("column", t("appendix.h.column"), align="left")
    table.add_column("rule", t("appendix.h.rule"), align="left")
    table.add_column("severity", t("appendix.h.severity"), align="left")
    for r in first.to_dict("records"):
        row = "" if pd.isna(r["row"]) else style.count(r["row"])
        table.add_row({"row": row, "column": _column(r["where"], r["column"], style),
                       "rule": rule_text(r["rule"], style), "severity": t(f"appendix.severity.{r['severity']}")})
    table.add_note(t("appendix.note.rows"))
    return table


def csv_frame(frame: pd.DataFrame, style: Style) -> pd.DataFrame:
    """An appendix table as written to CSV: its codes and counts, with the column and the rule
    in the report's language beside them."""
    return frame.assign(column=[_column(w, c, style) for w, c in zip(frame["where"], frame["column"])],
                        rule_text=[rule_text(r, style) for r in frame["rule"]])


def lead(problems: pd.DataFrame, style: Style, k: int) -> str:
    """The paragraph under the heading: how many invalid cells became missing (LENIENT=1) or
    how many warnings, and what the tables show."""
    errors = int((problems["severity"] == "error").sum())
    warnings = style.count(len(problems) - errors)
    said = style.text("appendix.lenient", errors=style.count(errors), warnings=warnings) if errors \
        else style.text("appendix.warnings", warnings=warnings)
    return f"{said} {style.text('appendix.how', k=style.count(min(k, len(problems))))}"


def problem_tables(cohort, style: Style, k: int | None = None) -> list[tuple[pd.DataFrame, DisplayTable]]:
    """The appendix's tables of ``cohort``'s problems as (numbers, display table): Table A1
    (per column and rule) and Table A2 (the first ``k``, default
    :data:`lmlib.appendix.FIRST_ROWS`); empty when the load found no problem."""
    from .. import appendix

    problems = cohort.problems
    if problems.empty:
        return []
    k = appendix.FIRST_ROWS if k is None else k
    counts = appendix.problem_counts(problems, cohort.columns)
    first = appendix.first_problems(problems, cohort.columns, k)
    return [(counts, counts_table(counts, style)), (first, first_table(first, style, total=len(problems)))]


def show_appendix(cohort, style: Style, folder: str | Path | None = None, downloads=None, k: int | None = None) -> None:
    """Display the appendix of ``cohort``'s problems (nothing when the load found none); with
    ``folder`` its tables are also written there (.csv, .tex, .docx) and listed in ``downloads``."""
    from .. import appendix
    from . import page

    blocks = problem_tables(cohort, style, k)
    if not blocks:
        return
    page.heading(style.text("appendix.heading"), 2)
    page.paragraph(lead(cohort.problems, style, appendix.FIRST_ROWS if k is None else k))
    for frame, table in blocks:
        if folder is None:
            page.show_table(table)
        else:
            page.show_table(table, folder, csv_frame(frame, style), downloads)
