"""Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith 1996).

The reverse KM estimates the distribution of potential follow-up: it is the Kaplan–Meier
curve with the event indicator flipped (censoring is the "event", a death censors follow-up).
Unlike the median of observed times, it is not shortened by early deaths.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .median_ci import median_ci_from_steps
from .steps import first_time_at_or_below, km_steps


@dataclass(frozen=True)
class FollowUp:
    """Median follow-up with a CI and the interquartile range (durations' unit, e.g. days).

    ``median``, ``q1``, ``q3``: smallest time where the reverse KM is <= 0.5, 0.75, 0.25
    (NaN when not reached). ``lower``/``upper``: Brookmeyer–Crowley CI (log-log, R's rules,
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
    return FollowUp(
        median=first_time_at_or_below(steps, 0.5),
        lower=ci.lower,
        upper=ci.upper,
        q1=first_time_at_or_below(steps, 0.75),
        q3=first_time_at_or_below(steps, 0.25),
        n=n,
        n_censored=float(steps["events"].sum()),
    )
