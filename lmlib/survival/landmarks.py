"""Survival at landmark times and the restricted mean survival time (RMST).

Both are read off the Kaplan–Meier step table of :func:`~lmlib.survival.steps.km_steps`;
times are in the durations' unit (days unless converted).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm

from .median_ci import pointwise_band
from .spss import Estimate
from .steps import km_steps

DEFAULT_LANDMARKS = (30, 90, 180)  # days


def _curve_defined_until(steps: pd.DataFrame) -> float:
    """Largest time where the KM curve is defined: the last observed time, or +inf once S = 0."""
    if steps.empty:
        return -math.inf
    if steps["survival"].iloc[-1] == 0:
        return math.inf
    return float(steps["time"].iloc[-1])


def survival_at(
    durations, events, times=DEFAULT_LANDMARKS, weights=None, transform: str = "log-log",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan–Meier survival at landmark times with a pointwise (1 − alpha) CI.

    Parameters
    ----------
    durations : array-like, follow-up times in days (or any unit, the same as ``times``).
    events : array-like of bool/0-1, True for the event.
    times : landmark times, default 30, 90 and 180 days.
    weights : optional frequency weights.
    transform : CI transform, ``"log-log"`` (default, as lifelines and Stata), ``"log"`` or
        ``"linear"``; Greenwood SE (see :mod:`lmlib.survival.median_ci`).
    alpha : 1 − confidence level.

    Returns
    -------
    DataFrame indexed by ``time`` with ``at_risk`` (patients with follow-up >= time),
    ``survival`` (S(time), right-continuous: an event at exactly ``time`` is included),
    ``se`` (Greenwood), ``lower``, ``upper`` and ``estimable`` (False beyond the last
    observed time while S > 0: then every estimate is NaN).
    """
    steps = km_steps(durations, events, weights)
    band = pointwise_band(steps, transform, alpha)
    t = steps["time"].to_numpy()
    landmarks = np.asarray(list(times), dtype=float)
    pos = np.searchsorted(t, landmarks, side="right") - 1  # last step at or before each landmark
    first_on_or_after = np.searchsorted(t, landmarks, side="left")
    n_steps = len(steps)
    until = _curve_defined_until(steps)
    rows = []
    for time, k, j in zip(landmarks, pos, first_on_or_after):
        at_risk = float(steps["at_risk"].iloc[j]) if j < n_steps else 0.0
        if time > until:
            rows.append((time, at_risk, math.nan, math.nan, math.nan, math.nan, False))
        elif k < 0:  # before the first observed time: S = 1 exactly
            rows.append((time, at_risk, 1.0, 0.0, 1.0, 1.0, True))
        else:
            rows.append((time, at_risk, float(steps["survival"].iloc[k]), float(steps["se"].iloc[k]),
                         float(band["lower"].iloc[k]), float(band["upper"].iloc[k]), True))
    out = pd.DataFrame(rows, columns=["time", "at_risk", "survival", "se", "lower", "upper", "estimable"])
    return out.set_index("time")


def rmst(durations, events, tau: float, weights=None, alpha: float = 0.05) -> Estimate:
    """Restricted mean survival time up to ``tau`` with its sampling SE (Royston & Parmar 2013).

    RMST = ∫_0^tau S(t) dt under the Kaplan–Meier curve. The SE is the standard error of
    this estimate (Klein & Moeschberger 2003, eq. 4.5.1; the one of R's survRM2 and
    ``print.survfit(rmean=)``): SE² = Σ_{t_j <= tau} A_j² d_j / (n_j (n_j − d_j)), A_j the
    area under S from t_j to tau — *not* the standard deviation of min(T, tau), which
    lifelines' ``restricted_mean_survival_time(return_variance=True)`` returns.
    With tau = the largest observed time this is SPSS's mean survival time.

    Parameters
    ----------
    durations, events, weights : as in :func:`survival_at`; days or any unit.
    tau : restriction time (same unit), > 0.
    alpha : 1 − confidence level; the CI is ± z·SE with the exact normal quantile.

    Returns
    -------
    :class:`~lmlib.survival.spss.Estimate` (estimate, se, lower, upper), all NaN when tau is
    beyond the last observed time and the curve has not dropped to 0 (S unknown there).
    """
    if not tau > 0:
        raise ValueError("tau must be > 0")
    steps = km_steps(durations, events, weights)
    if tau > _curve_defined_until(steps):
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    steps = steps[steps["time"] <= tau]
    t = steps["time"].to_numpy(dtype=float)
    s = steps["survival"].to_numpy(dtype=float)
    edges = np.concatenate(([0.0], t, [tau]))
    heights = np.concatenate(([1.0], s))
    area = float(np.sum(heights * np.diff(edges)))
    # area under S from each t_j to tau
    pieces = s * np.diff(np.concatenate((t, [tau])))
    area_after = np.cumsum(pieces[::-1])[::-1]
    d = steps["events"].to_numpy(dtype=float)
    n = steps["at_risk"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where((d > 0) & (n > d), area_after**2 * d / (n * (n - d)), 0.0)
    se = float(np.sqrt(terms.sum()))
    z = norm.ppf(1 - alpha / 2)
    return Estimate(area, se, float(area - z * se), float(area + z * se))
