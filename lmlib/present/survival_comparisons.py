"""The survival section's comparisons beyond the log-rank test, as a reader sees them: pairwise
log-rank tests with their adjustment stated, RMST contrasts against the reference group (the
difference and the ratio with 95% CI and p, at a stated horizon), the note on immortal-time
bias beside a grouping known only after baseline, and the landmark analysis that answers it.

Each table builder gives the table of one grouping (``item``) or, with ``item=None``, the
manuscript table of every grouping (a heading row per grouping). The labelled frames (numbers,
labels and ``display`` in the style's language) are :func:`pairwise_frame`, :func:`rmst_frame`
and :func:`landmark_analysis_frame`, written as the section's CSVs.
"""
from __future__ import annotations

import pandas as pd

from ..suppress import count_text
from .descriptive import range_text
from .numbers import MISSING, Style, is_missing
from .table import DisplayTable, abbreviations

RATIO_DECIMALS = 2


# ------------------------------------------------------------------------------ labelled frames

def _with_labels(frame: pd.DataFrame, numbers, style: Style, level_columns=("level",)) -> pd.DataFrame:
    from ..survival_report.labels import item_label, level_label

    out = frame.copy()
    cb = numbers.codebook
    out.insert(3, "item_label", [item_label(cb, i, style.lang) for i in frame["item"]])
    for column in level_columns:
        keys = numbers.group_keys
        out[f"{column}_label" if column != "level" else "label"] = [
            style.text("word.all_patients") if lv == "overall"
            else level_label(cb, i, keys.get(i, {}).get(lv, lv), style.lang)
            for i, lv in zip(frame["item"], frame[column])]
    return out


def pairwise_frame(numbers, style: Style) -> pd.DataFrame:
    """The pairwise log-rank tests with the labels of both groups (``label``, ``level_b_label``)."""
    return _with_labels(numbers.pairwise, numbers, style, ("level", "level_b"))


def rmst_cell(est, lower, upper, style: Style, decimals: int | None = None, se=None) -> str:
    """"39.3 (18.5–60.0)", "−23.3 (−54.6 to 8.0)" (a minus sign, never a hyphen); "13.0 (—)"
    when ``se`` is 0 (no variance: a single patient); "not estimable"."""
    if is_missing(est):
        return style.text("word.not_estimable")
    ci = MISSING if se is not None and not is_missing(se) and float(se) == 0.0 else range_text(lower, upper, style,
                                                                                               decimals)
    value = style.number(est, decimals)
    return f"{'−' + value[1:] if value.startswith('-') else value} ({ci or MISSING})"


def rmst_frame(numbers, style: Style) -> pd.DataFrame:
    """The RMST contrasts with labels, the reference's label and ``display`` (estimate (95% CI))."""
    out = _with_labels(numbers.rmst_contrasts, numbers, style, ("level", "reference"))
    out["display"] = [rmst_cell(r["estimate"], r["lower"], r["upper"], style,
                                RATIO_DECIMALS if r["contrast"] == "ratio" else None) for _, r in out.iterrows()]
    return out


def landmark_analysis_frame(numbers, style: Style) -> pd.DataFrame:
    """The landmark analysis with labels and ``display`` (the median from the landmark with its CI)."""
    out = _with_labels(numbers.landmark_analysis, numbers, style)
    out["display"] = [median_cell(r, style) for _, r in out.iterrows()]
    return out


def median_cell(row, style: Style) -> str:
    """"44 (14–67)"; "not reached"; a limit the band does not reach reads "not reached"."""
    from .survival import bc_interval

    if not row["median_reached"]:
        return style.text("survival.not_reached")
    return f"{style.number(row['median'], 0)} ({bc_interval(row['median_lower_loglog'], row['median_upper_loglog'], 0, style)})"


# ------------------------------------------------------------------------------ sentences

def immortal_note(report, item: str) -> str:
    """The warning beside a comparison by a grouping known only after baseline ("" otherwise):
    immortal-time bias, and the landmark analysis shown below or the setting that adds one."""
    numbers = report.numbers
    if item not in numbers.post_baseline:
        return ""
    from ..survival_report.labels import item_label

    t = report.style.text
    label = item_label(numbers.codebook, item, report.lang)
    text = t("survival.immortal", label=label)
    if numbers.landmark is not None:
        return text + " " + t("survival.immortal_landmark", day=report.style.number(numbers.landmark, 0))
    return text + " " + t("survival.immortal_no_landmark")


def landmark_text(report, item: str) -> str:
    """The landmark analysis of one grouping in a sentence: who is compared, the log-rank test."""
    frame = report.landmark_analysis
    rows = frame[frame["item"] == item]
    if rows.empty:
        return ""
    style, t = report.style, report.style.text
    r = rows.iloc[0]
    k = report.suppress_below
    test = t("survival.logrank", chi2=style.number(r["chi2"], 2), df=style.count(r["df"]), p=style.p_text(r["p"])) \
        if not is_missing(r["p"]) else t("survival.test_ne", test=t("survival.test.logrank"),
                                         reason=t("survival.reason.one_group"))
    return t("survival.landmark_text", day=style.number(r["landmark"], 0), n=count_text(r["n_at_risk"], k),
             total=count_text(r["n_total"], k), died=count_text(r["died_before"], k),
             censored=count_text(r["censored_before"], k), label=r["item_label"]) + " " + test


# ------------------------------------------------------------------------------ tables

def _blocks(frame: pd.DataFrame, item):
    if item is not None:
        return [(item, frame[frame["item"] == item])]
    return [(i, frame[frame["item"] == i]) for i in dict.fromkeys(frame["item"])]


def _name(name: str, item) -> str:
    """The file stem (and HTML id) of a table: the manuscript table's, or with the grouping's name
    for the table of one grouping (shown in the page, not written)."""
    return name if item is None else f"{name}_{item}"


def _title(report, item, key: str, key_by: str, **values) -> str:
    t = report.style.text
    if item is None:
        return t(key, **values)
    from ..survival_report.labels import item_label

    return t(key_by, label=item_label(report.codebook, item, report.lang), **values)


def pairwise_table(report, item: str | None = None, number=None) -> DisplayTable:
    """Pairwise log-rank tests of one grouping (or of every grouping with three or more groups)."""
    style, t = report.style, report.style.text
    frame = report.pairwise
    table = DisplayTable(_name("survival_pairwise", item), number=number, lang=style.lang,
                         title=_title(report, item, "survival.title.pairwise_all", "survival.title.pairwise"))
    table.add_column("label", t("survival.h.pair"), align="left")
    table.add_column("n", t("survival.h.n"))
    table.add_column("chi2", t("survival.h.chi2"))
    table.add_column("p", t("survival.h.p"))
    method = report.numbers.adjust
    table.add_column("p_adjusted", t(f"survival.h.p_{method}"))
    blocks = _blocks(frame, item)
    for block_item, rows in blocks:
        if item is None:
            table.add_row({"label": rows["item_label"].iloc[0]}, bold=True)
        for _, r in rows.iterrows():
            table.add_row({"label": t("survival.pair", a=r["label"], b=r["level_b_label"]),
                           "n": count_text(r["n"], report.suppress_below),
                           "chi2": style.number(r["chi2"], 2) if not is_missing(r["chi2"]) else MISSING,
                           "p": style.p(r["p"]), "p_adjusted": style.p(r["p_adjusted"])},
                          indent=1 if item is None else 0)
    table.add_note(t(f"survival.note.pairwise_{method}"))
    if report.suppress_below >= 2:
        table.add_note(t("suppress.counts", k=report.suppress_below))
    return table


def rmst_table(report, item: str | None = None, number=None) -> DisplayTable:
    """RMST of each group up to the horizon and its difference and ratio against the reference
    group, with 95% CI and p; a contrast beyond what a group's curve tells is "not estimable"
    with the largest horizon that would do."""
    style, t = report.style, report.style.text
    frame = report.rmst
    tau = style.number(report.tau_days, 0)
    table = DisplayTable(_name("survival_rmst", item), number=number, lang=style.lang,
                         title=_title(report, item, "survival.title.rmst_all", "survival.title.rmst", tau=tau))
    table.add_column("label", t("survival.h.group"), align="left")
    table.add_column("rmst", t("survival.h.rmst", tau=tau))
    table.add_column("difference", t("survival.h.rmst_difference"))
    table.add_column("p_difference", t("survival.h.p"))
    table.add_column("ratio", t("survival.h.rmst_ratio"))
    table.add_column("p_ratio", t("survival.h.p"))
    summary = report.summary[report.summary["unit"] == "days"]
    for block_item, rows in _blocks(frame, item):
        if rows.empty:
            continue
        if item is None:
            table.add_row({"label": rows["item_label"].iloc[0]}, bold=True)
        indent = 1 if item is None else 0
        ref = summary[(summary["item"] == block_item) & (summary["level"] == rows["reference"].iloc[0])].iloc[0]
        table.add_row({"label": rows["reference_label"].iloc[0],
                       "rmst": rmst_cell(ref["rmst"], ref["rmst_lower"], ref["rmst_upper"], style, se=ref["rmst_se"]),
                       "difference": t("survival.reference_group"), "ratio": t("survival.reference_group")},
                      indent=indent)
        for level, pair in rows.groupby("level", sort=False):
            diff, ratio = (pair[pair["contrast"] == c].iloc[0] for c in ("difference", "ratio"))
            if not diff["estimable"]:
                row = table.add_row({"label": diff["label"], "rmst": t("word.not_estimable"),
                                     "difference": t("word.not_estimable"), "ratio": t("word.not_estimable")},
                                    indent=indent)
                table.mark(row, "difference", t("survival.note.rmst_beyond", tau=tau,
                                                tau_max=style.number(diff["tau_max"], 0)))
                continue
            row = table.add_row({"label": diff["label"],
                                 "rmst": rmst_cell(diff["rmst"], diff["rmst_lower"], diff["rmst_upper"], style,
                                                   se=diff["rmst_se"]),
                                 "difference": diff["display"], "p_difference": style.p(diff["p"]),
                                 "ratio": ratio["display"], "p_ratio": style.p(ratio["p"])}, indent=indent)
            if float(diff["rmst_se"]) == 0.0 or float(ref["rmst_se"]) == 0.0:
                table.mark(row, "difference", t("survival.note.rmst_no_variance"))
    table.add_note(t("survival.note.rmst_contrast", tau=tau))
    table.abbreviations = abbreviations(style.lang, "rmst", "ci")
    return table


def landmark_analysis_table(report, item: str | None = None, number=None) -> DisplayTable:
    """The landmark analysis of one grouping (or of every post-baseline one): patients at risk at
    the landmark by group, deaths after it, the median survival counted from it, log-rank p."""
    style, t = report.style, report.style.text
    frame = report.landmark_analysis
    day = style.number(report.numbers.landmark or 0, 0)
    table = DisplayTable(_name("survival_landmark_analysis", item), number=number, lang=style.lang,
                         title=_title(report, item, "survival.title.landmark_all", "survival.title.landmark",
                                      day=day))
    table.add_column("label", t("survival.h.group"), align="left")
    table.add_column("n", t("survival.h.at_day", day=day))
    table.add_column("events", t("survival.h.deaths"))
    table.add_column("median", t("survival.h.median_from", day=day))
    table.add_column("p", t("survival.h.p"))
    k = report.suppress_below
    for block_item, rows in _blocks(frame, item):
        if item is None:
            table.add_row({"label": rows["item_label"].iloc[0]}, bold=True)
        for position, (_, r) in enumerate(rows.iterrows()):
            table.add_row({"label": r["label"], "n": count_text(r["n"], k), "events": count_text(r["events"], k),
                           "median": r["display"], "p": style.p(r["p"]) if position == 0 and not is_missing(r["p"])
                           else ""}, indent=1 if item is None else 0)
    table.add_note(t("survival.note.landmark_analysis", day=day))
    table.add_note(t("survival.note.landmark_start"))
    table.add_note(t("survival.note.landmark_median"))
    if k >= 2:
        table.add_note(t("suppress.counts", k=k))
    return table


__all__ = ["immortal_note", "landmark_analysis_frame", "landmark_analysis_table", "landmark_text", "pairwise_frame",
           "pairwise_table", "rmst_frame", "rmst_table"]
