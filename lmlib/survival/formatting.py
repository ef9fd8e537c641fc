"""Text for survival numbers in a console (``python -m lmlib survival``): "not reached" and the
one rounding rule of :mod:`lmlib.present.numbers` (half away from zero, decimal arithmetic).

The statistics return NaN plus an explicit status (``median_reached``); these helpers turn a
summary into strings. Nothing in the statistics imports this module. The reports' tables are
made by :mod:`lmlib.present`; this is the plain-text view for the command line.
"""
from __future__ import annotations

import pandas as pd

from ..present.catalog import text
from ..present.numbers import DASH, MISSING, fmt_count, is_missing

NOT_REACHED = text("survival.not_reached", "en")


def fmt_number(value, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, rounded half away from zero; "—" for NaN/None."""
    from ..present.numbers import fmt_number as one_rule

    return one_rule(value, digits)


def fmt_time(value, digits: int = 1) -> str:
    """A time that may not be reached (a median or a Brookmeyer–Crowley limit): NaN -> "not reached"."""
    return NOT_REACHED if is_missing(value) else fmt_number(value, digits)


def fmt_interval(lower, upper, digits: int = 1, reachable: bool = True) -> str:
    """"low–high"; with ``reachable`` a NaN limit reads "not reached", else "—"."""
    f = fmt_time if reachable else fmt_number
    if is_missing(lower) and is_missing(upper) and not reachable:
        return MISSING
    return f"{f(lower, digits)}{DASH}{f(upper, digits)}"


def format_summary(summary: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    """A :func:`~lmlib.survival.summary.survival_summary` as strings, one column per convention.

    The SE is a standard error, so it has its own column and is never written "±" (a reader
    takes ± for a standard deviation); the median of one patient (no variance) has SE and
    SPSS interval "—" (not estimable), apart from "not reached".
    """
    rows = {}
    for key, r in summary.iterrows():
        median = fmt_number(r["median"], digits) if r["median_reached"] else NOT_REACHED
        rows[key] = {
            "n": fmt_count(r["n"]),
            "events": fmt_count(r["events"]),
            "median": median,
            "SE (SPSS)": fmt_number(r["median_se_spss"], digits),
            "95% CI (SPSS)": fmt_interval(r["median_lower_spss"], r["median_upper_spss"], digits, reachable=False),
            "95% CI (log-log)": fmt_interval(r["median_lower_loglog"], r["median_upper_loglog"], digits)
            if r["median_reached"] or not is_missing(r["median_lower_loglog"]) else NOT_REACHED,
            "95% CI (log)": fmt_interval(r["median_lower_log"], r["median_upper_log"], digits)
            if r["median_reached"] or not is_missing(r["median_lower_log"]) else NOT_REACHED,
            "mean (SPSS)": fmt_number(r["mean_spss"], digits),
            "SE of mean": fmt_number(r["mean_se_spss"], digits),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = summary.index.name
    return out
