"""The Kaplan–Meier step table: one row per distinct observed time.

Everything else in :mod:`lmlib.survival` (SPSS's median and mean, landmark estimates,
risk tables) is computed from this table, so the counting is done once and in one place.
Frequency weights are accepted so that a cohort can be given as (time, event, count)
aggregates with exactly the same result as the raw rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

STEP_COLUMNS = ["time", "at_risk", "events", "censored", "survival", "greenwood_var", "se"]


def km_steps(durations, events, weights=None) -> pd.DataFrame:
    """Kaplan–Meier estimate at every distinct observed time.

    Parameters
    ----------
    durations : array-like of float
        Follow-up time of each subject (any unit, e.g. days); must be finite and >= 0.
    events : array-like of bool or 0/1
        True (1) where the subject had the event at ``durations``, False (0) if censored.
    weights : array-like of int, optional
        Frequency weight of each row (number of subjects it stands for). Default 1.

    Returns
    -------
    DataFrame with columns ``time``, ``at_risk`` (n just before ``time``), ``events``,
    ``censored``, ``survival`` (product-limit S(t) just after ``time``),
    ``greenwood_var`` (Greenwood's variance of S(t)) and ``se`` (its square root).
    Censorings tied with deaths are counted at risk for those deaths (the usual convention
    of SPSS, R survival, lifelines and statsmodels).
    """
    times, at_risk, deaths, removed, survival, greenwood_var = km_arrays(durations, events, weights)
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk,
            "events": deaths,
            "censored": removed - deaths,
            "survival": survival,
            "greenwood_var": greenwood_var,
            "se": np.sqrt(greenwood_var),
        },
        columns=STEP_COLUMNS,
    )


LEVEL_TOLERANCE = 1e-12  # "S <= level" tolerance for floating-point products such as 0.5000000000000001


def first_time_at_or_below(steps: pd.DataFrame, level: float = 0.5) -> float:
    """Smallest event time with S(t) <= ``level`` (NaN when S never falls that low).

    The quantile convention of SPSS, lifelines and Klein & Moeschberger: when S equals
    ``level`` exactly at an event time, that time is returned (no midpoint rule).
    """
    hit = steps[(steps["events"] > 0) & (steps["survival"] <= level + LEVEL_TOLERANCE)]
    return float(hit["time"].iloc[0]) if len(hit) else float("nan")


def km_arrays(durations, events, weights=None):
    """The arrays behind :func:`km_steps` (time, at_risk, events, removed, survival,
    greenwood_var), for callers that evaluate many curves and need no DataFrame."""
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events).astype(bool)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    if not (t.shape == e.shape == w.shape):
        raise ValueError("durations, events and weights must have the same length")
    if t.size and (not np.all(np.isfinite(t)) or t.min() < 0):
        raise ValueError("durations must be finite and non-negative")
    times, inverse = np.unique(t, return_inverse=True)
    deaths = np.bincount(inverse, weights=w * e, minlength=times.size)
    removed = np.bincount(inverse, weights=w, minlength=times.size)
    at_risk = removed[::-1].cumsum()[::-1]
    survival = np.cumprod(1.0 - deaths / at_risk)
    # Greenwood: S^2 * sum d / (n (n - d)); where everyone at risk dies S = 0 and so is its variance
    survivors = at_risk - deaths
    terms = np.divide(deaths, at_risk * survivors, out=np.zeros_like(deaths), where=(deaths > 0) & (survivors > 0))
    greenwood_var = np.where(survival > 0, survival**2 * np.cumsum(terms), 0.0)
    return times, at_risk, deaths, removed, survival, greenwood_var
