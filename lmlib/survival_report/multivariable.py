"""The multivariable Cox model of the survival section, as numbers (no words, no language).

:func:`cox_numbers` fits :func:`lmlib.survival.cox.cox_model` on the covariates named by the
report (``COX=age,sex,treatment``), coded by the codebook: a categorical variable is a factor
against its first level with patients (codebook order), a yes/no variable a factor against
"no", a continuous one enters per unit. It returns :class:`CoxNumbers`: one row per term
(each factor's reference level first, its likelihood-ratio test on every row of it) and the
model's facts (patients, complete cases, deaths, events per coefficient, whether it is
exploratory or estimable and why not, the global tests, which PH test on which time scale).
"""
from __future__ import annotations

from dataclasses import dataclass, field
import math

import pandas as pd

from ..problems import InputError
from .params import DURATION, EVENT, PH_TRANSFORM

COVARIATE_KINDS = ("continuous", "categorical", "boolean")
TERM_COLUMNS = ["variable", "kind", "level", "reference", "is_reference", "n_levels", "estimable", "hr", "lower",
                "upper", "p", "coef", "se", "ph_chi2", "ph_p", "variable_chi2", "variable_df", "variable_p"]


@dataclass
class CoxNumbers:
    """A multivariable Cox model in numbers.

    ``terms``: one row per term (:data:`TERM_COLUMNS`): ``variable``, ``kind`` (continuous,
    categorical, boolean), ``level`` (a codebook level name; ``yes``/``no`` for a yes/no
    variable; "" for a continuous one), ``reference`` and ``is_reference`` (the reference
    level's row has HR 1 and nothing else), ``n_levels`` (levels with patients), ``estimable``,
    ``hr``, ``lower``, ``upper`` (Wald 95% CI), ``p`` (Wald), ``coef``, ``se``, ``ph_chi2`` and
    ``ph_p`` (the term's PH test), ``variable_chi2``/``variable_df``/``variable_p`` (the
    likelihood-ratio test of the whole covariate, k − 1 df).
    ``model``: ``n_total`` (patients with a survival time), ``n`` (complete cases analysed),
    ``events``, ``n_parameters``, ``events_per_variable``, ``exploratory``, ``estimable``,
    ``problem`` (a code: no_events, singular, not_converged, infinite, too_few) and ``reason``
    (the fit's own words), ``lr_chi2``/``lr_df``/``lr_p`` (global likelihood ratio),
    ``ph_global_chi2``/``ph_global_df``/``ph_global_p``, ``ph_method``, ``ph_transform``,
    ``ties``, ``alpha``, ``iterations``. ``covariates``: the names as given.
    """

    terms: pd.DataFrame
    model: dict
    covariates: list = field(default_factory=list)

    @property
    def rejects_ph(self) -> bool:
        """True when the global PH test rejects at the model's alpha."""
        p = self.model.get("ph_global_p", math.nan)
        return bool(p == p and p < self.model.get("alpha", 0.05))


def outcome_variables(codebook) -> set[str]:
    """The variables that are the survival outcome: the derived time and event (rules
    ``days_between`` and ``event_flag``) and the variables the event is derived from (vital
    status). Neither a covariate nor a grouping of survival."""
    out = set()
    for d in codebook.derived:
        if d.get("rule") in ("days_between", "event_flag"):
            out.add(d["name"])
            if d.get("rule") == "event_flag":
                out.update(d.get("from", []))
    return out


def covariate_kind(codebook, name: str) -> str:
    """continuous, categorical or boolean (:func:`lmlib.tables.item_kind`); ValueError for a
    name that is no codebook or derived variable, one of another type (text, date, ...), or
    the survival outcome itself (:func:`outcome_variables`)."""
    from ..tables import item_kind

    if name in outcome_variables(codebook):
        raise ValueError(f"{name!r} is the survival outcome, not a covariate")
    try:
        kind = item_kind(codebook, name)
    except KeyError:
        raise ValueError(f"{name!r} is not a variable of the codebook or the study file") from None
    if kind not in COVARIATE_KINDS:
        raise ValueError(f"{name!r} is {kind}; a Cox covariate is continuous, categorical or yes/no")
    return kind


def _reference(data: pd.Series, codebook, name: str, kind: str):
    """The reference level: "no" for a yes/no variable, else the first codebook level with patients."""
    if kind == "boolean":
        return False
    present = set(data.dropna().astype(str))
    try:
        levels = codebook[name].level_names
    except KeyError:
        levels = sorted(present)
    return next((lv for lv in levels if lv in present), None)


def _level_key(kind: str, level) -> str:
    """A level as the frames write it: codebook name; ``yes``/``no`` for a yes/no variable."""
    if level is None:
        return ""
    if kind == "boolean":
        return "yes" if str(level).lower() in ("true", "1", "yes") else "no"
    return str(level)


def cox_numbers(data: pd.DataFrame, codebook, covariates, *, duration: str = DURATION, event: str = EVENT,
                time_transform: str = PH_TRANSFORM, alpha: float = 0.05) -> CoxNumbers:
    """Fit the multivariable Cox model of ``covariates`` (a name or a list; see the module
    docstring). ``data`` is not modified.

    Raises
    ------
    InputError : a covariate that is not a column of ``data``, not a codebook variable, or not
        continuous, categorical or yes/no.
    """
    from ..codebook import load_codebook
    from ..survival.cox import cox_model
    from ..survival.data import survival_frame

    codebook = codebook or load_codebook()
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    kinds = {}
    for name in covariates:
        if name not in data.columns:
            raise InputError(f"Cox covariate {name!r} is not a column of the cohort")
        try:
            kinds[name] = covariate_kind(codebook, name)
        except ValueError as exc:
            raise InputError(f"Cox covariate {exc}") from None
    frame = data[[duration, event, *covariates]].copy()
    for name, kind in kinds.items():
        if kind == "boolean":
            frame[name] = frame[name].astype("boolean")
    categorical = [n for n, k in kinds.items() if k != "continuous"]
    reference = {n: _reference(frame[n], codebook, n, k) for n, k in kinds.items() if k != "continuous"}
    reference = {n: r for n, r in reference.items() if r is not None}
    fit = cox_model(frame, duration, event, covariates, categorical=categorical, reference=reference,
                    time_transform=time_transform, alpha=alpha)
    terms = fit.terms.reset_index()
    counts = {spec["variable"]: len(spec["levels"]) + (1 if spec["factor"] else 0) for spec in fit.factor_terms}
    terms["kind"] = terms["variable"].map(kinds)
    terms["n_levels"] = terms["variable"].map(counts)
    terms["level"] = [_level_key(k, lv) if k != "continuous" else "" for k, lv in zip(terms["kind"], terms["level"])]
    terms["reference"] = [_level_key(k, r) if k != "continuous" else "" for k, r in zip(terms["kind"],
                                                                                        terms["reference"])]
    terms = terms.reindex(columns=TERM_COLUMNS)
    for col in ("hr", "lower", "upper", "p", "coef", "se", "ph_chi2", "ph_p", "variable_chi2", "variable_df",
                "variable_p"):
        terms[col] = pd.to_numeric(terms[col], errors="coerce").astype(float)
    summary = fit.summary
    total = len(survival_frame(data, duration, event))
    model = {"n_total": total, "n": fit.n, "events": fit.events, "n_parameters": fit.n_parameters,
             "events_per_variable": fit.events_per_variable, "exploratory": fit.exploratory,
             "estimable": fit.estimable, "problem": fit.problem or "", "reason": fit.reason,
             **{k: summary.get(k, math.nan) for k in ("lr_chi2", "lr_df", "lr_p", "ph_global_chi2", "ph_global_df",
                                                      "ph_global_p")},
             "ph_method": fit.ph_method, "ph_transform": fit.ph_transform, "ties": "efron", "alpha": alpha,
             "iterations": fit.iterations}
    return CoxNumbers(terms, model, covariates)


__all__ = ["COVARIATE_KINDS", "CoxNumbers", "TERM_COLUMNS", "covariate_kind", "cox_numbers", "outcome_variables"]
