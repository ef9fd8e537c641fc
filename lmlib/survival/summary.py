"""The side-by-side table of median (and mean) survival under SPSS's and R's conventions.

One row per group and ``Overall``; every number in the durations' unit (days by default).
Columns ending in ``_spss`` follow SPSS's "Means and Medians for Survival Time"
(:mod:`lmlib.survival.spss`); ``_loglog`` and ``_log`` are Brookmeyer–Crowley intervals with
the log-log and log transforms and R survival's rules (:mod:`lmlib.survival.median_ci`).
"""
from __future__ import annotations

import pandas as pd

from .data import split_groups, survival_frame
from .median_ci import median_ci_from_steps
from .spss import mean_from_steps, median_from_steps
from .steps import km_steps

SUMMARY_COLUMNS = [
    "n", "events", "censored",
    "median", "median_reached", "median_se_spss", "median_lower_spss", "median_upper_spss",
    "median_r", "median_lower_loglog", "median_upper_loglog", "median_lower_log", "median_upper_log",
    "mean_spss", "mean_se_spss", "mean_lower_spss", "mean_upper_spss", "mean_restricted",
]


def summary_row(durations, events, weights=None, alpha: float = 0.05) -> dict:
    """The :data:`SUMMARY_COLUMNS` for one group (see :func:`survival_summary`)."""
    steps = km_steps(durations, events, weights)
    med, mean = median_from_steps(steps), mean_from_steps(steps)
    loglog = median_ci_from_steps(steps, "log-log", alpha)
    log = median_ci_from_steps(steps, "log", alpha)
    n = float(steps["at_risk"].iloc[0]) if len(steps) else 0.0
    events_total = float(steps["events"].sum())
    return {
        "n": n, "events": events_total, "censored": n - events_total,
        "median": med.estimate, "median_reached": bool(med.estimate == med.estimate),
        "median_se_spss": med.se, "median_lower_spss": med.lower, "median_upper_spss": med.upper,
        "median_r": loglog.median,
        "median_lower_loglog": loglog.lower, "median_upper_loglog": loglog.upper,
        "median_lower_log": log.lower, "median_upper_log": log.upper,
        "mean_spss": mean.estimate, "mean_se_spss": mean.se,
        "mean_lower_spss": mean.lower, "mean_upper_spss": mean.upper,
        "mean_restricted": bool(len(steps) and steps["censored"].iloc[-1] > 0),
    }


def survival_summary(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str | None = None,
    weights_col: str | None = None, event_value=None, unit: str = "days", alpha: float = 0.05,
) -> pd.DataFrame:
    """Median and mean survival per group and overall, SPSS's and Brookmeyer–Crowley's CIs side by side.

    Parameters
    ----------
    data : DataFrame, not modified.
    duration_col : follow-up in days; ``unit="months"`` gives every time in months (/30.4375).
    event_col, group_col, weights_col, event_value : see
        :func:`~lmlib.survival.data.survival_frame`.
    alpha : 1 − confidence level of the Brookmeyer–Crowley intervals (SPSS's are always
        ± 1.96 SE).

    Returns
    -------
    DataFrame indexed by group (sorted, ``"Overall"`` last) with :data:`SUMMARY_COLUMNS`:

    * ``median``: smallest event time with S <= 0.5 (SPSS, lifelines; S exactly 0.5 at t
      gives t). NaN with ``median_reached`` False when S stays above 0.5: "not reached".
    * ``median_se_spss``, ``median_lower_spss``, ``median_upper_spss``: SPSS's SE (Greenwood
      SE / kernel density) and median ± 1.96 SE.
    * ``median_r``: R's median (midpoint of the flat when S is 0.5 over an interval; else
      equal to ``median``).
    * ``median_lower_loglog`` ... ``median_upper_log``: Brookmeyer–Crowley limits (R's rules),
      NaN when the band does not fall to 0.5 ("not reached").
    * ``mean_spss`` etc.: SPSS's mean, restricted to the largest observed time;
      ``mean_restricted`` True when that time is censored (SPSS's footnote).

    Examples
    --------
    >>> from lmlib.cohort import load_cohort
    >>> from lmlib.survival import survival_summary
    >>> s = survival_summary(load_cohort().data, "survival_days", "death").iloc[0]
    >>> int(s["n"]), int(s["events"]), float(s["median"]), round(float(s["median_se_spss"]), 1)  # the paper: 30 ± 9.5
    (32, 26, 30.0, 9.5)
    """
    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value, unit)
    rows = {key: summary_row(sub["duration"], sub["event"], sub["weight"], alpha)
            for key, sub in split_groups(frame)}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=SUMMARY_COLUMNS)
    out.index.name = group_col or "group"
    return out
