"""SPSS's "Means and Medians for Survival Time" (KM procedure), reproduced exactly.

Conventions (checked against real SPSS 31 output to 1e-9: ``tests/data/spss31_km``, public
SPSS output with its source):

* median: the smallest event time t with S(t) <= 0.5 (no interpolation, no midpoint rule);
  when S is exactly 0.5 at an event time, that time is the median. When S never falls to
  0.5 the median is *not reached* and is returned as NaN (never inf or 0).
* SE(median) = Greenwood SE of S at the median / f, with f a uniform-kernel density
  estimate read off the KM curve between the event times where S crosses 0.55 and 0.45
  (Collett 2015, §2.4; Klein & Moeschberger 2003): f = (S(u) − S(l)) / (l − u), u the
  largest event time with S >= 0.55 (time 0 with S = 1 when there is none) and l the
  smallest event time with S <= 0.45. NaN when no event time has S <= 0.45.
* 95% CI = estimate ± 1.96 × SE (1.96 exactly; symmetric; may go below 0).
* mean: area under the KM step function up to the group's own largest observed time
  (event or censored), SE = sqrt(Σ_j A_j² d_j / (n_j (n_j − d_j))), A_j the area from the
  j-th event time to that largest time; CI again ± 1.96 × SE. When the largest time is
  censored the mean is restricted to it (SPSS flags this with a footnote).
"""
from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np
import pandas as pd

from .steps import km_arrays, km_steps

Z_SPSS = 1.96  # SPSS uses 1.96, not the exact normal quantile 1.959963...
_EPS = 1e-12  # tolerance for "S <= 0.5" against floating-point products such as 0.5000000000000001


@dataclass(frozen=True)
class Estimate:
    """A point estimate with SE and symmetric 95% CI (all in the unit of the durations)."""

    estimate: float
    se: float
    lower: float
    upper: float

    @classmethod
    def symmetric(cls, estimate: float, se: float) -> "Estimate":
        return cls(estimate, se, estimate - Z_SPSS * se, estimate + Z_SPSS * se)


def spss_median(durations, events, weights=None) -> Estimate:
    """SPSS's median survival time, its SE and 95% CI (see module docstring)."""
    times, _, deaths, _, survival, variance = km_arrays(durations, events, weights)
    has_event = deaths > 0
    return _median(times[has_event], survival[has_event], np.sqrt(variance[has_event]))


def spss_mean(durations, events, weights=None) -> Estimate:
    """SPSS's mean survival time (restricted to the largest observed time), SE and 95% CI."""
    return mean_from_steps(km_steps(durations, events, weights))


def median_from_steps(steps: pd.DataFrame) -> Estimate:
    """SPSS median from a :func:`~lmlib.survival.steps.km_steps` table."""
    ev = steps[steps["events"] > 0]
    return _median(ev["time"].to_numpy(), ev["survival"].to_numpy(), ev["se"].to_numpy())


def _median(t: np.ndarray, s: np.ndarray, se: np.ndarray) -> Estimate:
    """SPSS median from the event times ``t`` with S(t) ``s`` and its Greenwood SE ``se``."""
    below = np.flatnonzero(s <= 0.5 + _EPS)
    if below.size == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    i = below[0]
    median = float(t[i])
    upper_idx = np.flatnonzero(s >= 0.55 - _EPS)
    lower_idx = np.flatnonzero(s <= 0.45 + _EPS)
    if lower_idx.size == 0:
        return Estimate(median, math.nan, math.nan, math.nan)
    u_time, u_surv = (float(t[upper_idx[-1]]), float(s[upper_idx[-1]])) if upper_idx.size else (0.0, 1.0)
    l_time, l_surv = float(t[lower_idx[0]]), float(s[lower_idx[0]])
    density = (u_surv - l_surv) / (l_time - u_time)
    return Estimate.symmetric(median, float(se[i]) / density)


def mean_from_steps(steps: pd.DataFrame) -> Estimate:
    """SPSS mean from a :func:`~lmlib.survival.steps.km_steps` table."""
    if steps.empty:
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    t = steps["time"].to_numpy()
    s = steps["survival"].to_numpy()
    t_max = t[-1]
    # S is 1 on [0, t_1) and s[k] on [t_k, t_{k+1})
    edges = np.concatenate(([0.0], t))
    heights = np.concatenate(([1.0], s))
    widths = np.diff(np.concatenate((edges, [t_max])))
    mean = float(np.sum(heights * widths))
    # A_j: area under S from t_j to t_max, for each row j
    area_after = np.cumsum((s[:-1] * np.diff(t))[::-1])[::-1]
    area_after = np.concatenate((area_after, [0.0]))
    d = steps["events"].to_numpy()
    n = steps["at_risk"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where((d > 0) & (n > d), area_after**2 * d / (n * (n - d)), 0.0)
    se = float(np.sqrt(terms.sum()))
    return Estimate.symmetric(mean, se)


def spss_means_medians(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str | None = None,
    weights_col: str | None = None,
) -> pd.DataFrame:
    """SPSS's "Means and Medians for Survival Time" table, per group and overall.

    Parameters
    ----------
    data : DataFrame, not modified.
    duration_col, event_col : column names; events are truthy (1/True) for the event.
    group_col : optional factor. Rows with a missing duration, event or group are left out
        of every group and of ``Overall`` (SPSS's listwise handling of invalid cases).
    weights_col : optional frequency weights (SPSS WEIGHT BY).

    Returns
    -------
    DataFrame indexed by group (``"Overall"`` last) with columns ``n``, ``events``,
    ``censored``, ``mean``, ``mean_se``, ``mean_lower``, ``mean_upper``, ``median``,
    ``median_se``, ``median_lower``, ``median_upper``; durations' unit (e.g. days).
    """
    cols = [duration_col, event_col] + ([group_col] if group_col else []) + ([weights_col] if weights_col else [])
    frame = data[cols].dropna()
    parts: list[tuple[object, pd.DataFrame]] = []
    if group_col:
        parts += [(key, sub) for key, sub in frame.groupby(group_col, sort=True, observed=True)]
    parts.append(("Overall", frame))
    rows = {}
    for key, sub in parts:
        w = sub[weights_col] if weights_col else None
        steps = km_steps(sub[duration_col], sub[event_col].astype(bool), w)
        med, mean = median_from_steps(steps), mean_from_steps(steps)
        n = float(steps["at_risk"].iloc[0]) if len(steps) else 0.0
        events = float(steps["events"].sum())
        rows[key] = {
            "n": n, "events": events, "censored": n - events,
            "mean": mean.estimate, "mean_se": mean.se, "mean_lower": mean.lower, "mean_upper": mean.upper,
            "median": med.estimate, "median_se": med.se, "median_lower": med.lower, "median_upper": med.upper,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = group_col or "group"
    return out
