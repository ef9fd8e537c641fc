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

from dataclasses import dataclass, field
import math

import numpy as np

TOLERANCE = 1e-10  # Newton step, relative to max(1, |β|), at which the fit has converged
LOGLIK_TOLERANCE = 1e-13  # relative change of the log-likelihood that counts as no change
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


class _Efron:
    """The data sorted by time, with the index arrays the derivatives need."""

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
        # one entry per (death time, l), l = 0..m-1: Efron's fractions l/m
        self.pair_time = np.repeat(self.death_times, m)
        self.frac = (np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)) / np.repeat(m, m)
        weight_deaths = np.add.reduceat(np.where(self.e, self.w, 0.0), self.starts)[self.death_times]
        self.pair_weight = np.repeat(weight_deaths / m, m)  # mean weight of the tied deaths
        self.time_of_row = np.searchsorted(self.starts, np.arange(self.t.size), side="right") - 1

    def efron_means(self, beta):
        """(η, φ = w·exp(η), the denominator and the covariate mean of each (death time, l)
        pair): S − (l/m) D and (S_x − (l/m) D_x) / (S − (l/m) D), with S, S_x the sums of φ
        and φx over the risk set {T >= t} and D, D_x the same over the m deaths at t."""
        x, e = self.x, self.e
        eta = x @ beta
        phi = self.w * np.exp(eta)
        px = phi[:, None] * x
        risk = np.cumsum(phi[::-1])[::-1][self.starts]
        risk_x = np.cumsum(px[::-1], axis=0)[::-1][self.starts]
        tie = np.add.reduceat(np.where(e, phi, 0.0), self.starts)
        tie_x = np.add.reduceat(np.where(e[:, None], px, 0.0), self.starts, axis=0)
        g, f = self.pair_time, self.frac
        denom = risk[g] - f * tie[g]
        return eta, phi, denom, (risk_x[g] - f[:, None] * tie_x[g]) / denom[:, None]

    def derivatives(self, beta):
        """(log-likelihood, score U, information I) at ``beta``."""
        x, e, w = self.x, self.e, self.w
        eta, phi, denom, mean = self.efron_means(beta)
        g, f, c = self.pair_time, self.frac, self.pair_weight
        loglik = float(np.sum(w[e] * eta[e]) - np.sum(c * np.log(denom)))
        score = (w[e][:, None] * x[e]).sum(axis=0) - (c[:, None] * mean).sum(axis=0)
        # Σ_pairs c/denom · (S_xx(t) − f·D_xx(t)) without an n × p × p array: S_xx(t) sums over
        # the risk set {T >= t}, so row i carries the sum over the death times t <= T_i
        a = np.zeros(self.starts.size)
        b = np.zeros(self.starts.size)
        np.add.at(a, g, c / denom)
        np.add.at(b, g, c * f / denom)
        row_a = np.cumsum(a)[self.time_of_row]
        row_b = np.where(e, b[self.time_of_row], 0.0)
        second = x.T @ ((phi * (row_a - row_b))[:, None] * x)
        info = second - (c[:, None] * mean).T @ mean
        return loglik, score, info


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
    """Fit a Cox model with Efron's ties by Newton–Raphson (see the module docstring).

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
    nan = np.full(p, math.nan)
    if not (event & (weight > 0)).any():
        return CoxFit(nan, np.full((p, p), math.nan), math.nan, math.nan, math.nan, 0, False, "no_events",
                      np.zeros(p, dtype=bool), "no events")
    model = _Efron(x, time, event, weight)
    beta = np.zeros(p)
    loglik, score, info = model.derivatives(beta)
    loglik_null = loglik
    step, var = _solve(info, score)
    if step is None:
        return CoxFit(nan, np.full((p, p), math.nan), math.nan, loglik_null, math.nan, 0, False, "singular",
                      np.zeros(p, dtype=bool), "the information matrix is singular at 0")
    score_null = float(score @ step)
    for iteration in range(1, max_iter + 1):
        small = np.max(np.abs(step) / np.maximum(1.0, np.abs(beta))) <= tol
        candidate = beta + step
        new_loglik, new_score, new_info = model.derivatives(candidate)
        halving = 0
        while not (new_loglik >= loglik - LOGLIK_TOLERANCE * abs(loglik)) and halving < MAX_HALVING:
            candidate = (beta + candidate) / 2  # R's step halving
            new_loglik, new_score, new_info = model.derivatives(candidate)
            halving += 1
        stalled = abs(new_loglik - loglik) <= LOGLIK_TOLERANCE * abs(loglik)
        beta, loglik, score, info = candidate, new_loglik, new_score, new_info
        step, var = _solve(info, score)
        if step is None:
            return CoxFit(beta, np.full((p, p), math.nan), loglik, loglik_null, score_null, iteration, False,
                          "singular", np.zeros(p, dtype=bool), "the information matrix is singular")
        if small:  # the last step was below tol and has been taken: converged
            return CoxFit(beta, var, loglik, loglik_null, score_null, iteration, True, None, np.zeros(p, dtype=bool))
        if stalled:  # the likelihood no longer rises: converged, unless a coefficient runs away (R's rule)
            infinite = (np.abs(step) > R_EPS) & (np.abs(step) > R_TOLER_INF * np.abs(beta))
            if infinite.any():
                return CoxFit(beta, var, loglik, loglik_null, score_null, iteration, False, "infinite", infinite,
                              "the partial likelihood converged before the coefficient(s): they may be infinite "
                              "(monotone likelihood, e.g. complete separation)")
            return CoxFit(beta, var, loglik, loglik_null, score_null, iteration, True, None, np.zeros(p, dtype=bool))
    return CoxFit(beta, var, loglik, loglik_null, score_null, max_iter, False, "not_converged",
                  np.zeros(p, dtype=bool), f"no convergence in {max_iter} Newton steps")


def schoenfeld(model_x, time, event, weight, beta):
    """Schoenfeld residuals of a fitted Efron model: (death times, (d, p) residuals, the
    deaths' row positions in the input), deaths sorted by time (ties in input order). A death's residual is x_i − x̄(t_i), x̄ the Efron
    mean over the m tied deaths, Σ_l (S_x − (l/m) D_x) / ((S − (l/m) D) m) (Grambsch &
    Therneau 1994; R's ``resid(fit, "schoenfeld")``)."""
    model = _Efron(np.asarray(model_x, dtype=float), np.asarray(time, dtype=float),
                   np.asarray(event).astype(bool), np.asarray(weight, dtype=float))
    x, e = model.x, model.e
    _, _, _, pair_mean = model.efron_means(np.asarray(beta, dtype=float))
    mean = np.zeros((model.starts.size, x.shape[1]))
    np.add.at(mean, model.pair_time, pair_mean / np.repeat(model.m, model.m)[:, None])
    residuals = (x - mean[model.time_of_row])[e]
    return model.t[e], residuals, model.order[e]
