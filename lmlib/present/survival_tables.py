"""The survival section's tables as :class:`~lmlib.present.table.DisplayTable`: median and mean
survival (both conventions side by side, each named in its header), landmark survival, the
log-rank tests, and the univariable Cox models. Each builder gives the table of one grouping
(``item``), or, with ``item=None``, the manuscript table of the whole cohort and every grouping
(a heading row per grouping, its levels under it), which is also written as .tex and .docx.
"""
from __future__ import annotations

from .descriptive import range_text
from .numbers import MISSING, is_missing
from .survival import (HR_DECIMALS, Z, Z_RMST, bc_interval, bc_not_estimable, degenerate, negative_spss,
                       no_variance)
from .table import DisplayTable, abbreviations

NUMBERS = {"survival_summary": 4, "survival_landmarks": 5, "survival_groups": 6, "survival_cox": 7}


def _overall_item() -> str:
    from ..survival_report.params import OVERALL_ITEM

    return OVERALL_ITEM


def _blocks(frame, item):
    """(item, rows) of the table: one grouping, or the whole cohort then every grouping."""
    overall = _overall_item()
    if item is not None:
        return [(item, frame[frame["item"] == item])]
    order = [overall] + [i for i in dict.fromkeys(frame["item"]) if i != overall]
    return [(i, frame[frame["item"] == i]) for i in order if (frame["item"] == i).any()]


def _table(report, name: str, item, title_key: str, title_by_key: str) -> DisplayTable:
    style = report.style
    if item is None:
        return DisplayTable(name, number=NUMBERS[name], title=style.text(title_key), lang=style.lang)
    label = report.summary.loc[report.summary["item"] == item, "item_label"]
    label = label.iloc[0] if len(label) else item
    key = title_key if item == _overall_item() else title_by_key
    return DisplayTable(name, number=None, title=style.text(key, label=label), lang=style.lang)


def _heading(table: DisplayTable, item: str, label: str, several: bool) -> None:
    if several and item != _overall_item():
        table.add_row({"label": label}, bold=True)


def summary_table(report, item: str | None = _overall_item()) -> DisplayTable:
    """Median (SPSS: SE and median ± 1.96 × SE; Brookmeyer–Crowley log-log and, for the whole
    cohort, log), mean (SE; 95% CI) and, for groupings, expected deaths and RMST."""
    style, t = report.style, report.style.text
    table = _table(report, "survival_summary", item, "survival.title.summary", "survival.title.summary_by")
    grouped = item is None or item != _overall_item()
    s = report.summary[report.summary["unit"] == "days"]
    table.add_column("label", t("survival.h.group"), align="left")
    table.add_column("n", t("survival.h.n"))
    table.add_column("deaths", t("survival.h.deaths_expected" if grouped else "survival.h.deaths"))
    if not grouped:
        table.add_column("censored", t("survival.h.censored"))
    table.add_column("median", t("survival.h.median"), marks=table.footnote(t("survival.note.median")))
    spss = table.footnote(t("survival.note.spss", z=style.number(Z, 2)))
    table.add_column("se", t("survival.h.se"), marks=spss)
    table.add_column("ci_spss", t("survival.h.ci_spss"), marks=spss)
    bc = table.footnote(t("survival.note.bc"))
    table.add_column("ci_loglog", t("survival.h.ci_loglog"), marks=bc)
    if not grouped:
        table.add_column("ci_log", t("survival.h.ci_log"), marks=bc)
    table.add_span(t("survival.h.median_span", unit=t("word.days")), "median", "ci_log" if not grouped else "ci_loglog")
    table.add_column("mean", t("survival.h.mean"), marks=table.footnote(t("survival.note.mean", z=style.number(Z, 2))))
    tau = style.number(report.tau_days, 0)
    if grouped:
        table.add_column("rmst", t("survival.h.rmst", tau=tau),
                         marks=table.footnote(t("survival.note.rmst", tau=tau, z=style.number(Z_RMST, 2))))
    blocks = _blocks(s, item)
    for block_item, rows in blocks:
        _heading(table, block_item, rows["item_label"].iloc[0], len(blocks) > 1)
        for _, r in rows.iterrows():
            dg = int(r["time_digits"])
            reached, flat = bool(r["median_reached"]), no_variance(r["median_se_spss"])
            nr, ne = t("survival.not_reached"), t("word.not_estimable")
            cells = {"label": r["label"], "n": style.count(r["n"])}
            if grouped and not is_missing(r["expected_events"]):
                cells["deaths"] = f"{style.count(r['events'])} ({style.number(r['expected_events'])})"
            elif grouped:  # the whole cohort: nothing is expected
                cells["deaths"] = style.count(r["events"])
            else:
                cells["deaths"], cells["censored"] = style.count(r["events"]), style.count(r["censored"])
            cells["median"] = style.number(r["median"], dg) if reached else nr
            cells["se"] = ne if reached and flat else style.number(r["median_se_spss"]) if reached else MISSING
            cells["ci_spss"] = (ne if flat else range_text(r["median_lower_spss"], r["median_upper_spss"], style)
                                or MISSING) if reached else nr
            for key, lo, hi in (("ci_loglog", "median_lower_loglog", "median_upper_loglog"),
                                ("ci_log", "median_lower_log", "median_upper_log")):
                if key in table.keys:
                    cells[key] = ne if bc_not_estimable(r) else bc_interval(r[lo], r[hi], dg, style)
            cells["mean"] = _mean_cell(r, style)
            if grouped:
                ci = MISSING if no_variance(r["rmst_se"]) else range_text(r["rmst_lower"], r["rmst_upper"], style)
                cells["rmst"] = ne if is_missing(r["rmst"]) else f"{style.number(r['rmst'])} ({ci or MISSING})"
            row = table.add_row(cells, indent=1 if len(blocks) > 1 and block_item != _overall_item() else 0)
            if reached and flat:
                table.mark(row, "se", t("survival.note.not_estimable"))
            if bc_not_estimable(r):
                table.mark(row, "ci_loglog", t("survival.note.not_estimable"))
            if negative_spss(r) and not flat:
                table.mark(row, "ci_spss", t("survival.note.negative"))
            if r["mean_restricted"]:
                table.mark(row, "mean", t("survival.note.restricted"))
            if not is_missing(r["mean_lower_spss"]) and float(r["mean_lower_spss"]) < 0 \
                    and not no_variance(r["mean_se_spss"]):
                table.mark(row, "mean", t("survival.note.negative_mean"))
    if grouped:
        table.add_note(t("survival.note.expected"))
    _close(table, report, "se", "ci", "bc", *(["rmst"] if grouped else []))
    return table


def _mean_cell(r, style) -> str:
    if is_missing(r["mean_spss"]):
        return style.text("word.not_estimable")
    if no_variance(r["mean_se_spss"]):
        return f"{style.number(r['mean_spss'])} ({MISSING})"
    ci = range_text(r["mean_lower_spss"], r["mean_upper_spss"], style) or MISSING
    return f"{style.number(r['mean_spss'])} ({style.number(r['mean_se_spss'])}; {ci})"


def _close(table: DisplayTable, report, *abbrs: str) -> None:
    """The notes every survival table ends with: times and rounding, small cells, abbreviations."""
    style, t = report.style, report.style.text
    table.notes.insert(0, t("survival.note.times", unit=t("word.days"), places=t(f"decimals.{style.decimals}")))
    if int(style.suppress_below or 0) >= 2:
        table.add_note(t("suppress.counts", k=int(style.suppress_below)))
    table.abbreviations = abbreviations(style.lang, *abbrs)


def landmark_table(report, item: str | None = _overall_item()) -> DisplayTable:
    """Survival at the landmark times (days, and weeks or months when shown), patients at risk, 95% CI."""
    style, t = report.style, report.style.text
    table = _table(report, "survival_landmarks", item, "survival.title.landmarks", "survival.title.landmarks_by")
    lm = report.landmarks
    extra = [u for u in report.units if u != "days"]  # weeks or months beside days
    table.add_column("label", t("survival.h.group"), align="left")
    table.add_column("days", t("survival.h.time", unit=t("word.days")))
    for unit in extra:
        table.add_column(unit, t("survival.h.time", unit=t(f"word.{unit}")))
    table.add_column("at_risk", t("survival.h.at_risk"))
    table.add_column("survival", t("survival.h.survival"), marks=table.footnote(t("survival.note.landmark")))
    blocks = _blocks(lm, item)
    for block_item, rows in blocks:
        _heading(table, block_item, rows["item_label"].iloc[0], len(blocks) > 1)
        previous = None
        for _, r in rows.iterrows():
            cells = {"label": r["label"] if r["label"] != previous else "", "days": style.number(r["landmark_days"], 0),
                     "at_risk": style.count(r["at_risk"]), "survival": r["display"]}
            previous = r["label"]
            for unit in extra:
                cells[unit] = style.number(r[f"landmark_{unit}"])
            row = table.add_row(cells, indent=1 if len(blocks) > 1 and block_item != _overall_item() else 0)
            if degenerate(r):
                table.mark(row, "survival", t("survival.note.degenerate"))
            elif not r["estimable"]:
                table.mark(row, "survival", t("survival.note.after_followup"))
    _close(table, report, "ci")
    table.notes[0] = t("survival.note.landmark_times", unit=t("word.days"), places=t(f"decimals.{style.decimals}"))
    return table


def groups_table(report) -> DisplayTable:
    """The log-rank test (and the test for trend) of every grouping."""
    style, t = report.style, report.style.text
    table = DisplayTable("survival_groups", number=NUMBERS["survival_groups"], title=t("survival.title.groups"),
                         lang=style.lang)
    table.add_column("label", t("survival.h.grouping"), align="left")
    table.add_column("test", t("survival.h.test"), align="left")
    table.add_column("chi2", t("survival.h.chi2"))
    table.add_column("df", t("survival.h.df"))
    table.add_column("p", t("survival.h.p"))
    c = report.comparisons
    for item, rows in c.groupby("item", sort=False):
        first = True
        for _, r in rows.iterrows():
            test = t("survival.test.logrank" if r["test"] == "log-rank" else "survival.test.trend")
            computed = not r["reason"]
            row = table.add_row({"label": r["item_label"] if first else "", "test": test,
                                 "chi2": style.number(r["chi2"], 2) if computed else MISSING,
                                 "df": style.count(r["df"]) if computed else MISSING,
                                 "p": style.p(r["p"]) if computed else MISSING})
            first = False
            if r["reason"] == "not_ordered":
                table.mark(row, "p", t("survival.note.trend"))
            elif r["reason"]:
                table.mark(row, "p", t("survival.test_ne", test=test, reason=t(f"survival.reason.{r['reason']}")))
    table.add_note(t("survival.note.groups"))
    if int(style.suppress_below or 0) >= 2:
        table.add_note(t("suppress.counts", k=int(style.suppress_below)))
    return table


def cox_table(report, item: str | None = None, flags: bool = True) -> DisplayTable:
    """Hazard ratios (95% CI), p and the PH test of one grouping's Cox model (``item``) or of every
    grouping; ``flags`` puts the events-per-variable and PH sentences as a footnote on the grouping."""
    from .survival import cox_flags

    style, t = report.style, report.style.text
    c = report.cox
    if item is None:
        table = DisplayTable("survival_cox", number=NUMBERS["survival_cox"], title=t("survival.title.cox_all"),
                             lang=style.lang)
    else:
        label = c.loc[c["item"] == item, "item_label"]
        table = DisplayTable("survival_cox", title=t("survival.title.cox", label=label.iloc[0] if len(label) else item),
                             lang=style.lang)
    table.add_column("label", t("survival.h.level"), align="left")
    table.add_column("hr", t("survival.h.hr"))
    table.add_column("p", t("survival.h.p"))
    table.add_column("ph", t("survival.h.ph"))
    for block_item, rows in ([(item, c[c["item"] == item])] if item is not None else c.groupby("item", sort=False)):
        if item is None:
            heading = table.add_row({"label": rows["item_label"].iloc[0]}, bold=True)
            if flags:
                table.mark(heading, "label", cox_flags(report, block_item))
        for _, r in rows.iterrows():
            if r["level"] == "":
                table.add_row({"label": r["display"]}, indent=1 if item is None else 0)
                continue
            reference = r["reference"] is True
            table.add_row({"label": r["label"], "hr": r["display"],
                           "p": "" if reference or is_missing(r["p"]) else style.p(r["p"]),
                           "ph": "" if is_missing(r["ph_p"]) else style.p(r["ph_p"])},
                          indent=1 if item is None else 0)
    if item is not None and flags:
        table.add_note(cox_flags(report, item))
    table.add_note(t("survival.note.cox", alpha=style.number(0.05, 2)))
    table.abbreviations = abbreviations(style.lang, "hr", "ci", "ph")
    return table


__all__ = ["HR_DECIMALS", "NUMBERS", "cox_table", "groups_table", "landmark_table", "summary_table"]
