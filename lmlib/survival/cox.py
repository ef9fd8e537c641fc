"""Multivariable Cox proportional hazards model: hazard ratios, tests per variable, PH tests.

:func:`cox_model` takes a DataFrame and column names, never modifies it, and returns a
:class:`CoxResult` of numbers: a frame of terms (each factor level against its named
reference level), a likelihood-ratio test per covariate (k − 1 df for a factor of k levels),
the proportional-hazards test per term and global, events per variable, and whether the
model could be estimated at all (and why not). Conventions:

* Partial likelihood with Efron's ties, fitted to R's precision (:mod:`.cox_fit`; equal to
  R ``coxph(ties = "efron")`` to 2e-8), complete cases of the columns used;
* Wald CI exp(β ± z·SE), z the exact normal quantile, Wald p-value per term;
* likelihood-ratio test per covariate: 2 (ℓ(full) − ℓ(model without it)), both fitted on
  the same complete cases (R: ``anova`` of the two nested models); global LR and score tests;
* PH test: :mod:`.ph_test` (the pre-3.0 ``cox.zph`` score approximation; transform stated);
* events per variable = events / coefficients; below 10 the model is exploratory
  (Peduzzi et al. 1996, J Clin Epidemiol 49:1373–1379).
"""
from __future__ import annotations

from dataclasses import dataclass, field
import math

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist
from scipy.stats import norm

from ..problems import InputError
from .cox_fit import CoxFit, efron_fit, fit_schoenfeld, refit
from .data import as_text, as_texts, check_columns, group_order, survival_frame
from .ph_test import METHOD as PH_METHOD
from .ph_test import schoenfeld_test

EPV_THRESHOLD = 10.0  # events per variable below which a Cox model is exploratory
TERM_COLUMNS = ["variable", "level", "reference", "is_reference", "estimable", "hr", "lower", "upper", "p", "coef",
                "se", "z", "ph_chi2", "ph_p", "variable_chi2", "variable_df", "variable_p"]


def _as_list(names) -> list:
    if names is None:
        return []
    return [names] if isinstance(names, str) else list(names)


def _is_factor(x: pd.Series, col: str, categorical) -> bool:
    if categorical is not None:
        return col in categorical
    if pd.api.types.is_bool_dtype(x) or isinstance(x.dtype, pd.CategoricalDtype):
        return True
    if pd.api.types.is_numeric_dtype(x):
        return False
    text = as_texts(x)  # text columns (a CSV read as text): numbers when every value is one
    return bool(pd.to_numeric(text, errors="coerce").isna().ne(text.isna()).any())


def design_terms(frame: pd.DataFrame, covariates, categorical=None, reference=None) -> tuple[pd.DataFrame, list[dict]]:
    """The numeric design matrix and what each column is.

    Numeric covariates enter as they are (also a text column whose every value is a number, as
    a CSV read as text); factors (other text, boolean, a pandas Categorical, or named in
    ``categorical``) as indicator columns ``"col=level"`` (level written as text: 1.0 -> "1")
    against a reference level (``reference[col]``, default the first level: category order
    for a pandas Categorical, else sorted). Levels without patients are left out.

    Returns
    -------
    (design, terms): design has one column per coefficient (NaN where the covariate is
    blank); terms is one dict per covariate: ``variable``, ``factor`` (bool), ``reference``
    (the reference level as text, None for a number), ``levels`` (the other levels, text),
    ``columns`` (its design columns).
    """
    reference = dict(reference or {})
    categorical = None if categorical is None else _as_list(categorical)
    cols, terms = [], []
    for col in _as_list(covariates):
        x = frame[col]
        if not _is_factor(x, col, categorical):
            try:
                values = x if pd.api.types.is_numeric_dtype(x) else as_texts(x)
                cols.append(pd.to_numeric(values, errors="raise").astype(float).rename(col))
            except (TypeError, ValueError):
                raise InputError(f"covariate '{col}' is not numeric; name it in categorical=") from None
            terms.append({"variable": col, "factor": False, "reference": None, "levels": [], "columns": [col]})
            continue
        text = as_texts(x)
        if isinstance(x.dtype, pd.CategoricalDtype):
            present = set(text.dropna())
            levels = [as_text(c) for c in x.cat.categories if as_text(c) in present]
        else:
            levels = sorted(set(text.dropna()), key=group_order)
        ref = reference.get(col, levels[0] if levels else None)
        ref = as_text(ref) if ref is not None else None
        if ref not in levels:
            raise InputError(f"reference level {ref!r} of '{col}' is not among its levels {levels}")
        others = [lv for lv in levels if lv != ref]
        names = [f"{col}={lv}" for lv in others]
        codes, uniques = pd.factorize(text)  # -1 for a blank cell
        position = {u: k for k, u in enumerate(uniques)}
        for lv, name in zip(others, names):
            indicator = (codes == position[lv]).astype(float)
            indicator[codes < 0] = np.nan
            cols.append(pd.Series(indicator, index=x.index, name=name))
        terms.append({"variable": col, "factor": True, "reference": ref, "levels": others, "columns": names})
    design = pd.concat(cols, axis=1) if cols else pd.DataFrame(index=frame.index)
    return design, terms


def cox_design(frame: pd.DataFrame, covariates, categorical=None, reference=None) -> pd.DataFrame:
    """The design matrix of :func:`design_terms` alone (rows with a blank cell kept as NaN)."""
    return design_terms(frame, covariates, categorical, reference)[0]


@dataclass
class CoxResult:
    """A fitted Cox model and what a reader needs to judge it (numbers only).

    ``hazard_ratios``: by term (non-reference coefficients) with ``hr``, ``lower``,
    ``upper`` (Wald CI at 1 − alpha), ``p`` (Wald), ``coef``, ``se``, ``z``, ``estimable``.
    ``ph_test``: by term, ``chi2``, ``df``, ``p``; ``ph_global``: dict ``chi2``, ``df``,
    ``p``; ``ph_method`` and ``ph_transform`` say which test (see :mod:`.ph_test`).
    ``variable_tests``: by covariate, likelihood-ratio ``chi2``, ``df`` (k − 1 for a factor),
    ``p``. ``terms``: the table a report or a forest plot needs (:attr:`terms`).
    ``estimable`` False with ``problem`` (no_events, singular, not_converged, infinite,
    too_few) and ``reason``: then every HR, CI and p is NaN, never a number from a fit that
    failed; except with ``infinite`` (monotone likelihood: complete separation, a level
    without events), where, as R's ``coxph``, the finite coefficients keep their estimates
    and the likelihood-ratio tests stay valid, while the infinite ones (``estimable`` False
    in ``hazard_ratios``), their PH tests and the global Wald and PH tests are NaN. ``events_per_variable`` = events / coefficients, ``exploratory`` when below the
    threshold (10).
    """

    hazard_ratios: pd.DataFrame
    ph_test: pd.DataFrame
    n: int
    events: int
    n_parameters: int
    events_per_variable: float
    exploratory: bool
    design: pd.DataFrame
    estimable: bool = True
    problem: str | None = None
    reason: str = ""
    variable_tests: pd.DataFrame = field(default_factory=pd.DataFrame)
    ph_global: dict = field(default_factory=dict)
    ph_transform: str = "rank"
    ph_method: str = PH_METHOD
    loglik: float = math.nan
    loglik_null: float = math.nan
    lr_test: dict = field(default_factory=dict)
    score_test: dict = field(default_factory=dict)
    wald_test: dict = field(default_factory=dict)
    iterations: int = 0
    variance: pd.DataFrame = field(default_factory=pd.DataFrame)
    covariates: list = field(default_factory=list)
    factor_terms: list = field(default_factory=list, repr=False)
    alpha: float = 0.05

    @property
    def terms(self) -> pd.DataFrame:
        """One row per term, each factor's reference level first (``is_reference``, HR 1,
        no CI), with the covariate's LR test on every row of it: columns
        :data:`TERM_COLUMNS`, indexed by ``term`` (``"col=level"``, or ``col``)."""
        rows = []
        for spec in self.factor_terms:
            var = spec["variable"]
            test = self.variable_tests.loc[var] if var in self.variable_tests.index else None
            common = {"variable": var, "variable_chi2": math.nan if test is None else test["chi2"],
                      "variable_df": math.nan if test is None else test["df"],
                      "variable_p": math.nan if test is None else test["p"]}
            if spec["factor"]:
                rows.append({"term": f"{var}={spec['reference']}", "level": spec["reference"],
                             "reference": spec["reference"], "is_reference": True, "estimable": True, "hr": 1.0,
                             **common})
            for name, level in zip(spec["columns"], spec["levels"] or [None]):
                hr, ph = self.hazard_ratios.loc[name], self.ph_test.loc[name]
                rows.append({"term": name, "level": level, "reference": spec["reference"], "is_reference": False,
                             **{k: hr[k] for k in ("estimable", "hr", "lower", "upper", "p", "coef", "se", "z")},
                             "ph_chi2": ph["chi2"], "ph_p": ph["p"], **common})
        out = pd.DataFrame(rows, columns=["term"] + TERM_COLUMNS).set_index("term")
        out["is_reference"] = out["is_reference"].astype(bool)
        out["estimable"] = out["estimable"].astype(bool)
        return out

    @property
    def summary(self) -> dict:
        """The model in numbers: n, events, coefficients, events per variable, exploratory,
        estimable, problem, reason, log-likelihoods, the global LR / score / Wald tests, the
        global PH test and which test and transform it is, Newton iterations."""
        return {"n": self.n, "events": self.events, "n_parameters": self.n_parameters,
                "events_per_variable": self.events_per_variable, "exploratory": self.exploratory,
                "estimable": self.estimable, "problem": self.problem, "reason": self.reason,
                "loglik": self.loglik, "loglik_null": self.loglik_null,
                **{f"lr_{k}": v for k, v in self.lr_test.items()},
                **{f"score_{k}": v for k, v in self.score_test.items()},
                **{f"wald_{k}": v for k, v in self.wald_test.items()},
                **{f"ph_global_{k}": v for k, v in self.ph_global.items()},
                "ph_method": self.ph_method, "ph_transform": self.ph_transform, "ties": "efron",
                "iterations": self.iterations}


def _chi2(stat: float, df: int) -> dict:
    p = float(chi2_dist.sf(stat, df)) if df > 0 and math.isfinite(stat) else math.nan
    return {"chi2": float(stat), "df": int(df), "p": p}


def _nan_table(index, columns) -> pd.DataFrame:
    return pd.DataFrame(math.nan, index=pd.Index(index, name="term"), columns=columns)


def cox_model(
    data: pd.DataFrame, duration_col: str, event_col: str, covariates, categorical=None,
    reference=None, weights_col: str | None = None, event_value=None, alpha: float = 0.05,
    epv_threshold: float = EPV_THRESHOLD, time_transform: str = "rank",
) -> CoxResult:
    """Cox proportional hazards model (Efron ties, R's precision) with a test per variable and PH tests.

    Parameters
    ----------
    data : DataFrame, not modified; complete cases of the columns used are analysed.
    duration_col, event_col : survival time (days) and event indicator (see ``survival_frame``).
    covariates : a column name or a list of them; text, boolean and pandas Categorical columns
        (or those named in ``categorical``) are factors, dummy-coded against a reference level
        (see :func:`design_terms`); numbers, also written as text, enter as they are.
    reference : optional ``{column: reference level}`` (default: the first level).
    alpha : 1 − confidence level of the HR intervals.
    epv_threshold : events per variable under which ``exploratory`` is True.
    time_transform : time scale of the PH test: ``"rank"`` (mid-ranks of the death times),
        ``"km"`` (R's default, 1 − S(t−)), ``"log"``, ``"identity"`` (see :mod:`.ph_test`).

    Returns
    -------
    :class:`CoxResult`. A model that cannot be estimated (no events, a constant or collinear
    covariate, no convergence, an infinite coefficient from complete separation, fewer
    patients than coefficients + 1) has ``estimable`` False, ``problem``, ``reason`` and NaN
    estimates (with an infinite coefficient: NaN for that term only, see :class:`CoxResult`).
    """
    covariates = _as_list(covariates)
    check_columns(data, *covariates)
    surv = survival_frame(data, duration_col, event_col, None, weights_col, event_value)
    design, specs = design_terms(data.loc[surv.index], covariates, categorical, reference)
    design = pd.concat([surv[["duration", "event", "weight"]], design], axis=1).dropna()
    names = [c for spec in specs for c in spec["columns"]]
    x = design[names].to_numpy(dtype=float)
    t = design["duration"].to_numpy(dtype=float)
    e = design["event"].to_numpy(dtype=bool)
    w = design["weight"].to_numpy(dtype=float)
    events = int(round(float(np.sum(w * e))))
    n = int(round(float(w.sum())))
    epv = events / len(names) if names else math.nan
    base = dict(n=n, events=events, n_parameters=len(names), events_per_variable=epv,
                exploratory=bool(epv < epv_threshold) if names else True, design=design,
                ph_transform=time_transform, covariates=covariates, factor_terms=specs, alpha=alpha)
    fit = efron_fit(x, t, e, w) if names and len(design) > len(names) else None
    if fit is None or fit.problem not in (None, "infinite"):
        problem = "too_few" if fit is None else fit.problem
        reason = (f"{len(design)} complete case(s) for {len(names)} coefficient(s)" if fit is None
                  else _reason(fit, names))
        hr = _nan_table(names, ["hr", "lower", "upper", "p", "coef", "se", "z"])
        hr["estimable"] = False
        ph = _nan_table(names, ["chi2", "df", "p"])
        variable_tests = pd.DataFrame(math.nan, index=pd.Index(covariates, name="variable"), columns=["chi2", "df", "p"])
        return CoxResult(hr, ph, **base, estimable=False, problem=problem, reason=reason,
                         variable_tests=variable_tests, ph_global={"chi2": math.nan, "df": len(names), "p": math.nan},
                         iterations=0 if fit is None else fit.iterations)
    se = np.sqrt(np.diag(fit.var))
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(over="ignore"):  # an infinite coefficient's bounds; set to NaN below
        hr = pd.DataFrame({"hr": np.exp(fit.coef), "lower": np.exp(fit.coef - z * se),
                           "upper": np.exp(fit.coef + z * se), "p": 2 * norm.sf(np.abs(fit.coef / se)),
                           "coef": fit.coef, "se": se, "z": fit.coef / se}, index=pd.Index(names, name="term"))
    death_times, residuals, _ = fit_schoenfeld(fit)
    ph, ph_global = schoenfeld_test(death_times, residuals, fit.var, names, time_transform, t, e, w)
    wald = _chi2(float(fit.coef @ np.linalg.solve(fit.var, fit.coef)), len(names))
    hr["estimable"] = ~fit.infinite
    if fit.problem == "infinite":  # R reports the finite coefficients; the infinite ones are no numbers
        hr.loc[fit.infinite, ["hr", "lower", "upper", "p", "coef", "se", "z"]] = math.nan
        ph.loc[fit.infinite, ["chi2", "p"]] = math.nan
        ph_global = {**ph_global, "chi2": math.nan, "p": math.nan}
        wald = {**wald, "chi2": math.nan, "p": math.nan}
    return CoxResult(
        hr, ph, **base, estimable=fit.problem is None, problem=fit.problem,
        reason="" if fit.problem is None else _reason(fit, names),
        variable_tests=_variable_tests(specs, names, fit),
        ph_global=ph_global, loglik=fit.loglik, loglik_null=fit.loglik_null,
        lr_test=_chi2(2 * (fit.loglik - fit.loglik_null), len(names)),
        score_test=_chi2(fit.score_null, len(names)), wald_test=wald,
        iterations=fit.iterations, variance=pd.DataFrame(fit.var, index=names, columns=names),
    )


def _reason(fit: CoxFit, names: list[str]) -> str:
    if fit.problem == "infinite":
        which = ", ".join(f"'{n}'" for n, bad in zip(names, fit.infinite) if bad)
        return f"coefficient of {which} may be infinite: {fit.message}"
    return fit.message


def _variable_tests(specs, names, fit: CoxFit) -> pd.DataFrame:
    """Likelihood-ratio test of each covariate (all its columns at once) on the same rows."""
    rows = {}
    for spec in specs:
        keep = [i for i, c in enumerate(names) if c not in spec["columns"]]
        if keep:
            reduced = refit(fit, keep)
            ll0 = reduced.loglik if reduced.problem in (None, "infinite") else math.nan  # R keeps a monotone fit's ℓ
        else:
            ll0 = fit.loglik_null
        rows[spec["variable"]] = _chi2(2 * (fit.loglik - ll0), len(spec["columns"]))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["chi2", "df", "p"])
    out.index.name = "variable"
    return out
