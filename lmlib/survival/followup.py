"""Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith 1996).

The reverse KM estimates the distribution of potential follow-up: it is the Kaplan–Meier
curve with the event indicator flipped (censoring is the "event", a death censors follow-up).
Unlike the median of observed times, it is not shortened by early deaths.

The median and the quartiles are read off the reverse KM with the rule of the survival
median of R (``quantile.survfit``, :func:`~lmlib.survival.median_ci.curve_quantile`): the
first time the curve is <= 0.5, or the midpoint of a flat stretch at exactly 0.5; the same
rule as the Brookmeyer–Crowley CI around it. On R's ``aml`` data (Maintained arm) this gives
R's 103 weeks, where "first time <= 0.5" gives 45.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .median_ci import curve_quantile, median_ci_from_steps
from .steps import km_steps


@dataclass(frozen=True)
class FollowUp:
    """Median follow-up with a CI and the interquartile range (durations' unit, e.g. days).

    ``median``, ``q1``, ``q3``: time where the reverse KM falls to 0.5, 0.75, 0.25 with R's
    rule (midpoint of a flat stretch at exactly that level; NaN when not reached). ``lower``/``upper``: Brookmeyer–Crowley CI (log-log, R's rules,
    see :mod:`lmlib.survival.median_ci`), NaN when not reached. ``n``: patients,
    ``n_censored``: patients censored (alive at last contact), the reverse KM's "events".
    """

    median: float
    lower: float
    upper: float
    q1: float
    q3: float
    n: float
    n_censored: float


def median_followup(durations, events, weights=None, alpha: float = 0.05) -> FollowUp:
    """Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith 1996).

    Parameters
    ----------
    durations : array-like, time from origin to death or last contact, in days (any unit).
    events : array-like of bool/0-1, True for death (the usual event indicator, not flipped).
    weights : optional frequency weights.
    alpha : 1 − confidence level of the Brookmeyer–Crowley CI.

    Returns
    -------
    FollowUp. Ties: a censoring at the same time as a death is the reverse KM's "event" and
    the death counts at risk for it (the usual rule that censorings follow events, reversed).
    """
    flipped = ~np.asarray(events).astype(bool)
    steps = km_steps(durations, flipped, weights)
    ci = median_ci_from_steps(steps, "log-log", alpha)
    n = float(steps["at_risk"].iloc[0]) if len(steps) else 0.0
    times, survival = steps["time"].to_numpy(), steps["survival"].to_numpy()
    return FollowUp(
        median=ci.median,
        lower=ci.lower,
        upper=ci.upper,
        q1=curve_quantile(times, survival, 0.75),
        q3=curve_quantile(times, survival, 0.25),
        n=n,
        n_censored=float(steps["events"].sum()),
    )
