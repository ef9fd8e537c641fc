"""Restricted mean survival time (RMST) of two groups compared at a stated horizon, as survRM2.

The unadjusted contrasts of R's survRM2 ``rmst2`` (Uno et al. 2014, J Clin Oncol
32:2380–2385), from the per-group RMST and its Greenwood plug-in variance of
:func:`lmlib.survival.landmarks.rmst` (survRM2's ``rmst1``), z the exact normal quantile:

* difference μ1 − μ0, SE = sqrt(v1 + v0), CI ± z·SE, p = 2Φ(−|d|/SE);
* ratio μ1 / μ0 on the log scale: SE = sqrt(v1/μ1² + v0/μ0²), CI exp(log ratio ± z·SE);
* ratio of the restricted mean time lost (τ − μ1) / (τ − μ0), the same way.

The horizon τ must lie where both curves are known (survRM2's rule): at or before each
group's last observed time, unless that group's curve has reached 0. Otherwise the
comparison is not estimable and says why; nothing is extrapolated.
"""
from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np
import pandas as pd
from scipy.stats import norm

from .data import as_text, split_groups, survival_frame
from .landmarks import rmst
from .steps import km_steps

CONTRASTS = ("difference", "ratio", "rmtl_ratio")


@dataclass(frozen=True)
class RMSTComparison:
    """``groups``: per group (``group``, then ``reference``), ``n``, ``events``, ``rmst``,
    ``se``, ``lower``, ``upper``, ``rmtl`` (τ − RMST). ``contrasts``: indexed by
    :data:`CONTRASTS`, ``estimate``, ``lower``, ``upper``, ``p`` (group against reference).
    ``estimable`` False with ``reason`` when τ is beyond what a curve tells (all NaN)."""

    tau: float
    group: object
    reference: object
    groups: pd.DataFrame
    contrasts: pd.DataFrame
    estimable: bool
    reason: str
    alpha: float


def _contrast(estimate_log: bool, a: float, va: float, b: float, vb: float, z: float) -> dict:
    if estimate_log:
        if not (a > 0 and b > 0):
            return dict(estimate=math.nan, lower=math.nan, upper=math.nan, p=math.nan)
        d, se = math.log(a) - math.log(b), math.sqrt(va / a**2 + vb / b**2)
        p = 2 * norm.sf(abs(d) / se) if se > 0 else math.nan
        return dict(estimate=math.exp(d), lower=math.exp(d - z * se), upper=math.exp(d + z * se), p=p)
    d, se = a - b, math.sqrt(va + vb)
    p = 2 * norm.sf(abs(d) / se) if se > 0 else math.nan
    return dict(estimate=d, lower=d - z * se, upper=d + z * se, p=p)


def rmst_compare(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str, tau: float, *,
    reference=None, group=None, weights_col: str | None = None, event_value=None,
    unit: str = "days", alpha: float = 0.05,
) -> RMSTComparison:
    """RMST difference, RMST ratio and RMTL ratio of ``group`` against ``reference`` up to ``tau``.

    Parameters
    ----------
    data : DataFrame, not modified. duration_col, event_col, group_col, weights_col,
        event_value, unit : see :func:`~lmlib.survival.data.survival_frame`.
    tau : the horizon, in ``unit`` (days by default), > 0.
    reference, group : the two levels compared (arm 0 and arm 1 of survRM2); default the
        first and second group in :func:`~lmlib.survival.data.split_groups` order. With more
        than two groups both must be given.
    alpha : 1 − confidence level.

    Examples
    --------
    Without censoring the RMST up to τ is the mean of min(T, τ): (1 + 2 + 3) / 3 = 2 days in
    group a and (2 + 3 + 3) / 3 = 8/3 days in group b, up to τ = 3.

    >>> import pandas as pd
    >>> from lmlib.survival import rmst_compare
    >>> data = pd.DataFrame({"days": [1, 2, 3, 2, 4, 6], "death": 1, "group": ["a"] * 3 + ["b"] * 3})
    >>> result = rmst_compare(data, "days", "death", "group", 3, reference="a", group="b")
    >>> difference = result.contrasts.loc["difference", "estimate"]
    >>> [round(float(x), 4) for x in result.groups["rmst"]], round(float(difference), 4)
    ([2.6667, 2.0], 0.6667)
    """
    if not tau > 0:
        raise ValueError("tau must be > 0")
    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value, unit)
    parts = dict(split_groups(frame, overall=False))
    by_text = {as_text(k): k for k in parts}
    if reference is None and group is None and len(parts) == 2:
        reference, group = list(parts)
    chosen = []
    for level in (reference, group):
        if level is None or as_text(level) not in by_text:
            raise ValueError(f"give reference= and group=, two of the levels {sorted(by_text)}")
        chosen.append(by_text[as_text(level)])
    reference, group = chosen
    z = norm.ppf(1 - alpha / 2)
    rows, reason = [], ""
    for key in (group, reference):
        sub = parts[key]
        est = rmst(sub["duration"], sub["event"], tau, sub["weight"], alpha)
        steps = km_steps(sub["duration"], sub["event"], sub["weight"])
        rows.append({"group": key, "n": float(sub["weight"].sum()), "events": float((sub["weight"] * sub["event"]).sum()),
                     "rmst": est.estimate, "se": est.se, "lower": est.lower, "upper": est.upper,
                     "rmtl": tau - est.estimate})
        if math.isnan(est.estimate) and not reason:
            last = float(steps["time"].iloc[-1]) if len(steps) else math.nan
            reason = (f"tau = {tau:g} is beyond the last follow-up of group {as_text(key)} ({last:g}), where its "
                      "survival curve has not reached 0")
    groups = pd.DataFrame(rows).set_index("group")
    if reason:
        contrasts = pd.DataFrame(math.nan, index=pd.Index(CONTRASTS, name="contrast"),
                                 columns=["estimate", "lower", "upper", "p"])
        return RMSTComparison(float(tau), group, reference, groups, contrasts, False, reason, alpha)
    (m1, se1), (m0, se0) = groups[["rmst", "se"]].to_numpy()
    v1, v0 = se1**2, se0**2
    contrasts = pd.DataFrame({
        "difference": _contrast(False, m1, v1, m0, v0, z),
        "ratio": _contrast(True, m1, v1, m0, v0, z),
        "rmtl_ratio": _contrast(True, tau - m1, v1, tau - m0, v0, z),
    }).T.reindex(columns=["estimate", "lower", "upper", "p"]).astype(float)
    contrasts.index.name = "contrast"
    return RMSTComparison(float(tau), group, reference, groups, contrasts, True, "", alpha)


def default_tau(data: pd.DataFrame, duration_col: str, event_col: str, group_col: str, **kwargs) -> float:
    """The largest horizon every group's curve covers (survRM2's default τ): the smallest
    last observed time among the groups whose curve has not reached 0, else the largest."""
    frame = survival_frame(data, duration_col, event_col, group_col, **kwargs)
    limits, ends = [], []
    for _, sub in split_groups(frame, overall=False):
        steps = km_steps(sub["duration"], sub["event"], sub["weight"])
        ends.append(float(steps["time"].iloc[-1]))
        if steps["survival"].iloc[-1] > 0:
            limits.append(float(steps["time"].iloc[-1]))
    return float(min(limits)) if limits else float(np.max(ends))
