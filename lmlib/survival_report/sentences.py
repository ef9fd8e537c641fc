"""The survival section's sentences, read from a :class:`SurvivalReport`: the headline median,
mean, RMST, follow-up, censoring, the comparison and Cox lines, and the list of CSVs written."""
from __future__ import annotations

from pathlib import Path

from ..formatting import DASH, MISSING, fmt_number, fmt_percent
from ..survival.compare import EPV_THRESHOLD
from ..survival.data import survival_frame
from ..suppress import is_small
from .params import DURATION, EVENT
from .section import SurvivalReport, _n, _overall
from .tables import _nan, median_value
from .texts import text


def headline(report: SurvivalReport) -> str:
    """"Median overall survival: 30 ± 9.5 days (95% CI 11.3–48.7; SPSS convention: …); n = 32,
    26 deaths, 6 censored." (+ the same in months when shown)."""
    lang, d = report.lang, report.decimals
    r = _overall(report)
    line = text("headline", lang, value=median_value(r, lang, d, convention=True), n=_n(report, r["n"]),
                events=_n(report, r["events"]), censored=_n(report, r["censored"]))
    if "months" in report.units and _overall(report, "months")["median_reached"]:
        m = _overall(report, "months")
        value = median_value(m, lang, d).replace(f" {text('months', lang)}", "", 1)
        line += " " + text("in_months", lang, value=value)
    return line


def mean_text(report: SurvivalReport) -> str:
    """SPSS's mean survival, with the restriction stated when the longest follow-up is censored."""
    lang, d = report.lang, report.decimals
    r = _overall(report)
    line = text("mean", lang, value=r["mean_display"])
    if r["mean_restricted"]:
        line += text("restricted", lang, t=fmt_number(r["last_time"], int(r["time_digits"])), unit=text("days", lang))
    if "months" in report.units:
        m = _overall(report, "months")
        line += " " + text("in_months", lang, value=m["mean_display"].replace(f" {text('months', lang)}", "", 1))
    return line


def rmst_text(report: SurvivalReport) -> str:
    """The RMST up to ``tau_days`` in a sentence a clinician can read."""
    r, lang = _overall(report), report.lang
    tau = fmt_number(report.tau_days, 0)
    if _nan(r["rmst"]):
        return text("rmst_ne", lang, tau=tau, t=fmt_number(r["last_time"], int(r["time_digits"])))
    return text("rmst", lang, tau=tau, value=r["rmst_display"], est=fmt_number(r["rmst"], report.decimals))


def followup_text(report: SurvivalReport) -> str:
    """Median follow-up by reverse Kaplan–Meier with its CI and IQR, and when censored patients were last seen."""
    r, lang = _overall(report), report.lang
    dg = int(r["time_digits"])
    nr = text("not_reached", lang)
    t = lambda x: nr if _nan(x) else fmt_number(x, dg)  # noqa: E731
    unit = text("days", lang)
    median = nr if _nan(r["followup_median"]) else f"{t(r['followup_median'])} {unit}"
    line = text("followup", lang, median=median, ci=f"{t(r['followup_lower'])}{DASH}{t(r['followup_upper'])}",
                q1=t(r["followup_q1"]), q3=t(r["followup_q3"]), dash=DASH)
    if _nan(r["followup_median"]) and r["events"] > 0:
        line += text("followup_nr", lang)
    if r["censored"] > 0:
        seen = r["censored_median_time"]
        line += text("censored_seen", lang, c=_n(report, r["censored"]),
                     t=fmt_number(seen, dg if float(seen).is_integer() else report.decimals))
    return line


def censoring_text(report: SurvivalReport) -> str:
    """How many patients are censored and how many of them were lost to follow-up."""
    r, lang = _overall(report), report.lang
    data = report.data
    lost = "—"
    if "lost_to_follow_up" in data.columns:
        frame = survival_frame(data, DURATION, EVENT)
        lost = f"{int(data.loc[frame.index[~frame['event']], 'lost_to_follow_up'].fillna(False).astype(bool).sum())}"
    pct = fmt_percent(100 * r["censored"] / r["n"], report.decimals, lang) if r["n"] else MISSING
    k = report.suppress_below
    if is_small(r["censored"], k) and r["n"]:  # the percentage would give the count away
        pct = "<" + fmt_percent(100 * k / r["n"], report.decimals, lang)
    if lost != "—":
        lost = _n(report, int(lost))
    return text("censoring", lang, c=_n(report, r["censored"]), n=_n(report, r["n"]), pct=pct, l=lost)


def comparison_text(report: SurvivalReport, item: str) -> str:
    """The log-rank line and the trend line (or why the trend test is not applicable) of a grouping."""
    c = report.comparisons
    return " ".join(c.loc[c["item"] == item, "display"])


def cox_flags(report: SurvivalReport, item: str) -> str:
    """Events per variable ("Exploratory: …" below 10) and any level whose PH test has p < 0.05."""
    c = report.cox[report.cox["item"] == item]
    lang = report.lang
    if not c["estimable"].iloc[0] and c["level"].iloc[0] == "":
        return c["display"].iloc[0]
    r = c.iloc[0]
    values = dict(epv=fmt_number(r["events_per_variable"], 1), events=_n(report, r["events"]), k=int(r["n_parameters"]),
                  th=EPV_THRESHOLD)
    line = text("exploratory" if r["exploratory"] else "epv", lang, **values)
    bad = c[(c["ph_p"] < 0.05)]
    if len(bad):
        line += " " + text("ph_flag", lang, levels=", ".join(bad["label"]))
    return line


def written_text(files: dict, lang: str = "en") -> str:
    """The CSV files written, by name only (never their folder)."""
    names = ", ".join(f"`{Path(p).name}`" for p in files.values())
    return text("written", lang, names=names)
