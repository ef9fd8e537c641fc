"""The problems appendix of every report, as numbers: what the load found in the input, so
co-authors see what was excluded (``make report LENIENT=1``: invalid cells became missing).

:func:`problem_counts` and :func:`first_problems` are DataFrames of codes and counts;
:mod:`lmlib.present.appendix` shows them under a heading, in the report's language. A shared
report never shows a cell's value (it could be a full date or an identifier), nor what was
expected (that text repeats values; it is in the problems CSV, ``PROBLEMS=``), and names a
column only when the codebook knows it: an unknown or identifier column is ``where =
"left_out"``, a problem of the whole file (a missing column) ``where = "whole_file"``.
"""
from __future__ import annotations

import pandas as pd

FIRST_ROWS = 20  # problems listed one by one; the rest are in the counts (and in PROBLEMS=...)
HIDDEN_RULES = ("unknown_column", "identifier_column", "derived_column")  # their header is not shown
COUNT_COLUMNS = ["where", "column", "rule", "severity", "n"]
FIRST_COLUMNS = ["row", "where", "column", "rule", "severity"]


def _known_columns(columns: pd.DataFrame) -> set[str]:
    """Input headers the codebook knows (used as an analysis variable)."""
    from .clean import UNUSED_COLUMN

    known = columns[columns["used_as"] != UNUSED_COLUMN]
    return {str(c) for c in known["input"]}


def _where(problems: pd.DataFrame, columns: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each problem's ``where`` ("column", "left_out" or "whole_file") and the header shown
    ("" unless ``where`` is "column")."""
    known = _known_columns(columns)
    where, shown = [], []
    for column, rule in zip(problems["column"], problems["rule"]):
        if rule in HIDDEN_RULES or (isinstance(column, str) and not set(column.split(" / ")) <= known):
            where.append("left_out"), shown.append("")
        elif column is None or column != column:
            where.append("whole_file"), shown.append("")
        else:
            where.append("column"), shown.append(str(column))
    return where, shown


def problem_counts(problems: pd.DataFrame, columns: pd.DataFrame) -> pd.DataFrame:
    """Problems per (column, rule, severity), most first: :data:`COUNT_COLUMNS`."""
    if problems.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    where, shown = _where(problems, columns)
    frame = problems.assign(where=where, column=shown)
    counts = frame.groupby(["where", "column", "rule", "severity"], sort=False).size().rename("n").reset_index()
    return counts.sort_values(["n", "column", "rule"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def first_problems(problems: pd.DataFrame, columns: pd.DataFrame, k: int = FIRST_ROWS) -> pd.DataFrame:
    """The first ``k`` problems (errors first, then by row): :data:`FIRST_COLUMNS`; never the
    cell's value."""
    if problems.empty:
        return pd.DataFrame(columns=FIRST_COLUMNS)
    where, shown = _where(problems, columns)
    frame = problems.assign(where=where, column=shown, order=(problems["severity"] != "error").astype(int))
    frame = frame.sort_values(["order", "row"], kind="stable", na_position="first")
    return frame[FIRST_COLUMNS].head(k).reset_index(drop=True)

