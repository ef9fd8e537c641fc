"""The survival section's numbers, computed once: every grouping converted once to a numeric
survival frame, then the summaries, landmarks, tests, Cox models and KMunicate counts as numeric
frames (:class:`SurvivalNumbers`). No label, no text, no language: those are added later by
:mod:`lmlib.present.survival`, so switching language never refits a model.

Rows are keyed by ``section`` ("survival"), ``item`` (the grouping; ``overall_survival`` for the
whole cohort) and ``level`` (the codebook level name, ``yes``/``no`` for a boolean, ``overall``).
Why a test or a model could not be computed is a code (``reason``: one_group, no_events,
not_ordered, level_no_events, infinite_ci, fit_failed), turned into words by the catalog.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import math
import warnings

import numpy as np
import pandas as pd

from ..survival import cox_model, logrank, logrank_trend, median_followup, observed_expected, rmst, survival_at
from ..survival.data import DAYS_PER_MONTH, UNITS, as_text, split_groups, survival_frame
from ..survival.risk_table import counts_at
from ..survival.summary import summary_row
from ..survival_plots import _default_ticks as default_ticks
from .labels import level_key, ordered_levels
from .params import CI_TRANSFORM, DURATION, EVENT, FIRST, OVERALL_ITEM, OVERALL_LEVEL, PH_TRANSFORM, SECTION, parse_times

@dataclass
class SurvivalNumbers:
    """Everything the survival section shows, as numbers (see the module docstring)."""

    data: pd.DataFrame = field(repr=False)
    codebook: object = field(repr=False)
    frames: dict = field(repr=False)  # item -> its survival frame in days (group column "group")
    group_keys: dict = field(repr=False)  # item -> {level key: the original group value}
    summary: pd.DataFrame
    landmarks: pd.DataFrame
    comparisons: pd.DataFrame
    cox: pd.DataFrame
    risk: pd.DataFrame
    ticks: dict  # unit -> the x ticks of the figures in that unit (also the risk table's times)
    units: tuple
    group_by: list
    tau_days: float
    risk_times: str
    lost_to_follow_up: float  # censored patients marked lost to follow-up (NaN: no such column)
    whole_days: bool  # every follow-up a whole number of days: observed times print without decimals
    pairwise: pd.DataFrame = field(default_factory=pd.DataFrame)  # pairwise log-rank (3+ groups)
    rmst_contrasts: pd.DataFrame = field(default_factory=pd.DataFrame)  # RMST of each group vs the reference
    landmark_analysis: pd.DataFrame = field(default_factory=pd.DataFrame)  # post-baseline groupings at a landmark
    multivariable: object = None  # CoxNumbers of the COX covariates, or None
    post_baseline: list = field(default_factory=list)  # groupings and covariates known only after baseline
    landmark: float | None = None  # the landmark (days) of the landmark analysis, or None
    adjust: str = "holm"  # adjustment of the pairwise log-rank p-values


def groupings(group_by) -> list[tuple[str, str | None]]:
    """(item, group column) of the whole cohort, then of each grouping."""
    return [(OVERALL_ITEM, None)] + [(g, g) for g in group_by]


def convert(data: pd.DataFrame, group_by) -> dict[str, pd.DataFrame]:
    """Each grouping's survival frame, in days, made once (the overall one has no group)."""
    return {item: survival_frame(data, DURATION, EVENT, col) for item, col in groupings(group_by)}


def in_unit(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """A survival frame in days, in ``unit`` (days / 7 for weeks, days / 30.4375 for months)."""
    return frame if unit == "days" else frame.assign(duration=frame["duration"] / UNITS[unit])


def _parts(frame: pd.DataFrame, item: str):
    return split_groups(frame, overall=item == OVERALL_ITEM)


def _level(item: str, key) -> str:
    return OVERALL_LEVEL if item == OVERALL_ITEM else level_key(key)


def _group_col(frame: pd.DataFrame) -> str | None:
    return "group" if "group" in frame.columns else None


def summary_rows(frames: dict, units, tau_days: float) -> pd.DataFrame:
    """One row per (unit, grouping, level): counts, SPSS and Brookmeyer–Crowley medians, SPSS
    mean, RMST up to ``tau_days``, reverse-KM follow-up, expected deaths (log-rank)."""
    rows = []
    for unit in units:
        factor = UNITS[unit]
        for item, days in frames.items():
            frame = in_unit(days, unit)
            expected = {}
            if _group_col(days):
                oe, _ = observed_expected(days, "duration", "event", "group")
                expected = oe["expected"].to_dict()
            for key, sub in _parts(frame, item):
                row = summary_row(sub["duration"], sub["event"], sub["weight"])
                area = rmst(sub["duration"], sub["event"], tau_days / factor, sub["weight"])
                fu = median_followup(sub["duration"], sub["event"], sub["weight"])
                cens = sub.loc[~sub["event"], "duration"]
                rows.append({
                    "section": SECTION, "item": item, "level": _level(item, key), "unit": unit, **row,
                    "expected_events": expected.get(key, math.nan),
                    "last_time": float(sub["duration"].max()) if len(sub) else math.nan,
                    "rmst_tau": tau_days / factor, "rmst": area.estimate, "rmst_se": area.se,
                    "rmst_lower": area.lower, "rmst_upper": area.upper,
                    "followup_median": fu.median, "followup_lower": fu.lower, "followup_upper": fu.upper,
                    "followup_q1": fu.q1, "followup_q3": fu.q3,
                    "censored_median_time": float(cens.median()) if len(cens) else math.nan,
                })
    return pd.DataFrame(rows)


def landmark_rows(frames: dict, landmarks_days) -> pd.DataFrame:
    """Kaplan–Meier survival at each landmark (days) overall and per group, log-log pointwise 95% CI."""
    rows = []
    for item, frame in frames.items():
        for key, sub in _parts(frame, item):
            est = survival_at(sub["duration"], sub["event"], landmarks_days, sub["weight"], transform=CI_TRANSFORM)
            for time, r in est.iterrows():
                rows.append({"section": SECTION, "item": item, "level": _level(item, key),
                             "landmark_days": float(time), "landmark_weeks": float(time) / UNITS["weeks"],
                             "landmark_months": float(time) / DAYS_PER_MONTH,
                             **r.to_dict(), "transform": CI_TRANSFORM})
    return pd.DataFrame(rows, columns=FIRST + ["landmark_days", "landmark_weeks", "landmark_months", "at_risk",
                                               "survival", "se",
                                               "lower", "upper", "estimable", "transform"])


def comparison_rows(frames: dict, codebook, group_by) -> pd.DataFrame:
    """Log-rank test per grouping, and the test for trend (only for levels the codebook marks
    ``ordered: true``); ``reason`` says why a test was not computed."""
    rows = []
    for item in group_by:
        frame = frames[item]
        base = {"section": SECTION, "item": item, "level": "", "n": float(frame["weight"].sum()),
                "events": float((frame["weight"] * frame["event"]).sum()), "n_groups": int(frame["group"].nunique())}
        reason = "one_group" if base["n_groups"] < 2 else "no_events" if base["events"] == 0 else ""
        order = ordered_levels(codebook, item)
        for test in ("log-rank", "log-rank trend"):
            applicable = test == "log-rank" or order is not None
            row = {**base, "test": test, "applicable": applicable, "chi2": math.nan, "df": math.nan, "p": math.nan,
                   "reason": "" if applicable else "not_ordered"}
            if applicable and reason:
                row["reason"] = reason
            elif applicable:
                if test == "log-rank":
                    res = logrank(frame, "duration", "event", "group")
                else:
                    present = [lv for lv in order if (frame["group"].astype(str) == lv).any()]
                    res = logrank_trend(frame, "duration", "event", "group", order=present)
                row.update(chi2=res.chi2, df=res.df, p=res.p)
            rows.append(row)
    return pd.DataFrame(rows, columns=FIRST + ["test", "applicable", "chi2", "df", "p", "n", "events", "n_groups",
                                               "reason"])


def _fit(frame: pd.DataFrame, reference):
    """A univariable Cox model of ``group`` (lifelines warnings kept as text), or the error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = cox_model(frame, "duration", "event", ["group"], categorical=["group"],
                            reference={"group": reference}, time_transform=PH_TRANSFORM)
            error = ""
        except Exception as exc:  # noqa: BLE001  (any failure becomes a "not estimable" row)
            fit, error = None, f"{type(exc).__name__}: {str(exc).split('.')[0]}"
    warned = "; ".join(dict.fromkeys(str(w.message).split("\n")[0] for w in caught))
    if fit is not None and not fit.estimable and fit.problem != "infinite":  # never a number
        fit, error = None, fit.reason
    return fit, error, warned


def cox_rows(frames: dict, group_by) -> pd.DataFrame:
    """A univariable Cox model per grouping: one row per level (the reference first, HR 1); a
    model that cannot be fitted is one row with ``estimable`` False and its ``reason``; a level
    without deaths (or an infinite limit) gets NaN HRs and its reason. ``note`` keeps the
    fitting software's own warning or error, as it gave it."""
    rows = []
    for item in group_by:
        frame = frames[item]
        parts = split_groups(frame, overall=False)
        levels = [k for k, _ in parts]
        deaths = {k: float((s["weight"] * s["event"]).sum()) for k, s in parts}
        head = {"section": SECTION, "item": item}
        if len(levels) < 2 or frame["event"].sum() == 0:
            reason = "one_group" if len(levels) < 2 else "no_events"
            rows.append({**head, "level": "", "estimable": False, "reason": reason, "note": ""})
            continue
        fit, error, warned = _fit(frame, levels[0])
        if fit is None:
            rows.append({**head, "level": "", "estimable": False, "reason": "fit_failed", "note": error})
            continue
        common = {"n": fit.n, "events": fit.events, "n_parameters": fit.n_parameters,
                  "events_per_variable": fit.events_per_variable, "exploratory": fit.exploratory}
        ref = levels[0]
        rows.append({**head, "level": level_key(ref), "reference": True, "term": "", "hr": 1.0, **common,
                     "estimable": True, "reason": "", "note": warned})
        for lvl in levels[1:]:
            term = f"group={as_text(lvl)}"  # as lmlib.survival.cox names a level
            hr, ph = fit.hazard_ratios.loc[term], fit.ph_test.loc[term]
            finite = all(math.isfinite(float(hr[k])) for k in ("hr", "lower", "upper"))
            ok = deaths[lvl] > 0 and deaths[ref] > 0 and finite and bool(hr["estimable"])
            row = {**head, "level": level_key(lvl), "reference": False, "term": f"{item}={as_text(lvl)}",
                   **{k: float(hr[k]) for k in ("hr", "lower", "upper", "p", "coef", "se")},
                   "ph_chi2": float(ph["chi2"]), "ph_p": float(ph["p"]), **common, "estimable": ok, "reason": "",
                   "note": warned}
            if not ok:
                row.update(hr=math.nan, lower=math.nan, upper=math.nan, p=math.nan, ph_chi2=math.nan, ph_p=math.nan,
                           reason="level_no_events" if deaths[lvl] == 0 or deaths[ref] == 0 else "infinite_ci")
            rows.append(row)
    return pd.DataFrame(rows, columns=FIRST + ["reference", "term", "hr", "lower", "upper", "p", "coef", "se",
                                               "ph_chi2", "ph_p", "n", "events", "n_parameters",
                                               "events_per_variable", "exploratory", "estimable", "reason", "note"])


def figure_ticks(days: pd.DataFrame, unit: str = "days", risk_times: str = "") -> np.ndarray:
    """The x ticks of a KM figure, which are also the columns of its risk table: ``risk_times``
    (days) for the figures in days, else every 30 days (90 or 365 for long follow-up); whole
    months (every 1, 3 or 12 by follow-up) for the figure in months; whole weeks (every 2, 4 or
    13 by follow-up) for the figure in weeks."""
    if unit == "days" and parse_times(risk_times):
        return np.asarray(sorted(set(parse_times(risk_times))), dtype=float)
    t_max = float(days["duration"].max()) / UNITS[unit] if len(days) else 1.0
    if unit == "days":
        return default_ticks(t_max, "days")
    if unit == "weeks":
        step = 2.0 if t_max <= 16 else 4.0 if t_max <= 60 else 13.0
    else:
        step = 1.0 if t_max <= 12 else 3.0 if t_max <= 48 else 12.0
    return np.arange(0.0, t_max + step * 0.999, step)


def risk_rows(frames: dict, units, ticks: dict) -> pd.DataFrame:
    """The KMunicate counts drawn under each figure (overall in every unit, each grouping in days)."""
    parts = [(OVERALL_ITEM, u) for u in units] + [(item, "days") for item in frames if item != OVERALL_ITEM]
    rows = []
    for item, unit in parts:
        frame = in_unit(frames[item], unit)
        for key, sub in _parts(frame, item):
            table = counts_at(sub["duration"], sub["event"], ticks[unit], sub["weight"])
            for time, r in table.iterrows():
                rows.append({"section": SECTION, "item": item, "level": _level(item, key), "unit": unit,
                             "time": float(time), **{k: float(v) for k, v in r.items()}})
    return pd.DataFrame(rows, columns=FIRST + ["unit", "time", "at_risk", "censored", "events"])


def lost_count(data: pd.DataFrame, frame: pd.DataFrame) -> float:
    """Censored patients marked ``lost_to_follow_up`` (NaN when the cohort has no such column or
    not one known value in it: a file without the column is cleaned to an all-missing one, never 0)."""
    if "lost_to_follow_up" not in data.columns or data["lost_to_follow_up"].notna().sum() == 0:
        return math.nan
    censored = frame.index[~frame["event"]]
    return float(data.loc[censored, "lost_to_follow_up"].fillna(False).astype(bool).sum())


def compute(data: pd.DataFrame, codebook, group_by, *, units=("days",), landmarks_days=(), risk_times: str = "",
            tau_days: float = 180.0, cox=(), landmark: float | None = None, adjust: str = "holm") -> SurvivalNumbers:
    """Every number of the section, each grouping converted once (see the module docstring).

    ``cox``: covariates of a multivariable Cox model (none: no model); ``landmark``: days of the
    landmark analysis of the groupings and covariates known only after baseline (codebook
    ``post_baseline``), None for none; ``adjust``: ``holm`` or ``bh`` for the pairwise log-rank
    tests of groupings with three or more groups."""
    from .group_contrasts import landmark_analysis_rows, pairwise_rows, post_baseline_items, rmst_rows
    from .multivariable import cox_numbers

    frames = convert(data, group_by)
    overall = frames[OVERALL_ITEM]
    ticks = {unit: figure_ticks(overall, unit, risk_times) for unit in units}
    keys = {item: {_level(item, k): k for k, _ in _parts(frame, item)} for item, frame in frames.items()}
    durations = overall["duration"].to_numpy()
    late = post_baseline_items(codebook, [*group_by, *cox])
    return SurvivalNumbers(
        data, codebook, frames, keys,
        summary_rows(frames, units, tau_days), landmark_rows(frames, landmarks_days),
        comparison_rows(frames, codebook, group_by), cox_rows(frames, group_by),
        risk_rows(frames, units, ticks), ticks, tuple(units), list(group_by), float(tau_days), risk_times,
        lost_count(data, overall), bool(np.all(np.mod(durations[np.isfinite(durations)], 1) == 0)),
        pairwise=pairwise_rows(frames, group_by, adjust), rmst_contrasts=rmst_rows(frames, group_by, tau_days),
        landmark_analysis=landmark_analysis_rows(data, late, landmark),
        multivariable=cox_numbers(data, codebook, list(cox)) if cox else None,
        post_baseline=late, landmark=landmark, adjust=adjust,
    )
