"""Comparing survival between groups: log-rank test, log-rank test for trend, pairwise log-rank.

The Cox model is :mod:`lmlib.survival.cox` (re-exported here as before).

Functions take a DataFrame and column names (see :func:`~lmlib.survival.data.survival_frame`
for how events and missing values are read), never modify it, and return numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist

from .cox import EPV_THRESHOLD, CoxResult, cox_design, cox_model  # noqa: F401  (the former home of the Cox model)
from .data import split_groups, survival_frame


@dataclass(frozen=True)
class TestResult:
    """A chi-square test: statistic, degrees of freedom, p-value, and the test's name."""

    chi2: float
    df: int
    p: float
    test: str


def _nan_test(name: str) -> TestResult:
    return TestResult(math.nan, 0, math.nan, name)


def logrank(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str,
    weights_col: str | None = None, event_value=None,
) -> TestResult:
    """Log-rank test of equal survival across the levels of ``group_col`` (lifelines).

    Mantel–Cox log-rank (k − 1 df) as printed by SPSS ``KM /TEST=LOGRANK`` and R's
    ``survdiff``; computed by :func:`lifelines.statistics.multivariate_logrank_test`.
    Rows with a blank duration, event or group are left out. With fewer than two groups
    the result is NaN with 0 df.
    """
    from lifelines.statistics import multivariate_logrank_test

    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value)
    if frame["group"].nunique() < 2:
        return _nan_test("log-rank")
    weights = frame["weight"].to_numpy() if weights_col else None  # arrays: lifelines mis-aligns a Series' index
    res = multivariate_logrank_test(frame["duration"].to_numpy(), frame["group"].to_numpy(), frame["event"].to_numpy(),
                                    weights=weights)
    return TestResult(float(res.test_statistic), int(res.degrees_of_freedom), float(res.p_value), "log-rank")


def observed_expected(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str, order=None,
    weights_col: str | None = None, event_value=None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Observed and expected events per group, and the log-rank covariance matrix.

    Parameters
    ----------
    order : optional sequence of the group levels in the order wanted (e.g. ordered stages);
        default the levels present, in :func:`~lmlib.survival.data.split_groups` order.

    Returns
    -------
    (table, V): ``table`` indexed by group with ``n``, ``observed``, ``expected``; ``V`` the
    k × k covariance of O − E (hypergeometric variance, as in R's ``survdiff``).
    """
    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value)
    levels = list(order) if order is not None else [k for k, _ in split_groups(frame, overall=False)]
    unknown = set(frame["group"].unique()) - set(levels)
    if unknown:
        raise ValueError(f"group levels missing from order: {sorted(map(str, unknown))}")
    code = frame["group"].map({lvl: i for i, lvl in enumerate(levels)}).to_numpy(dtype=int)
    k = len(levels)
    t = frame["duration"].to_numpy()
    e = frame["event"].to_numpy()
    w = frame["weight"].to_numpy()
    times, inv = np.unique(t, return_inverse=True)
    removed = np.zeros((times.size, k))
    deaths = np.zeros((times.size, k))
    np.add.at(removed, (inv, code), w)
    np.add.at(deaths, (inv, code), w * e)
    at_risk = removed[::-1].cumsum(axis=0)[::-1]
    n, d = at_risk.sum(axis=1), deaths.sum(axis=1)
    use = d > 0
    n, d, nk, dk = n[use], d[use], at_risk[use], deaths[use]
    frac = nk / n[:, None]
    expected = (d[:, None] * frac).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n > 1, d * (n - d) / (n - 1), 0.0)
    V = np.einsum("j,jg,gh->gh", factor, frac, np.eye(k)) - np.einsum("j,jg,jh->gh", factor, frac, frac)
    table = pd.DataFrame(
        {"n": np.bincount(code, weights=w, minlength=k), "observed": dk.sum(axis=0), "expected": expected},
        index=pd.Index(levels, name=group_col),
    )
    return table, V


def logrank_trend(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str, order=None,
    scores=None, weights_col: str | None = None, event_value=None,
) -> TestResult:
    """Log-rank test for trend across ordered groups (1 df).

    chi² = (Σ_g s_g (O_g − E_g))² / (sᵀ V s) with V the log-rank covariance matrix
    (Collett 2015, §2.6.4; R's ``survdiff`` contrast, SPSS ``KM /TREND``). With two groups
    it equals the log-rank test.

    Parameters
    ----------
    order : group levels from lowest to highest; default their sorted order.
    scores : numeric score of each level in ``order``; default 1, 2, ..., k.
    """
    table, V = observed_expected(data, duration_col, event_col, group_col, order, weights_col, event_value)
    if len(table) < 2:
        return _nan_test("log-rank trend")
    s = np.arange(1.0, len(table) + 1) if scores is None else np.asarray(scores, dtype=float)
    if s.shape != (len(table),):
        raise ValueError("scores must give one number per group level")
    u = float(s @ (table["observed"] - table["expected"]).to_numpy())
    var = float(s @ V @ s)
    stat = u * u / var if var > 0 else math.nan
    return TestResult(stat, 1, float(chi2_dist.sf(stat, 1)), "log-rank trend")


def pairwise_logrank(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str, adjust: str = "holm",
    weights_col: str | None = None, event_value=None,
) -> pd.DataFrame:
    """Log-rank test of every pair of groups, with p-values adjusted for the number of pairs.

    Each pair is tested on its two groups' patients alone (1 df), as R's
    ``survminer::pairwise_survdiff`` (``survdiff`` on the subset); the adjustment is over all
    pairs: ``"holm"`` (Holm 1979, the default there), ``"bh"`` (Benjamini–Hochberg) or
    ``None``, as R's ``p.adjust``.

    Returns
    -------
    DataFrame, one row per pair in group order (``group_a`` before ``group_b``): ``group_a``,
    ``group_b``, ``n`` (patients of the pair), ``chi2``, ``df``, ``p``, ``p_adjusted``,
    ``adjust``. Empty with fewer than three groups (two groups: the log-rank test itself).
    """
    from itertools import combinations

    from ..group_tests import adjust_p

    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value)
    parts = split_groups(frame, overall=False)
    columns = ["group_a", "group_b", "n", "chi2", "df", "p", "p_adjusted", "adjust"]
    if len(parts) < 3:
        return pd.DataFrame(columns=columns)
    rows = []
    for (a, rows_a), (b, rows_b) in combinations(parts, 2):
        pair = pd.concat([rows_a, rows_b])
        table, V = observed_expected(pair, "duration", "event", "group", order=[a, b], weights_col="weight")
        u = float(table["observed"].iloc[0] - table["expected"].iloc[0])
        stat = u * u / V[0, 0] if V[0, 0] > 0 else math.nan
        p = float(chi2_dist.sf(stat, 1)) if math.isfinite(stat) else math.nan
        rows.append({"group_a": a, "group_b": b, "n": float(pair["weight"].sum()), "chi2": stat, "df": 1, "p": p})
    out = pd.DataFrame(rows)
    out["p_adjusted"] = adjust_p(out["p"].to_numpy(), adjust) if adjust else out["p"]
    out["adjust"] = adjust
    return out.reindex(columns=columns)
