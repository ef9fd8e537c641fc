"""The survival section's tidy numeric tables, one row per (grouping, level): medians and means,
landmark survival, log-rank tests, Cox models and the KMunicate counts, each with a ``display``
column formatted for the report (numbers from :mod:`lmlib.survival`)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from ..formatting import DASH, MISSING, fmt_number, fmt_p, fmt_percent
from ..survival import cox_model, logrank, logrank_trend, median_followup, observed_expected, rmst, survival_at
from ..survival.data import DAYS_PER_MONTH, UNITS, as_text, split_groups, survival_frame
from ..survival.summary import summary_row
from .labels import item_label, level_key, level_label, ordered_levels
from .params import (CI_TRANSFORM, DURATION, EVENT, FIRST, HR_DECIMALS, OVERALL_ITEM, OVERALL_LEVEL, PH_TRANSFORM,
                     RMST_TAU_DAYS, SECTION, parse_times)
from .texts import TEXT, text


def _time_digits(durations_days, unit: str, decimals: int) -> int:
    """Observed times print as whole days when every follow-up is a whole number of days."""
    d = np.asarray(durations_days, dtype=float)
    return 0 if unit == "days" and np.all(np.mod(d[np.isfinite(d)], 1) == 0) else decimals


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _p_text(p) -> str:
    shown = fmt_p(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def _groupings(group_by) -> list[tuple[str, str | None]]:
    return [(OVERALL_ITEM, None)] + [(g, g) for g in group_by]


def summary_table(data: pd.DataFrame, group_by=(), *, codebook=None, lang: str = "en", decimals: int = 1,
                  units=("days",), tau_days: float = RMST_TAU_DAYS) -> pd.DataFrame:
    """One row per (unit, grouping, level): counts, SPSS and Brookmeyer–Crowley medians, SPSS mean,
    RMST up to ``tau_days``, reverse-KM follow-up; plus ``display`` (the paper's "30 ± 9.5 days
    (95% CI 11.3–48.7)") and ``mean_display``, ``rmst_display``. Times in ``unit`` (days or months).

    The whole cohort is ``item = "overall_survival"``, ``level = "overall"``; a grouping's rows
    have ``item`` = the variable and ``level`` = its level (in the codebook's order).
    """
    rows = []
    digits0 = _time_digits(data[DURATION].dropna(), "days", decimals)
    for unit in units:
        factor = UNITS[unit]
        digits = digits0 if unit == "days" else decimals
        for item, col in _groupings(group_by):
            frame = survival_frame(data, DURATION, EVENT, col, unit=unit)
            expected = {}
            if col is not None:
                oe, _ = observed_expected(data, DURATION, EVENT, col)
                expected = oe["expected"].to_dict()
            for key, sub in split_groups(frame, overall=col is None):
                row = summary_row(sub["duration"], sub["event"], sub["weight"])
                area = rmst(sub["duration"], sub["event"], tau_days / factor, sub["weight"])
                fu = median_followup(sub["duration"], sub["event"], sub["weight"])
                cens = sub.loc[~sub["event"], "duration"]
                rows.append({
                    "section": SECTION, "item": item, "level": OVERALL_LEVEL if col is None else level_key(key),
                    "item_label": item_label(codebook, item, lang), "label": level_label(codebook, item, key, lang),
                    "unit": unit, **row, "expected_events": expected.get(key, math.nan),
                    "last_time": float(sub["duration"].max()) if len(sub) else math.nan,
                    "rmst_tau": tau_days / factor, "rmst": area.estimate, "rmst_se": area.se,
                    "rmst_lower": area.lower, "rmst_upper": area.upper,
                    "followup_median": fu.median, "followup_lower": fu.lower, "followup_upper": fu.upper,
                    "followup_q1": fu.q1, "followup_q3": fu.q3,
                    "censored_median_time": float(cens.median()) if len(cens) else math.nan,
                    "time_digits": digits,
                })
    out = pd.DataFrame(rows)
    out["display"] = [median_value(r, lang, decimals) for _, r in out.iterrows()]
    out["mean_display"] = [_estimate_text(r["mean_spss"], r["mean_se_spss"], r["mean_lower_spss"],
                                          r["mean_upper_spss"], r["unit"], lang, decimals) for _, r in out.iterrows()]
    out["rmst_display"] = [_estimate_text(r["rmst"], None, r["rmst_lower"], r["rmst_upper"], r["unit"], lang, decimals)
                           for _, r in out.iterrows()]
    return out


def _estimate_text(est, se, lower, upper, unit: str, lang: str, decimals: int) -> str:
    """"47.1 ± 7.4 days (95% CI 32.5–61.6)"; without ``se`` "47.1 days (95% CI …)"; NaN -> "not estimable"."""
    if _nan(est):
        return text("not_estimable", lang)
    pm = "" if se is None else f" ± {fmt_number(se, decimals)}"
    return (f"{fmt_number(est, decimals)}{pm} {text(unit, lang)} "
            f"({text('ci', lang)} {fmt_number(lower, decimals)}{DASH}{fmt_number(upper, decimals)})")


def median_value(row, lang: str = "en", decimals: int = 1, convention: bool = False) -> str:
    """The median of a :func:`summary_table` row as the paper prints it: "30 ± 9.5 days (95% CI
    11.3–48.7)"; ``convention`` adds "; SPSS convention: …" inside the brackets."""
    if not row["median_reached"]:
        return text("median_nr", lang)
    median = fmt_number(row["median"], int(row["time_digits"]))
    unit = text(row["unit"], lang)
    if _nan(row["median_se_spss"]):
        return f"{median} {unit} ({text('se_ne', lang)})"
    conv = f"; {text('spss', lang)}" if convention else ""
    return (f"{median} ± {fmt_number(row['median_se_spss'], decimals)} {unit} ({text('ci', lang)} "
            f"{fmt_number(row['median_lower_spss'], decimals)}{DASH}{fmt_number(row['median_upper_spss'], decimals)}"
            f"{conv})")


def landmark_table(data: pd.DataFrame, landmarks_days, group_by=(), *, codebook=None, lang: str = "en",
                   decimals: int = 1) -> pd.DataFrame:
    """Kaplan–Meier survival at each landmark (days) overall and per group, log-log pointwise 95% CI.

    Columns: section, item, level, item_label, label, landmark_days, landmark_months, at_risk,
    survival, se, lower, upper (proportions 0–1), estimable, transform, display ("49.8% (30.7–66.3)").
    """
    rows = []
    for item, col in _groupings(group_by):
        frame = survival_frame(data, DURATION, EVENT, col)
        for key, sub in split_groups(frame, overall=col is None):
            est = survival_at(sub["duration"], sub["event"], landmarks_days, sub["weight"], transform=CI_TRANSFORM)
            for time, r in est.iterrows():
                rows.append({
                    "section": SECTION, "item": item, "level": OVERALL_LEVEL if col is None else level_key(key),
                    "item_label": item_label(codebook, item, lang), "label": level_label(codebook, item, key, lang),
                    "landmark_days": float(time), "landmark_months": float(time) / DAYS_PER_MONTH,
                    **r.to_dict(), "transform": CI_TRANSFORM,
                })
    out = pd.DataFrame(rows, columns=FIRST + ["item_label", "label", "landmark_days", "landmark_months", "at_risk",
                                              "survival", "se", "lower", "upper", "estimable", "transform"])
    out["display"] = [_survival_text(r, lang, decimals) for _, r in out.iterrows()]
    return out


def _survival_text(row, lang: str, decimals: int) -> str:
    if not row["estimable"]:
        return text("not_estimable", lang)
    pct = fmt_percent(100 * row["survival"], decimals, lang)
    if _nan(row["lower"]) or _nan(row["upper"]):
        return f"{pct} ({MISSING})"
    return f"{pct} ({fmt_number(100 * row['lower'], decimals)}{DASH}{fmt_number(100 * row['upper'], decimals)})"


def comparison_table(data: pd.DataFrame, group_by=(), *, codebook=None, lang: str = "en") -> pd.DataFrame:
    """Log-rank test per grouping, and the test for trend (applicable only to levels the codebook
    marks ``ordered: true``). Columns: section, item, level ("" ), item_label, test, applicable,
    chi2, df, p, n, events, n_groups, note, display."""
    rows = []
    for item in group_by:
        frame = survival_frame(data, DURATION, EVENT, item)
        base = {"section": SECTION, "item": item, "level": "", "item_label": item_label(codebook, item, lang),
                "n": float(frame["weight"].sum()), "events": float((frame["weight"] * frame["event"]).sum()),
                "n_groups": int(frame["group"].nunique())}
        reason = ("one_group" if base["n_groups"] < 2 else "no_events" if base["events"] == 0 else None)
        order = ordered_levels(codebook, item)
        for test in ("log-rank", "log-rank trend"):
            applicable = test == "log-rank" or order is not None
            row = {**base, "test": test, "applicable": applicable, "chi2": math.nan, "df": math.nan,
                   "p": math.nan, "note": ""}
            if not applicable:
                row["note"] = "levels not marked ordered in the codebook"
                row["display"] = text("trend_na", lang, label=base["item_label"])
            elif reason:
                row["note"] = TEXT[reason]["en"]
                row["display"] = text("test_ne", lang, test=text(test, lang), reason=text(reason, lang))
            else:
                if test == "log-rank":
                    res = logrank(data, DURATION, EVENT, item)
                else:
                    present = [lv for lv in order if (frame["group"].astype(str) == lv).any()]
                    res = logrank_trend(data, DURATION, EVENT, item, order=present)
                row.update(chi2=res.chi2, df=res.df, p=res.p)
                row["display"] = text("logrank" if test == "log-rank" else "trend", lang,
                                      chi2=fmt_number(res.chi2, 2), df=res.df, p=_p_text(res.p))
            rows.append(row)
    cols = FIRST + ["item_label", "test", "applicable", "chi2", "df", "p", "n", "events", "n_groups", "note", "display"]
    return pd.DataFrame(rows, columns=cols)


def cox_table(data: pd.DataFrame, group_by=(), *, codebook=None, lang: str = "en") -> pd.DataFrame:
    """A univariable Cox model per grouping: one row per level (the reference first, HR 1).

    Columns: section, item, level, item_label, label, reference, term, hr, lower, upper, p, coef,
    se, ph_chi2, ph_p, n, events, n_parameters, events_per_variable, exploratory, estimable,
    note, display ("2.44 (0.94–6.31)"). A model that cannot be fitted gives one row with
    ``estimable`` False and the reason in ``note``; a level without deaths gets NaN HRs.
    """
    rows = []
    for item in group_by:
        frame = survival_frame(data, DURATION, EVENT, item)
        levels = [k for k, _ in split_groups(frame, overall=False)]
        deaths = {k: float((s["weight"] * s["event"]).sum()) for k, s in split_groups(frame, overall=False)}
        head = {"section": SECTION, "item": item, "item_label": item_label(codebook, item, lang)}
        reason, fit = None, None
        if len(levels) < 2:
            reason = text("one_group", lang)
        elif frame["event"].sum() == 0:
            reason = text("no_events", lang)
        else:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    fit = cox_model(data, DURATION, EVENT, [item], categorical=[item],
                                    reference={item: levels[0]}, time_transform=PH_TRANSFORM)
                except Exception as exc:  # noqa: BLE001  (any failure becomes a "not estimable" row)
                    reason = f"{type(exc).__name__}: {str(exc).split('.')[0]}"
            warned = "; ".join(dict.fromkeys(str(w.message).split("\n")[0] for w in caught))
            if fit is not None and not fit.estimable and fit.problem != "infinite":  # never a number
                reason, fit = fit.reason, None
        if fit is None:
            rows.append({**head, "level": "", "label": "", "estimable": False, "note": reason,
                         "display": text("cox_ne", lang, reason=reason)})
            continue
        common = {"n": fit.n, "events": fit.events, "n_parameters": fit.n_parameters,
                  "events_per_variable": fit.events_per_variable, "exploratory": fit.exploratory}
        ref = levels[0]
        rows.append({**head, "level": level_key(ref), "label": level_label(codebook, item, ref, lang),
                     "reference": True, "term": "", "hr": 1.0, **common, "estimable": True, "note": warned,
                     "display": text("reference", lang)})
        for lvl in levels[1:]:
            term = f"{item}={as_text(lvl)}"  # as lmlib.survival.cox names a level
            hr, ph = fit.hazard_ratios.loc[term], fit.ph_test.loc[term]
            finite = all(math.isfinite(float(hr[k])) for k in ("hr", "lower", "upper"))
            ok = deaths[lvl] > 0 and deaths[ref] > 0 and finite and bool(hr["estimable"])
            row = {**head, "level": level_key(lvl), "label": level_label(codebook, item, lvl, lang),
                   "reference": False, "term": term,
                   **{k: float(hr[k]) for k in ("hr", "lower", "upper", "p", "coef", "se")},
                   "ph_chi2": float(ph["chi2"]), "ph_p": float(ph["p"]), **common, "estimable": ok, "note": warned}
            if not ok:
                why = "level_no_events" if deaths[lvl] == 0 or deaths[ref] == 0 else "infinite_ci"
                row.update(hr=math.nan, lower=math.nan, upper=math.nan, p=math.nan, ph_chi2=math.nan, ph_p=math.nan,
                           note="; ".join(filter(None, [TEXT[why]["en"], warned])))
                row["display"] = f"{text('not_estimable', lang)} ({text(why, lang)})"
            else:
                row["display"] = (f"{fmt_number(row['hr'], HR_DECIMALS)} ({fmt_number(row['lower'], HR_DECIMALS)}"
                                  f"{DASH}{fmt_number(row['upper'], HR_DECIMALS)})")
            rows.append(row)
    cols = FIRST + ["item_label", "label", "reference", "term", "hr", "lower", "upper", "p", "coef", "se", "ph_chi2",
                    "ph_p", "n", "events", "n_parameters", "events_per_variable", "exploratory", "estimable", "note",
                    "display"]
    return pd.DataFrame(rows, columns=cols)


def figure_times(data: pd.DataFrame, unit: str = "days", risk_times: str = "") -> np.ndarray:
    """The x ticks of a KM figure, which are also the columns of its risk table: ``risk_times``
    (days) for the figures in days, else the plot's default ticks (every 30 days; 90 or 365 for
    long follow-up); whole months (every 1, 3 or 12 by follow-up) for the figure in months."""
    if unit == "days" and parse_times(risk_times):
        return np.asarray(sorted(set(parse_times(risk_times))), dtype=float)
    frame = survival_frame(data, DURATION, EVENT, unit=unit)
    t_max = float(frame["duration"].max()) if len(frame) else 1.0
    if unit == "days":
        from ..survival_plots import _default_ticks

        return _default_ticks(t_max, "days")
    step = 1.0 if t_max <= 12 else 3.0 if t_max <= 48 else 12.0
    return np.arange(0.0, t_max + step * 0.999, step)


def risk_frame(data: pd.DataFrame, group_by=(), *, codebook=None, lang: str = "en", units=("days",),
               risk_times: str = "") -> pd.DataFrame:
    """The KMunicate counts drawn under each figure (overall in every unit, each grouping in days):
    section, item, level, item_label, label, unit, time, at_risk, censored, events."""
    from ..survival import risk_table

    parts = [(OVERALL_ITEM, None, u) for u in units] + [(g, g, "days") for g in group_by]
    rows = []
    for item, col, unit in parts:
        table = risk_table(data, DURATION, EVENT, figure_times(data, unit, risk_times), group_col=col, unit=unit)
        for (key, time), r in table.iterrows():
            rows.append({"section": SECTION, "item": item,
                         "level": OVERALL_LEVEL if col is None else level_key(key),
                         "item_label": item_label(codebook, item, lang),
                         "label": level_label(codebook, item, key, lang), "unit": unit, "time": float(time),
                         **{k: float(v) for k, v in r.items()}})
    return pd.DataFrame(rows, columns=FIRST + ["item_label", "label", "unit", "time", "at_risk", "censored", "events"])
