"""The survival section as one object: :class:`SurvivalReport` (every table the section shows),
computed from the cohort and the notebook's parameters by :func:`build` and written as tidy CSVs
by :func:`write_tables`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..export import write_csv
from ..problems import InputError
from ..suppress import blank_small, check_k, count_text
from .params import OVERALL_ITEM, RMST_TAU_DAYS, check_group_by, parse_times, time_units
from .tables import comparison_table, cox_table, landmark_table, risk_frame, summary_table


@dataclass


class SurvivalReport:
    """Everything the survival section shows, as tidy numeric tables (see :func:`build`)."""

    data: pd.DataFrame = field(repr=False)
    codebook: object = field(repr=False)
    summary: pd.DataFrame
    landmarks: pd.DataFrame
    comparisons: pd.DataFrame
    cox: pd.DataFrame
    risk: pd.DataFrame
    lang: str
    decimals: int
    units: tuple
    group_by: list
    tau_days: float
    risk_times: str
    suppress_below: int = 0  # counts 1 to k - 1 shown as "<k" (lmlib.suppress); 0: off


# The count columns of each table, blanked (1 to k − 1) in the CSVs when suppression is on.
COUNT_COLUMNS = {"summary": ["n", "events", "censored"], "landmarks": ["at_risk"],
                 "comparisons": ["n", "events"], "cox": ["n", "events"], "risk": ["at_risk", "censored", "events"]}


def _n(report: SurvivalReport, x) -> str:
    """A count as the report shows it: "<k" from 1 to k − 1 under suppression, else "12"."""
    return count_text(x, report.suppress_below)


def build(data: pd.DataFrame, codebook=None, *, lang: str = "en", decimals: int = 1, time_unit: str = "days",
          landmarks: str = "30,90,180", group_by: str = "treatment,primary_site", risk_times: str = "",
          tau_days: float = RMST_TAU_DAYS, suppress_below: int = 0) -> SurvivalReport:
    """Compute the survival section from a cleaned cohort (``survival_days``, ``death``); the
    notebook's parameters are passed as they are (strings). ``data`` is not modified.
    ``suppress_below`` = k >= 2 shows the counts from 1 to k − 1 (numbers at risk, deaths,
    censored, group sizes) as "<k" and blanks them in the CSVs (:mod:`lmlib.suppress`).

    Raises
    ------
    InputError : a parameter cannot be used (unknown language or unit, a time that is not a
        number, a ``group_by`` column that is missing or not categorical); the message says which.
    """
    if lang not in ("en", "tr"):
        raise InputError(f"lang must be 'en' or 'tr', not {lang!r}")
    units = time_units(time_unit)
    groups = check_group_by(data, group_by)
    times = parse_times(landmarks)
    parse_times(risk_times)
    try:
        k = check_k(suppress_below)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    kw = dict(codebook=codebook, lang=lang)
    return SurvivalReport(
        data, codebook,
        summary_table(data, groups, decimals=decimals, units=units, tau_days=tau_days, **kw),
        landmark_table(data, times, groups, decimals=decimals, **kw),
        comparison_table(data, groups, **kw),
        cox_table(data, groups, **kw),
        risk_frame(data, groups, units=units, risk_times=risk_times, **kw),
        lang, int(decimals), units, groups, float(tau_days), risk_times, k,
    )


CSV_NAMES = {"summary": "survival_summary.csv", "landmarks": "survival_landmarks.csv",
             "comparisons": "survival_groups.csv", "cox": "survival_cox.csv", "risk": "survival_risk_table.csv"}


def write_tables(report: SurvivalReport, folder: str | Path) -> dict[str, Path]:
    """Write the five tidy CSVs (:data:`CSV_NAMES`) atomically into ``folder``; returns their paths.
    Under suppression the counts from 1 to k − 1 (:data:`COUNT_COLUMNS`) are blank."""
    folder = Path(folder)
    return {name: write_csv(blank_small(getattr(report, name).drop(columns="time_digits", errors="ignore"),
                                        COUNT_COLUMNS[name], report.suppress_below), folder / file)
            for name, file in CSV_NAMES.items()}


def _overall(report: SurvivalReport, unit: str = "days") -> pd.Series:
    s = report.summary
    return s[(s["item"] == OVERALL_ITEM) & (s["unit"] == unit)].iloc[0]
