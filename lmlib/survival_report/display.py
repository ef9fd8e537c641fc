"""What the notebook displays: the styled tables, the Kaplan–Meier figure in the report's language
(small counts suppressed), its caption, and :func:`show_group` for one grouping. matplotlib and
IPython are imported only when a figure or display is made."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..formatting import DASH, MISSING, fmt_number, fmt_p
from ..survival.data import split_groups, survival_frame
from ..suppress import is_small
from .labels import item_label, level_label
from .params import CI_TRANSFORM, DURATION, EVENT, MAX_BANDS, OVERALL_ITEM
from .section import SurvivalReport, _n, _overall
from .sentences import comparison_text, cox_flags
from .tables import _nan, figure_times
from .texts import text


def _styled(frame: pd.DataFrame, notes, caption: str):
    from html import escape

    title = f"<b>{escape(caption)}</b><br>" if caption else ""
    return (frame.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)
            .set_caption(title + "<br>".join(f"<small>{escape(n)}</small>" for n in notes))
            .set_properties(**{"text-align": "right", "white-space": "nowrap"})
            .set_properties(subset=[frame.columns[0]], **{"text-align": "left", "white-space": "normal"})
            .set_table_styles([{"selector": "caption", "props": "caption-side: bottom; text-align: left;"}]))


def summary_styler(report: SurvivalReport, item: str = OVERALL_ITEM):
    """The side-by-side median table (SPSS ± 1.96·SE, Brookmeyer–Crowley log-log and log), the
    SPSS mean and, for a grouping, expected deaths and RMST; each convention named in a header."""
    lang, d = report.lang, report.decimals
    grouped = item != OVERALL_ITEM
    s = report.summary[report.summary["item"] == item]
    if grouped:  # groups in days only (their months rows are in the CSV), to keep the table narrow
        s = s[s["unit"] == "days"]
    units = tuple(dict.fromkeys(s["unit"]))
    nr = text("not_reached", lang)

    def lim(lo, hi, digits, reachable=True):
        if reachable and _nan(lo) and _nan(hi):
            return nr
        f = lambda x: (nr if reachable else MISSING) if _nan(x) else fmt_number(x, digits)  # noqa: E731
        return f"{f(lo)}{DASH}{f(hi)}"

    rows = []
    for _, r in s.iterrows():
        dg = int(r["time_digits"])
        reached = bool(r["median_reached"])
        row = {text("group", lang): r["label"]}
        if len(units) > 1:
            row[text("unit", lang)] = text(r["unit"], lang)
        row[text("n", lang)] = _n(report, r["n"])
        if grouped:
            row[text("deaths_expected", lang)] = f"{_n(report, r['events'])} ({fmt_number(r['expected_events'], d)})"
        else:
            row[text("deaths", lang)] = _n(report, r["events"])
            row[text("censored", lang)] = _n(report, r["censored"])
        row[text("median_h", lang)] = fmt_number(r["median"], dg) if reached else nr
        row[text("se_h", lang)] = fmt_number(r["median_se_spss"], d)
        row[text("ci_spss_h", lang)] = lim(r["median_lower_spss"], r["median_upper_spss"], d, reachable=False) \
            if reached else nr
        row[text("ci_loglog_h", lang)] = lim(r["median_lower_loglog"], r["median_upper_loglog"], dg)
        if not grouped:  # R's default; in the CSV for the groups, left out here for width
            row[text("ci_log_h", lang)] = lim(r["median_lower_log"], r["median_upper_log"], dg)
        row[text("mean_h", lang)] = (f"{fmt_number(r['mean_spss'], d)} ± {fmt_number(r['mean_se_spss'], d)} "
                                     f"({lim(r['mean_lower_spss'], r['mean_upper_spss'], d, False)})"
                                     + ("*" if r["mean_restricted"] else ""))
        if grouped:
            row[text("rmst_h", lang, tau=fmt_number(report.tau_days, 0))] = (
                text("not_estimable", lang) if _nan(r["rmst"])
                else f"{fmt_number(r['rmst'], d)} ({lim(r['rmst_lower'], r['rmst_upper'], d, False)})")
        rows.append(row)
    notes = [text("note_median", lang), text("note_spss", lang), text("note_bc", lang), text("note_mean", lang)]
    if grouped:
        notes += [text("note_expected", lang), text("note_rmst", lang, tau=fmt_number(report.tau_days, 0))]
    notes.append(text("note_round", lang, units=", ".join(text(u, lang) for u in units), d=d))
    notes += _suppression_note(report)
    caption = text("summary_caption", lang) + ("" if not grouped else f": {s['item_label'].iloc[0]}")
    return _styled(pd.DataFrame(rows), notes, caption)


def landmark_styler(report: SurvivalReport, item: str = OVERALL_ITEM):
    """Survival at the landmark times (days, and months when shown), at risk and the 95% CI."""
    lang = report.lang
    lm = report.landmarks[report.landmarks["item"] == item]
    days = [fmt_number(t, 0) for t in lm["landmark_days"]]
    frame = pd.DataFrame({text("group", lang): lm["label"], text("time_h", lang, unit=text("days", lang)): days})
    if "months" in report.units:
        frame[text("time_h", lang, unit=text("months", lang))] = [fmt_number(t, report.decimals)
                                                                  for t in lm["landmark_months"]]
    frame[text("at_risk_h", lang)] = [_n(report, a) for a in lm["at_risk"]]
    frame[text("survival_h", lang)] = lm["display"].to_numpy()
    caption = text("landmark_caption", lang) + ("" if item == OVERALL_ITEM else f": {lm['item_label'].iloc[0]}")
    return _styled(frame.reset_index(drop=True), [text("note_landmark", lang), *_suppression_note(report)], caption)


def cox_styler(report: SurvivalReport, item: str, flags: bool = True):
    """Hazard ratios (95% CI), p and the PH test of one grouping's Cox model; ``flags`` puts
    :func:`cox_flags` (events per variable, PH) in the notes below it."""
    lang = report.lang
    c = report.cox[report.cox["item"] == item]
    frame = pd.DataFrame({text("level_h", lang): c["label"], text("hr_h", lang): c["display"],
                          "p": ["" if r["reference"] is True or _nan(r["p"]) else fmt_p(r["p"])
                                for _, r in c.iterrows()],
                          text("ph_h", lang): ["" if _nan(p) else fmt_p(p) for p in c["ph_p"]]})
    caption = text("cox_caption", lang, label=item_label(report.codebook, item, lang))
    notes = ([cox_flags(report, item)] if flags else []) + [text("note_cox", lang)]
    return _styled(frame.reset_index(drop=True), notes, caption)


def km_figure(report: SurvivalReport, item: str | None = None, unit: str = "days"):
    """The Kaplan–Meier figure (overall, or one curve per level of ``item``) with censor marks,
    95% band (up to :data:`MAX_BANDS` groups), median line and the KMunicate table, labelled in
    the report's language; ticks from :func:`figure_times`. Returns the :class:`KMPlot`."""
    import matplotlib.pyplot as plt

    from ..survival_plots import ROW_LABELS, plot_km

    lang, data = report.lang, report.data
    times = figure_times(data, unit, report.risk_times)
    plot_data, n_groups = data, 1
    if item:
        frame = survival_frame(data, DURATION, EVENT, item)
        keys = [k for k, _ in split_groups(frame, overall=False)]
        n_groups = len(keys)
        labels = {k: level_label(report.codebook, item, k, lang) for k in keys}
        lab = data[item].map(lambda v: labels.get(v) if v in labels else None)
        lab = pd.Categorical(lab, categories=list(dict.fromkeys(labels.values())))
        plot_data = data.assign(**{item: lab})
    xlabel = text("xlabel_days" if unit == "days" else "xlabel_months", lang)
    # the curve keeps 3.5 inches however many rows the table has (plot_km: 0.22 in a row + 0.65;
    # matplotlib's default margins leave 77% of the height to the axes)
    _, ax = plt.subplots(figsize=(7.5, (3.5 + 0.22 * 3 * n_groups + 0.65) / 0.77))
    km = plot_km(plot_data, DURATION, EVENT, item or None, unit=unit, times=times, ci=n_groups <= MAX_BANDS,
                 ci_transform=CI_TRANSFORM, xlabel=xlabel, ylabel=text("ylabel", lang), ax=ax)
    if km.table_ax is not None:
        words = {ROW_LABELS["at_risk"]: text("at_risk", lang), ROW_LABELS["censored"]: text("censored_row", lang),
                 ROW_LABELS["events"]: text("events_row", lang)}
        ticks = km.table_ax.get_yticklabels()
        colours = [t.get_color() for t in ticks]
        new = []
        for t in ticks:
            head, _, tail = t.get_text().rpartition(": ") if ": " in t.get_text() else ("", "", t.get_text())
            new.append((f"{head}: " if head else "") + words.get(tail, tail))
        km.table_ax.set_yticks(km.table_ax.get_yticks(), new, fontsize=8)
        for t, colour in zip(km.table_ax.get_yticklabels(), colours):
            t.set_color(colour)
    r = _overall(report)
    title = (text("title", lang, n=_n(report, r["n"]), events=_n(report, r["events"])) if not item
             else text("title_by", lang, label=item_label(report.codebook, item, lang)))
    km.ax.set_title(title, loc="left", fontsize=11)
    if item and n_groups > MAX_BANDS:  # many curves: the legend goes beside the axes, not over them
        km.ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if report.suppress_below >= 2:
        _suppress_figure_counts(km, report.suppress_below)
    return km


def _suppress_figure_counts(km, k: int) -> None:
    """Show the counts from 1 to k − 1 of a drawn KM figure as "<k": the numbers of its risk
    table and the group sizes "(n=3)" of its legend ("(n<5)")."""
    import re

    if km.table_ax is not None:
        for artist in km.table_ax.texts:
            value = artist.get_text()
            if re.fullmatch(r"\d+(\.\d+)?", value) and is_small(float(value), k):
                artist.set_text(f"<{k}")
    legend = km.ax.get_legend()
    if legend is not None:
        for artist in legend.get_texts():
            artist.set_text(re.sub(r"\(n=(\d+(?:\.\d+)?)\)",
                                   lambda m: f"(n<{k})" if is_small(float(m.group(1)), k) else m.group(0),
                                   artist.get_text()))


def _suppression_note(report: SurvivalReport) -> list[str]:
    k = report.suppress_below
    return [text("note_suppressed", report.lang, k=k)] if k >= 2 else []


def figure_caption(report: SurvivalReport, item: str | None = None) -> str:
    """The caption under a KM figure (what the band, marks, line and table are)."""
    caption = text("caption", report.lang)
    if report.suppress_below >= 2:
        caption += " " + text("note_suppressed", report.lang, k=report.suppress_below)
    if item:
        k = report.data[item].nunique(dropna=True)
        if k > MAX_BANDS:
            caption += text("caption_no_bands", report.lang, k=MAX_BANDS)
    return caption


def show_group(report: SurvivalReport, item: str, figures: str | Path | None = None) -> None:
    """Display the comparison by one grouping: heading, KM figure per level (saved as
    ``survival_km_<item>.png`` in ``figures`` when given), caption, log-rank and trend lines,
    median table, landmark table, the Cox model with its events-per-variable flag."""
    from html import escape

    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    def markdown(text: str):  # labels (a study file's) are text: Markdown would pass their HTML through
        return Markdown(escape(text, quote=False))

    display(markdown(f"### {item_label(report.codebook, item, report.lang)}"))
    km = km_figure(report, item)
    if figures is not None:
        from ..plots import save_figure

        save_figure(km.figure, Path(figures) / f"survival_km_{item}.png")
    display(km.figure)
    plt.close(km.figure)
    display(markdown(figure_caption(report, item)))
    display(markdown(f"**{comparison_text(report, item)}**"))
    display(summary_styler(report, item))
    display(landmark_styler(report, item))
    display(markdown(f"**{cox_flags(report, item)}**"))
    display(cox_styler(report, item, flags=False))
