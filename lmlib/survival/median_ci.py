"""Median survival and its Brookmeyer–Crowley confidence interval, R survival's conventions.

Brookmeyer & Crowley (1982, Biometrics 38:29–41) invert a pointwise confidence band for S(t)
at S = 0.5: the 95% CI of the median is the set of times where the band contains 0.5. With
the band ``[lower(t), upper(t)]`` this gives (Klein & Moeschberger 2003, §4.5):

* lower limit = the first time where the **lower** band is <= 0.5,
* upper limit = the first time where the **upper** band is <= 0.5,

which is how R's ``survival:::quantile.survfit`` reads them (the quantile of the lower curve
is the lower limit). The band is the Greenwood SE on a transformed scale:

* ``"log-log"``: log(−log S) ± z·SE/(S·|log S|) — lifelines', Stata's and SAS's default,
  R's ``conf.type="log-log"``, statsmodels' ``"cloglog"``;
* ``"log"``: log S ± z·SE/S — R survival's default ``conf.type="log"``;
* ``"linear"``: S ± z·SE — R's ``"plain"``, statsmodels' ``"linear"``.

As in R the log and log-log bands are undefined (NaN, skipped) where S = 0, and the log-log
band where S = 1; z is the exact normal quantile (1.959964 for 95%).

Equality rule (R's ``findq``, tolerance ``sqrt(machine eps)`` = 1.49e-8): a curve that is
<= 0.5 + tol for the first time at t_k gives t_k; if it equals 0.5 within tol on a flat
[t_k, t_{k+1}) the result is the midpoint (t_k + t_{k+1}) / 2, and if it is still 0.5 at the
end of follow-up, the midpoint of t_k and the largest observed time. The same rule is used for
the median itself (so ``median`` here can be a half-way time where SPSS and lifelines report
t_k, and statsmodels, using S < 0.5 strictly, reports t_{k+1}) and for both limits.
A median or a limit that the curve never reaches is NaN ("not reached"), never inf or 0.
"""
from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np
import pandas as pd
from scipy.stats import norm

from .steps import km_steps

TRANSFORMS = ("log-log", "log", "linear")
R_TOLERANCE = math.sqrt(np.finfo(float).eps)  # survival:::quantile.survfit's default tolerance


def _check_transform(transform: str) -> None:
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}, not {transform!r}")


def pointwise_band(steps: pd.DataFrame, transform: str = "log-log", alpha: float = 0.05) -> pd.DataFrame:
    """Pointwise (1 − alpha) confidence band for S(t) from a :func:`km_steps` table.

    Parameters
    ----------
    steps : output of :func:`~lmlib.survival.steps.km_steps` (times in days or any unit).
    transform : ``"log-log"``, ``"log"`` or ``"linear"`` (see module docstring).
    alpha : 1 − confidence level.

    Returns
    -------
    DataFrame with ``time``, ``survival``, ``lower``, ``upper``; NaN where the transform is
    undefined (S = 0 for log and log-log, S = 1 for log-log). Bounds are clipped to [0, 1].
    """
    _check_transform(transform)
    z = norm.ppf(1 - alpha / 2)
    s = steps["survival"].to_numpy(dtype=float)
    se = steps["se"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "linear":
            lower, upper = s - z * se, s + z * se
        elif transform == "log":
            sd = np.where(s > 0, se / s, np.nan)
            lower, upper = s * np.exp(-z * sd), s * np.exp(z * sd)
            lower = np.where(s > 0, lower, np.nan)
            upper = np.where(s > 0, upper, np.nan)
        else:
            ok = (s > 0) & (s < 1)
            loglog = np.log(-np.log(np.where(ok, s, 0.5)))
            sd = np.where(ok, se / (np.where(ok, s, 0.5) * np.abs(np.log(np.where(ok, s, 0.5)))), np.nan)
            lower = np.where(ok, np.exp(-np.exp(loglog + z * sd)), np.nan)
            upper = np.where(ok, np.exp(-np.exp(loglog - z * sd)), np.nan)
    return pd.DataFrame(
        {"time": steps["time"].to_numpy(dtype=float), "survival": s,
         "lower": np.clip(lower, 0.0, 1.0), "upper": np.clip(upper, 0.0, 1.0)}
    )


def curve_quantile(times, values, level: float = 0.5, start: float = 0.0, tol: float = R_TOLERANCE) -> float:
    """First time a right-continuous step curve falls to ``level``, with R's equality rule.

    A port of ``survival:::findq`` (R survival 3.x), applied to the CDF ``1 − values``.

    Parameters
    ----------
    times : increasing times of the curve's steps (every observed time, censored ones too).
    values : curve value just after each time (S(t) or a band); NaN values are skipped.
    level : survival level, 0.5 for the median.
    start : the time where the curve starts at 1 (R's ``start.time``, default 0).
    tol : equality tolerance.

    Returns
    -------
    float, NaN when the curve does not reach ``level`` within the data ("not reached").
    """
    x = np.concatenate(([float(start)], np.asarray(times, dtype=float)))
    y = np.concatenate(([0.0], 1.0 - np.asarray(values, dtype=float)))
    p = 1.0 - level
    if x.size == 0 or np.all(np.isnan(y)) or np.nanmax(y) < p:
        return math.nan
    x_max = x[-1]
    # R's duplicated(): keep the first of equal values (NaN equal to NaN), in order
    keep, seen, seen_nan = [], set(), False
    for i, v in enumerate(y):
        if np.isnan(v):
            if not seen_nan:
                keep.append(i)
            seen_nan = True
        elif v not in seen:
            seen.add(v)
            keep.append(i)
    x, y = x[keep], y[keep]
    index = np.arange(y.size)
    ok = ~np.isnan(y)

    def first_at_or_above(shift: float) -> float:
        # approx(y + shift, index, p, method="constant", f=1): R sorts the abscissae first
        xs, ix = y[ok] + shift, index[ok]
        order = np.argsort(xs, kind="stable")
        xs, ix = xs[order], ix[order]
        if p < xs[0] or p > xs[-1]:
            return math.nan
        return float(ix[np.searchsorted(xs, p, side="left")])

    i1, i2 = first_at_or_above(tol), first_at_or_above(-tol)
    quant = math.nan if (math.isnan(i1) or math.isnan(i2)) else (x[int(i1)] + x[int(i2)]) / 2
    if not np.isnan(y[-1]) and abs(p - y[-1]) < tol and not math.isnan(i1):
        quant = (x[int(i1)] + x_max) / 2  # flat at the level up to the end of follow-up
    return float(quant)


@dataclass(frozen=True)
class MedianCI:
    """Median survival with a Brookmeyer–Crowley CI (times in the durations' unit, e.g. days).

    NaN in ``median``, ``lower`` or ``upper`` means the curve (or band) does not fall to 0.5
    within follow-up: "not reached". ``median_reached`` says so explicitly for the median.
    """

    median: float
    lower: float
    upper: float
    transform: str
    alpha: float

    @property
    def median_reached(self) -> bool:
        return not math.isnan(self.median)

    @property
    def upper_reached(self) -> bool:
        return not math.isnan(self.upper)


def median_ci_from_steps(
    steps: pd.DataFrame, transform: str = "log-log", alpha: float = 0.05, level: float = 0.5
) -> MedianCI:
    """Brookmeyer–Crowley median (or other survival ``level``) from a :func:`km_steps` table."""
    band = pointwise_band(steps, transform, alpha)
    t = band["time"].to_numpy()
    return MedianCI(
        curve_quantile(t, band["survival"], level),
        curve_quantile(t, band["lower"], level),
        curve_quantile(t, band["upper"], level),
        transform,
        alpha,
    )


def brookmeyer_crowley(
    durations, events, weights=None, transform: str = "log-log", alpha: float = 0.05, level: float = 0.5
) -> MedianCI:
    """Median survival with the Brookmeyer–Crowley (1982) CI, R survival's conventions.

    Parameters
    ----------
    durations : array-like, follow-up times (days or any unit), finite, >= 0.
    events : array-like of bool/0-1, True for the event.
    weights : optional frequency weights; aggregated (time, event, count) rows give the same
        result as the raw rows.
    transform : ``"log-log"`` (default; lifelines, Stata), ``"log"`` (R's default) or
        ``"linear"`` (R's ``"plain"``).
    alpha : 1 − confidence level.
    level : survival level; 0.5 for the median, 0.75 for the first quartile of survival time.

    Returns
    -------
    MedianCI. Equality and "not reached" rules: see the module docstring.
    """
    _check_transform(transform)
    return median_ci_from_steps(km_steps(durations, events, weights), transform, alpha, level)
