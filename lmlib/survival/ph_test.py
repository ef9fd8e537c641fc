"""Test of proportional hazards from the Schoenfeld residuals of a Cox model, per term and global.

Which test: the score approximation of Grambsch & Therneau (1994) that R's ``cox.zph``
computed before survival 3.0 (survival 2.44, ``cox.zph.S``) and that lifelines'
``proportional_hazard_test`` implements. With g(t) the transformed death times (one per
death, centred: ḡ = mean over deaths), r the Schoenfeld residuals, V the inverse
information and d the number of deaths,

* per term j: T_j = (Σ (g_k − ḡ) r*_kj)² / (d · V_jj · Σ (g_k − ḡ)²), r* = d · r V the scaled
  residuals; χ² with 1 df;
* global: T = uᵀ V u · d / Σ (g_k − ḡ)², u = Σ (g_k − ḡ) r_k; χ² with p df.

R ≥ 3.0's ``cox.zph`` is a different, exact score test (it refits the information with the
time-varying terms) and can give other p-values and conclusions; it is not this one.

Time transforms, R's definitions (``time_transform``):

* ``"km"`` (R's default): 1 − S(t−), the left-continuous Kaplan–Meier estimate of all the
  model's patients just before each death time (R: the KM before the first death is 1).
  lifelines uses the right-continuous 1 − S(t) instead;
* ``"rank"``: the mid-rank of each death time among the death times (R's ``rank()``, ties
  averaged), so tied deaths get the same value and the test does not depend on row order.
  lifelines 0.30 numbers tied deaths 1, 2, 3, … in input order;
* ``"identity"``: t; ``"log"``: log t.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist
from scipy.stats import rankdata

from .steps import km_arrays

TRANSFORMS = ("km", "rank", "identity", "log")
METHOD = "Grambsch-Therneau score approximation (R survival < 3.0 cox.zph; lifelines proportional_hazard_test)"


def transformed_times(death_times, transform: str, time=None, event=None, weight=None) -> np.ndarray:
    """g(t) of each death time (see the module docstring); ``time``, ``event``, ``weight``
    (all the model's rows) are needed for ``"km"``."""
    t = np.asarray(death_times, dtype=float)
    if transform == "identity":
        return t
    if transform == "log":
        return np.log(t)
    if transform == "rank":
        return rankdata(t, method="average")
    if transform == "km":
        times, _, _, _, survival, _ = km_arrays(time, event, weight)
        before = np.concatenate(([1.0], survival[:-1]))  # S(t−) at each distinct observed time
        return 1.0 - before[np.searchsorted(times, t)]
    raise ValueError(f"time_transform must be one of {TRANSFORMS}, not {transform!r}")


def schoenfeld_test(death_times, residuals, var, names, transform: str = "km", time=None, event=None,
                    weight=None) -> tuple[pd.DataFrame, dict]:
    """The PH test per term and global (see the module docstring).

    Parameters
    ----------
    death_times : (d,) time of each death, residuals : (d, p) Schoenfeld residuals (not
        scaled), var : (p, p) inverse information, names : the p term names.
    transform, time, event, weight : see :func:`transformed_times`.

    Returns
    -------
    (DataFrame indexed by term with ``chi2``, ``df`` (1), ``p``; dict of the global test with
    ``chi2``, ``df`` (p), ``p``). NaN when there are fewer than two deaths or the transformed
    times do not vary.
    """
    r = np.asarray(residuals, dtype=float)
    v = np.asarray(var, dtype=float)
    d, p = r.shape
    g = transformed_times(death_times, transform, time, event, weight)
    xx = g - g.mean() if d else g
    ss = float(np.sum(xx * xx))
    if d < 2 or not ss > 0:
        nan = pd.DataFrame({"chi2": math.nan, "df": 1, "p": math.nan}, index=pd.Index(names, name="term"))
        return nan, {"chi2": math.nan, "df": p, "p": math.nan}
    scaled = d * r @ v
    per_term = (xx @ scaled) ** 2 / (d * np.diag(v) * ss)
    u = xx @ r
    total = float(u @ v @ u) * d / ss
    table = pd.DataFrame({"chi2": per_term, "df": 1, "p": chi2_dist.sf(per_term, 1)},
                         index=pd.Index(names, name="term"))
    return table, {"chi2": total, "df": p, "p": float(chi2_dist.sf(total, p))}
