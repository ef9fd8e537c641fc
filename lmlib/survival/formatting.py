"""Text for survival numbers: the only place where "not reached" is written.

The statistics return NaN plus an explicit status (``median_reached``); these helpers turn a
summary into strings for a console or a table. Nothing in the statistics imports this module.
"""
from __future__ import annotations

import math

import pandas as pd

NOT_REACHED = "not reached"
MISSING = "—"


def _nan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals; "—" for NaN/None (not estimable)."""
    return MISSING if _nan(value) else f"{float(value):.{digits}f}"


def fmt_time(value, digits: int = 1) -> str:
    """A time that may not be reached (a median or a Brookmeyer–Crowley limit):
    NaN -> "not reached"."""
    return NOT_REACHED if _nan(value) else f"{float(value):.{digits}f}"


def fmt_interval(lower, upper, digits: int = 1, reachable: bool = True) -> str:
    """"low–high"; with ``reachable`` a NaN limit reads "not reached", else "—"."""
    f = fmt_time if reachable else fmt_number
    if _nan(lower) and _nan(upper) and not reachable:
        return MISSING
    return f"{f(lower, digits)}–{f(upper, digits)}"


def format_summary(summary: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    """A :func:`~lmlib.survival.summary.survival_summary` as strings, one column per convention."""
    rows = {}
    for key, r in summary.iterrows():
        median = fmt_time(r["median"], digits) if not r["median_reached"] else fmt_number(r["median"], digits)
        rows[key] = {
            "n": f"{r['n']:.12g}",
            "events": f"{r['events']:.12g}",
            "median": median,
            "SE (SPSS)": fmt_number(r["median_se_spss"], digits),
            "95% CI (SPSS)": fmt_interval(r["median_lower_spss"], r["median_upper_spss"], digits, reachable=False),
            "95% CI (log-log)": fmt_interval(r["median_lower_loglog"], r["median_upper_loglog"], digits)
            if r["median_reached"] or not _nan(r["median_lower_loglog"]) else NOT_REACHED,
            "95% CI (log)": fmt_interval(r["median_lower_log"], r["median_upper_log"], digits)
            if r["median_reached"] or not _nan(r["median_lower_log"]) else NOT_REACHED,
            "mean ± SE (SPSS)": f"{fmt_number(r['mean_spss'], digits)} ± {fmt_number(r['mean_se_spss'], digits)}",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = summary.index.name
    return out
