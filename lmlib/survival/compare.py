"""Comparing survival between groups: log-rank test, log-rank test for trend, Cox model.

Functions take a DataFrame and column names (see :func:`~lmlib.survival.data.survival_frame`
for how events and missing values are read), never modify it, and return numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
import math
import warnings

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist

from .data import split_groups, survival_frame
from .schoenfeld import scaled_schoenfeld

EPV_THRESHOLD = 10.0  # events per variable below which a Cox model is exploratory (Peduzzi et al. 1995)


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
    weights = frame["weight"] if weights_col else None
    res = multivariate_logrank_test(frame["duration"], frame["group"], frame["event"], weights=weights)
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


@dataclass
class CoxResult:
    """A fitted Cox model and what a reader needs to judge it.

    ``hazard_ratios``: DataFrame by term with ``hr``, ``lower``, ``upper`` (95% Wald CI, or
    1 − alpha), ``p``, ``coef``, ``se``. ``ph_test``: Grambsch–Therneau test of proportional
    hazards by term (``chi2``, ``p``; lifelines' ``proportional_hazard_test`` on the scaled
    Schoenfeld residuals of :mod:`lmlib.survival.schoenfeld`).
    ``events_per_variable`` = events / number of coefficients; ``exploratory`` is True when
    it is below the threshold (10 by default): the model should be reported as exploratory.
    """

    fitter: object
    hazard_ratios: pd.DataFrame
    ph_test: pd.DataFrame
    n: int
    events: int
    n_parameters: int
    events_per_variable: float
    exploratory: bool
    design: pd.DataFrame


def cox_design(frame: pd.DataFrame, covariates, categorical=None, reference=None) -> pd.DataFrame:
    """Numeric design matrix: numeric covariates as they are, categorical ones as indicator
    columns named ``"col=level"`` with the reference level (default: the first, in category
    order for a pandas Categorical, else sorted) left out. Rows with a blank cell are dropped."""
    reference = dict(reference or {})
    cols = []
    for col in covariates:
        x = frame[col]
        if categorical is not None:
            is_cat = col in categorical
        else:
            is_cat = not pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x)
        if not is_cat:
            cols.append(pd.to_numeric(x, errors="raise").astype(float).rename(col))
            continue
        if isinstance(x.dtype, pd.CategoricalDtype):
            levels = [c for c in x.cat.categories if (x == c).any()]
        else:
            levels = sorted(x.dropna().unique(), key=str)
        ref = reference.get(col, levels[0] if levels else None)
        if ref not in levels:
            raise ValueError(f"reference level {ref!r} of '{col}' not among its levels {levels}")
        for lvl in levels:
            if lvl != ref:
                cols.append((x == lvl).astype(float).where(x.notna()).rename(f"{col}={lvl}"))
    return pd.concat(cols, axis=1) if cols else pd.DataFrame(index=frame.index)


def cox_model(
    data: pd.DataFrame, duration_col: str, event_col: str, covariates, categorical=None,
    reference=None, weights_col: str | None = None, event_value=None, alpha: float = 0.05,
    epv_threshold: float = EPV_THRESHOLD, time_transform: str = "rank", penalizer: float = 0.0,
) -> CoxResult:
    """Cox proportional hazards model (lifelines ``CoxPHFitter``, Efron ties) with HRs and a PH check.

    Parameters
    ----------
    data : DataFrame, not modified; complete cases of the columns used are analysed.
    duration_col, event_col : survival time (days) and event indicator (see ``survival_frame``).
    covariates : column names; non-numeric (or those listed in ``categorical``) are dummy-coded.
    reference : optional ``{column: reference level}``.
    alpha : 1 − confidence level of the HR intervals.
    epv_threshold : events per variable under which ``exploratory`` is True.
    time_transform : time scale of the Schoenfeld-residual PH test (``"rank"``, ``"km"``,
        ``"log"``, ``"identity"``).
    penalizer : lifelines' ridge penalty (0 = ordinary partial likelihood).
    """
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    covariates = list(covariates)
    surv = survival_frame(data, duration_col, event_col, None, weights_col, event_value)
    design = cox_design(data.loc[surv.index], covariates, categorical, reference)
    design = pd.concat([surv[["duration", "event", "weight"]], design], axis=1).dropna()
    design["event"] = design["event"].astype(int)
    terms = [c for c in design.columns if c not in ("duration", "event", "weight")]
    fit_df = design if weights_col else design.drop(columns="weight")
    fitter = CoxPHFitter(alpha=alpha, penalizer=penalizer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns on non-integer weights; not applicable
        fitter.fit(fit_df, "duration", "event", weights_col="weight" if weights_col else None)
    summ = fitter.summary
    level = f"{round(100 * (1 - alpha))}%"
    hr = pd.DataFrame({
        "hr": summ["exp(coef)"], "lower": summ[f"exp(coef) lower {level}"],
        "upper": summ[f"exp(coef) upper {level}"], "p": summ["p"], "coef": summ["coef"],
        "se": summ["se(coef)"],
    })
    hr.index.name = "term"
    residuals = scaled_schoenfeld(fitter, fit_df)  # lifelines' own are row by row: hours at 1e6
    ph = proportional_hazard_test(fitter, fit_df, time_transform=time_transform,
                                  precomputed_residuals=residuals).summary
    ph = pd.DataFrame({"chi2": ph["test_statistic"], "p": ph["p"]}).reindex(terms)
    ph.index.name = "term"
    events = int(round((design["event"] * design["weight"]).sum()))
    n = int(round(design["weight"].sum()))
    epv = events / len(terms) if terms else math.nan
    return CoxResult(fitter, hr, ph, n, events, len(terms), epv, bool(epv < epv_threshold), design)
