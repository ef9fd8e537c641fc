"""Maximum partial likelihood of the Cox model with Efron's ties, on arrays, to R's precision.

:func:`efron_fit` is the numerical core of :func:`lmlib.survival.cox.cox_model`: Newton–Raphson
on the Efron (1977) partial likelihood, as R's ``coxph(ties = "efron")`` (``coxfit6``):
covariates centred, start at β = 0, step halving when the log-likelihood falls. It stops
when the Newton step is below ``tol`` (relative to max(1, |β|)) and then takes that last step,
so the coefficients agree with R's tightly converged fit to about 1e-12; lifelines stops at
its first criterion met and differs from R by up to 1e-4. Everything is vectorised over the
distinct death times (no per-patient Python loop), so 1e6 patients fit in seconds.

Frequency weights follow R: a death contributes w·η, and the Efron term of m tied death rows
uses their mean weight for each of the m fractions l/m.

What is never swallowed (``CoxFit.problem``):

* ``no_events``, ``singular`` (the information matrix is not positive definite: a constant or
  collinear covariate, a level without patients), ``not_converged`` (``max_iter`` steps);
* ``infinite`` (monotone likelihood, e.g. complete separation): the log-likelihood stops
  rising while the Newton step of some coefficient stays large; R's rule (``coxph``'s
  "Loglik converged before variable ...; coefficient may be infinite"): the final Newton
  step |U·V|_j exceeds R's ``eps`` (1e-9) and sqrt(eps) · |β_j|. ``infinite`` names them.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
import math

import numpy as np

TOLERANCE = 1e-10  # Newton step, relative to max(1, |β|), at which the fit has converged
LOGLIK_TOLERANCE = 1e-13  # relative change of the log-likelihood that counts as no change
HALVING_TOLERANCE = 1e-11  # relative fall of the log-likelihood that a step is halved for (beyond rounding)
MAX_ITER = 100
MAX_HALVING = 60
R_EPS = 1e-9  # coxph.control()$eps, for R's infinite-coefficient rule
R_TOLER_INF = math.sqrt(R_EPS)  # coxph.control()$toler.inf


@dataclass
class CoxFit:
    """Result of :func:`efron_fit`. ``coef`` (log hazard ratios), ``var`` (inverse of the
    observed information at ``coef``), ``loglik`` / ``loglik_null`` (log partial likelihood at
    ``coef`` and at 0), ``score_null`` (score test at 0, χ² with p df: the log-rank test for
    a single factor), ``iterations``, ``converged``, ``problem`` (None or one of no_events,
    singular, not_converged, infinite), ``infinite`` (bool per coefficient) and ``message``."""

    coef: np.ndarray
    var: np.ndarray
    loglik: float
    loglik_null: float
    score_null: float
    iterations: int
    converged: bool
    problem: str | None = None
    infinite: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    message: str = ""
    model: object = field(default=None, repr=False, compare=False)  # the sorted data, for refits and residuals


class _Efron:
    """The data sorted by time, with the index arrays the derivatives need.

    Work per evaluation is a few passes over the rows (η, φ, sums per distinct time) and
    O(p²) per death time; the m tied deaths of a time enter only through scalar sums over
    their fractions l/m, so a registry with thousands of deaths per day costs no more."""

    def __init__(self, x, time, event, weight):
        order = np.argsort(time, kind="stable")
        self.x = x[order] - np.average(x, axis=0, weights=weight)  # centred, as R
        self.t = time[order]
        self.e = event[order].astype(bool)
        self.w = weight[order]
        self.order = order
        self.starts = np.flatnonzero(np.r_[True, self.t[1:] != self.t[:-1]])
        deaths = np.add.reduceat(self.e.astype(float), self.starts)
        self.death_times = np.flatnonzero(deaths > 0)  # index into starts
        m = deaths[self.death_times].astype(int)
        self.m = m
        # one entry per (death time k, l), l = 0..m-1: Efron's fractions l/m
        self.pair_time = np.repeat(np.arange(m.size), m)
        self.frac = (np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)) / np.repeat(m, m)
        weight_deaths = np.add.reduceat(np.where(self.e, self.w, 0.0), self.starts)[self.death_times]
        self.pair_weight = np.repeat(weight_deaths / m, m)  # mean weight of the tied deaths
        self.time_of_row = np.searchsorted(self.starts, np.arange(self.t.size), side="right") - 1
        self.weighted_death_x = (np.where(self.e, self.w, 0.0)[:, None] * self.x).sum(axis=0)

    def columns(self, keep) -> "_Efron":
        """The same rows with only the covariates ``keep`` (a nested model)."""
        other = copy.copy(self)
        other.x = self.x[:, keep]
        other.weighted_death_x = self.weighted_death_x[keep]
        return other

    def sums(self, beta):
        """At each death time k: S, S_x (sums of φ = w·exp(η) and φx over the risk set
        {T >= t_k}), D, D_x (the same over its m deaths), and the Efron denominator
        S − (l/m) D of each (k, l) pair; with η and φ per row."""
        x, e = self.x, self.e
        eta = x @ beta
        phi = self.w * np.exp(eta)
        px = phi[:, None] * x
        reverse = lambda a: np.cumsum(a[::-1], axis=0)[::-1]  # noqa: E731  (sum over the later times)
        risk = reverse(np.add.reduceat(phi, self.starts))[self.death_times]
        risk_x = reverse(np.add.reduceat(px, self.starts, axis=0))[self.death_times]
        tie = np.add.reduceat(np.where(e, phi, 0.0), self.starts)[self.death_times]
        tie_x = np.add.reduceat(np.where(e[:, None], px, 0.0), self.starts, axis=0)[self.death_times]
        denom = risk[self.pair_time] - self.frac * tie[self.pair_time]
        return eta, phi, risk_x, tie_x, denom

    def per_time(self, values):
        """Sum of a per-pair array over each death time's pairs."""
        return np.bincount(self.pair_time, weights=values, minlength=self.m.size)

    def derivatives(self, beta):
        """(log-likelihood, score U, information I) at ``beta``.

        With c the mean weight of a time's deaths, f = l/m and d the pair's denominator, the
        Efron terms Σ_l c·(S_x − f D_x)/d and Σ_l c·[(S_xx − f D_xx)/d − a aᵀ] (a the pair's
        mean) are written with the scalars A = Σ c/d, B = Σ c f/d, C_j = Σ c f^j / d² per
        time; S_xx(t) sums over the risk set {T >= t}, so row i carries A summed over the
        death times t <= T_i (no n × p × p array)."""
        x, e, w = self.x, self.e, self.w
        eta, phi, risk_x, tie_x, denom = self.sums(beta)
        c, f = self.pair_weight, self.frac
        loglik = float(np.sum(np.where(e, w * eta, 0.0)) - np.sum(c * np.log(denom)))
        a, b = self.per_time(c / denom), self.per_time(c * f / denom)
        score = self.weighted_death_x - risk_x.T @ a + tie_x.T @ b
        c0, c1, c2 = (self.per_time(c * f**j / denom**2) for j in range(3))
        cross = risk_x.T @ (c1[:, None] * tie_x)
        outer = risk_x.T @ (c0[:, None] * risk_x) - cross - cross.T + tie_x.T @ (c2[:, None] * tie_x)
        a_time = np.zeros(self.starts.size)
        b_time = np.zeros(self.starts.size)
        a_time[self.death_times], b_time[self.death_times] = a, b
        row = np.cumsum(a_time)[self.time_of_row] - np.where(e, b_time[self.time_of_row], 0.0)
        second = x.T @ ((phi * row)[:, None] * x)
        return loglik, score, second - outer

    def death_means(self, beta):
        """x̄(t_k) at each death time: the mean over its m deaths of the Efron means
        (S_x − (l/m) D_x) / (S − (l/m) D)."""
        _, _, risk_x, tie_x, denom = self.sums(beta)
        a, b = self.per_time(1 / denom), self.per_time(self.frac / denom)
        return (risk_x * a[:, None] - tie_x * b[:, None]) / self.m[:, None]


def _solve(info, score):
    """Newton step I⁻¹U and I⁻¹ by Cholesky; None when I is not positive definite."""
    try:
        chol = np.linalg.cholesky(info)
    except np.linalg.LinAlgError:
        return None, None
    inverse = np.linalg.inv(chol)
    var = inverse.T @ inverse
    return var @ score, var


def efron_fit(x, time, event, weight=None, *, tol: float = TOLERANCE, max_iter: int = MAX_ITER) -> CoxFit:
    """Fit a Cox model with Efron's ties by Newton–Raphson from β = 0 (see the module docstring).

    Parameters
    ----------
    x : (n, p) float array of covariates (the design matrix, no intercept), no NaN.
    time : (n,) follow-up times (any unit), event : (n,) bool, weight : (n,) frequency weights.
    tol : convergence: max |Newton step_j| / max(1, |β_j|) below this.
    max_iter : Newton steps before giving up (``problem = "not_converged"``).
    """
    x = np.asarray(x, dtype=float)
    n, p = x.shape
    time = np.asarray(time, dtype=float)
    event = np.asarray(event).astype(bool)
    weight = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    if not (event & (weight > 0)).any():
        return CoxFit(np.full(p, math.nan), np.full((p, p), math.nan), math.nan, math.nan, math.nan, 0, False,
                      "no_events", np.zeros(p, dtype=bool), "no events")
    return _newton(_Efron(x, time, event, weight), np.zeros(p), tol, max_iter)


def refit(fit: CoxFit, keep, *, tol: float = TOLERANCE, max_iter: int = MAX_ITER) -> CoxFit:
    """The model of ``fit`` with only the coefficients ``keep`` (indices), on the same rows,
    started from ``fit``'s values (the nested model of a likelihood-ratio test)."""
    keep = np.asarray(keep, dtype=int)
    start = np.nan_to_num(fit.coef[keep]) if fit.coef.size else np.zeros(keep.size)
    return _newton(fit.model.columns(keep), start, tol, max_iter)


def _newton(model: _Efron, beta, tol: float, max_iter: int) -> CoxFit:
    p = beta.size
    none = np.zeros(p, dtype=bool)
    loglik, score, info = model.derivatives(beta)
    at_zero = not beta.any()
    loglik_null = loglik if at_zero else math.nan
    step, var = _solve(info, score)
    if step is None:
        return CoxFit(np.full(p, math.nan), np.full((p, p), math.nan), math.nan, loglik_null, math.nan, 0, False,
                      "singular", none, "the information matrix is singular at the start", model)
    score_null = float(score @ step) if at_zero else math.nan

    def result(iteration, problem=None, infinite=none, message=""):
        return CoxFit(beta, var, loglik, loglik_null, score_null, iteration, problem is None, problem, infinite,
                      message, model)

    for iteration in range(1, max_iter + 1):
        small = np.max(np.abs(step) / np.maximum(1.0, np.abs(beta))) <= tol
        candidate = beta + step
        new_loglik, new_score, new_info = model.derivatives(candidate)
        halving = 0
        # R's step halving when the likelihood falls; not for a step below tol, whose change is
        # rounding noise of the sum over the patients (about 1e-13 relative at 1e6 patients)
        while not small and not (new_loglik >= loglik - HALVING_TOLERANCE * abs(loglik)) and halving < MAX_HALVING:
            candidate = (beta + candidate) / 2  # R's step halving
            new_loglik, new_score, new_info = model.derivatives(candidate)
            halving += 1
        stalled = abs(new_loglik - loglik) <= LOGLIK_TOLERANCE * abs(loglik)
        beta, loglik, score, info = candidate, new_loglik, new_score, new_info
        step, var = _solve(info, score)
        if step is None:
            var = np.full((p, p), math.nan)
            return result(iteration, "singular", message="the information matrix is singular")
        if small:  # the last step was below tol and has been taken: converged
            return result(iteration)
        if stalled:  # the likelihood no longer rises: converged, unless a coefficient runs away (R's rule)
            infinite = (np.abs(step) > R_EPS) & (np.abs(step) > R_TOLER_INF * np.abs(beta))
            if infinite.any():
                return result(iteration, "infinite", infinite,
                              "the partial likelihood converged before the coefficient(s): they may be infinite "
                              "(monotone likelihood, e.g. complete separation)")
            return result(iteration)
    return result(max_iter, "not_converged", message=f"no convergence in {max_iter} Newton steps")


def schoenfeld(model_x, time, event, weight, beta):
    """Schoenfeld residuals of a fitted Efron model, from arrays: see :func:`fit_schoenfeld`."""
    model = _Efron(np.asarray(model_x, dtype=float), np.asarray(time, dtype=float),
                   np.asarray(event).astype(bool), np.asarray(weight, dtype=float))
    return _schoenfeld(model, np.asarray(beta, dtype=float))


def fit_schoenfeld(fit: CoxFit):
    """Schoenfeld residuals of ``fit``: (death times, (d, p) residuals, the deaths' row
    positions in the input), deaths sorted by time (ties in input order). A death's residual
    is x_i − x̄(t_i), x̄ the Efron mean over the m tied deaths,
    Σ_l (S_x − (l/m) D_x) / ((S − (l/m) D) m) (Grambsch & Therneau 1994; R's
    ``resid(fit, "schoenfeld")``)."""
    return _schoenfeld(fit.model, fit.coef)


def _schoenfeld(model: _Efron, beta):
    x, e = model.x, model.e
    mean = np.zeros((model.starts.size, x.shape[1]))
    mean[model.death_times] = model.death_means(beta)
    residuals = (x - mean[model.time_of_row])[e]
    return model.t[e], residuals, model.order[e]
