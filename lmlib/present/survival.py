"""The survival section in words: the numeric frames of :mod:`lmlib.survival_report.numbers`
with labels and display text in a :class:`~lmlib.present.numbers.Style`, and the section's
sentences (headline median, mean, RMST, follow-up, censoring, tests, Cox flags).

Cells that cannot mislead:

* a median is "30 days (SE 9.5; 95% CI 11.3–48.7)": the standard error is named, never "±";
* an SPSS limit below zero is shown as SPSS gives it, as "−1.0 to 15.0", with a footnote
  (tables) or a sentence (text) saying that the symmetric interval extends below zero and
  pointing to the Brookmeyer–Crowley interval;
* a median that was reached but has no variance (one patient) has its SE and intervals "not
  estimable", never "SE 0.0, 13.0–13.0" and never "not reached";
* a landmark whose interval is degenerate (100% or 0%) shows "—", as its footnote says.
"""
from __future__ import annotations

import math

import pandas as pd

from .descriptive import range_text
from .numbers import DASH, MISSING, Style, is_missing

Z = 1.96  # SPSS's multiplier of the SE
Z_RMST = 1.959964
ALPHA = 0.05


# ------------------------------------------------------------------------------ cell rules

def time_digits(numbers, unit: str, style: Style) -> int:
    """Observed times print as whole days when every follow-up is a whole number of days."""
    return 0 if unit == "days" and numbers.whole_days else style.decimals


def no_variance(se) -> bool:
    """True when an SE is 0 (a single patient, or all of a group dying on one day): nothing to estimate."""
    return not is_missing(se) and float(se) == 0.0


def bc_not_estimable(row) -> bool:
    """A reached median whose Brookmeyer–Crowley band is undefined (lower limit NaN): not estimable,
    not "not reached"."""
    return bool(row["median_reached"]) and is_missing(row["median_lower_loglog"]) and is_missing(row["median_lower_log"])


def negative_spss(row) -> bool:
    """True when SPSS's symmetric median interval extends below zero."""
    return bool(row["median_reached"]) and not is_missing(row["median_lower_spss"]) and float(row["median_lower_spss"]) < 0


def bc_interval(lower, upper, digits: int, style: Style) -> str:
    """A Brookmeyer–Crowley interval: a NaN limit reads "not reached" (the band does not fall to 50%)."""
    nr = style.text("survival.not_reached")
    if is_missing(lower) and is_missing(upper):
        return nr
    show = (lambda x: nr if is_missing(x) else style.number(x, digits))  # noqa: E731
    return f"{show(lower)}{DASH}{show(upper)}"


# ------------------------------------------------------------------------------ labelled frames

def _labels(frame: pd.DataFrame, numbers, style: Style) -> pd.DataFrame:
    from ..survival_report.labels import item_label, level_label

    out = frame.copy()
    cb = numbers.codebook
    out.insert(3, "item_label", [item_label(cb, i, style.lang) for i in frame["item"]])
    if "level" in frame and (frame["level"] != "").any():
        out.insert(4, "label", [level_label(cb, i, numbers.group_keys.get(i, {}).get(lv, lv), style.lang) if lv else ""
                                for i, lv in zip(frame["item"], frame["level"])])
    return out


def median_value(row, style: Style, digits: int, convention: bool = False) -> str:
    """A median as text: "30 days (SE 9.5; 95% CI 11.3–48.7)"; "not reached (...)"; the SE and
    interval "not estimable" when there is no variance."""
    t = style.text
    if not row["median_reached"]:
        return t("survival.median_nr")
    median = style.number(row["median"], digits)
    unit = t(f"word.{row['unit']}")
    if is_missing(row["median_se_spss"]) or no_variance(row["median_se_spss"]):
        reason = t("survival.reason.no_variance" if no_variance(row["median_se_spss"]) else "survival.reason.not_45")
        return t("survival.median_se_ne", median=median, unit=unit, reason=reason)
    ci = range_text(row["median_lower_spss"], row["median_upper_spss"], style)
    key = "survival.median_value_convention" if convention else "survival.median_value"
    return t(key, median=median, unit=unit, se=style.number(row["median_se_spss"]), ci=ci, z=style.number(Z, 2))


def _estimate(est, se, lower, upper, unit: str, style: Style, key: str) -> str:
    if is_missing(est):
        return style.text("word.not_estimable")
    ci = MISSING if no_variance(se) else range_text(lower, upper, style)
    values = {"unit": style.text(f"word.{unit}"), "ci": ci}
    if key == "survival.mean_value":
        return style.text(key, mean=style.number(est), se=MISSING if no_variance(se) else style.number(se), **values)
    return style.text(key, est=style.number(est), **values)


def summary_frame(numbers, style: Style) -> pd.DataFrame:
    """The summary with labels and ``display`` (the median), ``mean_display``, ``rmst_display``."""
    out = _labels(numbers.summary, numbers, style)
    out["time_digits"] = [time_digits(numbers, u, style) for u in out["unit"]]
    out["display"] = [median_value(r, style, int(r["time_digits"])) for _, r in out.iterrows()]
    out["mean_display"] = [_estimate(r["mean_spss"], r["mean_se_spss"], r["mean_lower_spss"], r["mean_upper_spss"],
                                     r["unit"], style, "survival.mean_value") for _, r in out.iterrows()]
    out["rmst_display"] = [_estimate(r["rmst"], r["rmst_se"], r["rmst_lower"], r["rmst_upper"], r["unit"], style,
                                     "survival.rmst_value") for _, r in out.iterrows()]
    return out


def landmark_cell(row, style: Style) -> str:
    """"49.8% (30.7–66.3)"; "100.0% (—)" when the interval is degenerate; "not estimable"."""
    if not row["estimable"]:
        return style.text("word.not_estimable")
    pct = style.percent(100 * row["survival"])
    if degenerate(row):
        return f"{pct} ({MISSING})"
    return f"{pct} ({style.number(100 * row['lower'])}{DASH}{style.number(100 * row['upper'])})"


def degenerate(row) -> bool:
    """A landmark interval without width: a limit NaN, or both equal (survival 100% or 0%)."""
    return bool(row["estimable"]) and (is_missing(row["lower"]) or is_missing(row["upper"])
                                       or float(row["lower"]) == float(row["upper"]))


def landmark_frame(numbers, style: Style) -> pd.DataFrame:
    out = _labels(numbers.landmarks, numbers, style)
    out["display"] = [landmark_cell(r, style) for _, r in out.iterrows()]
    return out


def comparison_text(row, item_label: str, style: Style) -> str:
    """The sentence of one test row: the log-rank or trend result, or why it was not computed."""
    t = style.text
    test = "logrank" if row["test"] == "log-rank" else "trend"
    if row["reason"] == "not_ordered":
        return t("survival.trend_na", label=item_label)
    if row["reason"]:
        return t("survival.test_ne", test=t(f"survival.test.{test}"), reason=t(f"survival.reason.{row['reason']}"))
    return t(f"survival.{test}", chi2=style.number(row["chi2"], 2), df=style.count(row["df"]), p=style.p_text(row["p"]))


def comparison_frame(numbers, style: Style) -> pd.DataFrame:
    out = _labels(numbers.comparisons, numbers, style)
    out["display"] = [comparison_text(r, r["item_label"], style) for _, r in out.iterrows()]
    return out


HR_DECIMALS = 2


def cox_cell(row, style: Style) -> str:
    """"2.44 (0.94–6.31)"; "1 (reference)"; "not estimable (reason)"."""
    t = style.text
    if row["level"] == "":
        reason = t("survival.reason.fit_failed", error=row["note"]) if row["reason"] == "fit_failed" \
            else t(f"survival.reason.{row['reason']}")
        return t("survival.cox_ne", reason=reason)
    if row["reference"] is True:
        return t("survival.reference")
    if not row["estimable"]:
        return f"{t('word.not_estimable')} ({t('survival.reason.' + row['reason'])})"
    return f"{style.number(row['hr'], HR_DECIMALS)} ({range_text(row['lower'], row['upper'], style, HR_DECIMALS)})"


def cox_frame(numbers, style: Style) -> pd.DataFrame:
    out = _labels(numbers.cox, numbers, style)
    out["display"] = [cox_cell(r, style) for _, r in out.iterrows()]
    return out


def risk_frame(numbers, style: Style) -> pd.DataFrame:
    return _labels(numbers.risk, numbers, style)


# ------------------------------------------------------------------------------ sentences

def _overall(report, unit: str = "days") -> pd.Series:
    from ..survival_report.params import OVERALL_ITEM

    s = report.summary
    return s[(s["item"] == OVERALL_ITEM) & (s["unit"] == unit)].iloc[0]


def headline(report) -> str:
    """"Median overall survival: 30 days (SE 9.5; 95% CI 11.3–48.7; SPSS convention: median ±
    1.96 × SE); n = 32, 26 deaths, 6 censored." (+ the same in months when shown; + a sentence
    when SPSS's interval extends below zero)."""
    style = report.style
    r = _overall(report)
    line = style.text("survival.headline", value=median_value(r, style, int(r["time_digits"]), convention=True),
                      n=style.count(r["n"]), events=style.count(r["events"]), censored=style.count(r["censored"]))
    if negative_spss(r):
        line += style.text("survival.negative_limit", unit=style.text("word.days"),
                           bc=bc_interval(r["median_lower_loglog"], r["median_upper_loglog"], int(r["time_digits"]), style))
    for unit in other_units(report):
        m = _overall(report, unit)
        if m["median_reached"]:
            line += " " + in_unit(unit, median_value(m, style, int(m["time_digits"])), style)
    return line


def other_units(report) -> list[str]:
    """The units shown beside days (``time_unit``: weeks or months), if any."""
    return [u for u in report.units if u != "days"]


def in_unit(unit: str, value: str, style: Style) -> str:
    """"In months (1 month = 30.4375 days): …" / "In weeks (1 week = 7 days): …"."""
    from ..survival.data import UNITS

    return style.text(f"survival.in_{unit}", value=value, dpm=style.number(UNITS[unit], 4 if unit == "months" else 0))


def mean_text(report) -> str:
    """SPSS's mean survival, with the restriction stated when the longest follow-up is censored."""
    style = report.style
    r = _overall(report)
    line = style.text("survival.mean", value=r["mean_display"])
    if r["mean_restricted"]:
        line += style.text("survival.restricted", t=style.number(r["last_time"], int(r["time_digits"])),
                           unit=style.text("word.days"))
    for unit in other_units(report):
        line += " " + in_unit(unit, _overall(report, unit)["mean_display"], style)
    return line


def rmst_text(report) -> str:
    """The RMST up to ``tau_days`` in a sentence a clinician can read."""
    style = report.style
    r = _overall(report)
    tau = style.number(report.tau_days, 0)
    if is_missing(r["rmst"]):
        return style.text("survival.rmst_ne", tau=tau, t=style.number(r["last_time"], int(r["time_digits"])))
    return style.text("survival.rmst", tau=tau, value=r["rmst_display"], est=style.number(r["rmst"]))


def followup_text(report) -> str:
    """Median follow-up by reverse Kaplan–Meier with its CI and IQR, or plainly "not reached"
    (with the first quartile when there is one), and when censored patients were last seen."""
    style = report.style
    r = _overall(report)
    dg = int(r["time_digits"])
    if is_missing(r["followup_median"]):
        line = style.text("survival.followup_nr")
        if not is_missing(r["followup_q1"]):
            line += style.text("survival.followup_q1", q1=style.number(r["followup_q1"], dg))
    else:
        line = style.text("survival.followup", median=style.number(r["followup_median"], dg),
                          ci=bc_interval(r["followup_lower"], r["followup_upper"], dg, style),
                          iqr=bc_interval(r["followup_q1"], r["followup_q3"], dg, style))
    if r["censored"] > 0:
        seen = r["censored_median_time"]
        line += style.text("survival.censored_seen", c=style.count(r["censored"]),
                           t=style.number(seen, dg if float(seen).is_integer() else style.decimals))
    return line


def censoring_text(report) -> str:
    """How many patients are censored and how many of them were lost to follow-up."""
    style = report.style
    r = _overall(report)
    pct = style.percent(100 * r["censored"] / r["n"]) if r["n"] else MISSING
    k = int(style.suppress_below or 0)
    if k >= 2 and 1 <= r["censored"] < k and r["n"]:  # the percentage would give the count away
        pct = "<" + style.percent(100 * k / r["n"])
    lost = report.numbers.lost_to_follow_up
    return style.text("survival.censoring", c=style.count(r["censored"]), n=style.count(r["n"]), pct=pct,
                      lost=style.text("tables.not_recorded_cell") if is_missing(lost) else style.count(lost))


def comparison_lines(report, item: str) -> str:
    """The log-rank line and the trend line (or why the trend test is not applicable) of a grouping."""
    c = report.comparisons
    return " ".join(c.loc[c["item"] == item, "display"])


def cox_flags(report, item: str) -> str:
    """Events per variable ("Exploratory: …" below 10) and any level whose PH test has p < 0.05."""
    from ..survival.compare import EPV_THRESHOLD

    style = report.style
    c = report.cox[report.cox["item"] == item]
    if not c["estimable"].iloc[0] and c["level"].iloc[0] == "":
        return c["display"].iloc[0]
    r = c.iloc[0]
    values = dict(epv=style.number(r["events_per_variable"], 1), events=style.count(r["events"]),
                  k=style.count(r["n_parameters"]), th=style.number(EPV_THRESHOLD, 0))
    line = style.text("survival.exploratory" if r["exploratory"] else "survival.epv", **values)
    bad = c[c["ph_p"] < ALPHA]
    if len(bad):
        line += " " + style.text("survival.ph_flag", alpha=style.number(ALPHA, 2), levels=", ".join(bad["label"]))
        if (report.numbers.rmst_contrasts["item"] == item).any():  # a comparison that does not assume PH
            line += " " + style.text("survival.rmst_suggest", tau=style.number(report.tau_days, 0))
    return line


def log_rank_annotation(report, item: str) -> str | None:
    """"Log-rank p = 0.029" for a grouping's figure (None when the test was not computed)."""
    c = report.numbers.comparisons
    row = c[(c["item"] == item) & (c["test"] == "log-rank")]
    if row.empty or math.isnan(float(row["p"].iloc[0])):
        return None
    return report.style.text("figure.km.logrank", p=report.style.p_text(row["p"].iloc[0]))
