"""Kaplan–Meier figure with a KMunicate risk table under it (matplotlib).

Kept out of :mod:`lmlib.survival` so that the statistics never import matplotlib. The curve,
its band and the counts come from the same functions as the tables (``km_steps``,
``pointwise_band``, ``counts_at``), so the figure and the numbers cannot disagree.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .survival.data import DAYS_PER_MONTH, split_groups, survival_frame
from .survival.median_ci import pointwise_band
from .survival.risk_table import RISK_COLUMNS, counts_at
from .survival.steps import first_time_at_or_below, km_steps

# Okabe–Ito colours (colour-blind safe) and line types that stay apart in grey print; group
# curves never use "--", which marks the median guides.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
LINESTYLES = ["-", "-.", ":", (0, (7, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (10, 2, 2, 2))]
ROW_KEYS = {"at_risk": "figure.km.at_risk", "censored": "figure.km.censored", "events": "figure.km.events"}
ROW_HEIGHT_IN = 0.16  # one row of the risk table


def default_labels(unit: str = "days", lang: str = "en") -> dict[str, str]:
    """The words of a KM figure from the text catalog: the risk table's rows, the axes."""
    from .present.catalog import text
    from .present.numbers import fmt_number

    labels = {row: text(key, lang) for row, key in ROW_KEYS.items()}
    labels["ylabel"] = text("figure.km.ylabel", lang)
    labels["xlabel"] = text(f"figure.km.axis.{unit}", lang, dpm=fmt_number(DAYS_PER_MONTH, 4)) \
        if unit in ("days", "weeks", "months", "years") else unit
    return labels


class KMPlot(NamedTuple):
    """What :func:`plot_km` drew: the figure, the curve's axes, the table's axes (or None) and
    the risk table as numbers (group × time MultiIndex, columns at_risk/censored/events)."""

    figure: object
    ax: object
    table_ax: object
    table: object  # a pandas DataFrame (an annotation here would be unresolvable for NamedTuple.__new__)


def _default_ticks(t_max: float, unit: str) -> np.ndarray:
    step = {"days": 30.0, "weeks": 4.0, "months": 3.0, "years": 1.0}.get(unit, 1.0)
    if unit == "days" and t_max > 12 * 30:
        step = 90.0
    if unit == "days" and t_max > 4 * 365:
        step = 365.0
    return np.arange(0.0, t_max + step * 0.999, step)


def plot_km(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str | None = None, *,
    weights_col: str | None = None, event_value=None, unit: str = "days", times=None,
    ci: bool = True, ci_transform: str = "log-log", alpha: float = 0.05, censor_marks: bool = True,
    median_line: bool = True, risk_table: bool = True, risk_rows=tuple(RISK_COLUMNS), ax=None,
    xlabel: str | None = None, ylabel: str | None = None, colors=None, linestyles=None, labels: dict | None = None,
    group_labels: dict | None = None, count_text=None, annotation: str | None = None, figsize=None,
) -> KMPlot:
    """Kaplan–Meier curves with CI band, censor marks, median line and a risk table aligned with the ticks.

    Parameters
    ----------
    data : DataFrame, not modified.
    duration_col : follow-up in days; ``unit="weeks"`` plots weeks (days / 7), ``"months"``
        months (days / 30.4375).
    event_col, group_col, weights_col, event_value : see
        :func:`~lmlib.survival.data.survival_frame`; one curve per group (or one overall).
    times : x tick positions in ``unit``, which are also the columns of the risk table;
        default every 30 days (90 or 365 for long follow-up) / 3 months / 1 year.
    ci : draw the pointwise (1 − alpha) band (Greenwood SE, ``ci_transform``: ``"log-log"``
        as lifelines and Stata, or ``"log"``, ``"linear"``).
    censor_marks : "+" at censoring times.
    median_line : thin dashed lines at S = 0.5 down to each reached median (smallest event time
        with S <= 0.5, the SPSS/lifelines median); no line when not reached.
    risk_table : draw the KMunicate rows ``risk_rows`` (at risk, censored, events; counting
        rule of :func:`~lmlib.survival.risk_table.counts_at`) under the curve, one block per
        group, numbers centred on the x ticks.
    ax : optional matplotlib Axes for the curve; the table is appended below it.
    labels : the words drawn, passed in (never rewritten after drawing): ``at_risk``,
        ``censored``, ``events`` (risk-table rows), ``xlabel``, ``ylabel``; default the text
        catalog's English (:func:`default_labels`). ``xlabel``/``ylabel`` override them.
    group_labels : group value -> its label in the legend and the risk table (default the value).
    count_text : a count -> its text, for the risk table and the legend's n (default whole
        numbers in full); a small-cell rule passes one that shows "<k" (the counts decide,
        never the drawn text).
    colors, linestyles : per group; default Okabe–Ito colours and distinct line types.
    annotation : text drawn in the plot's lower left corner (e.g. "Log-rank p = 0.012").
    figsize : (width, height) in inches of a new figure.

    Returns
    -------
    KMPlot(figure, ax, table_ax, table).
    """
    import matplotlib.pyplot as plt
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    from .present.numbers import fmt_count

    words = {**default_labels(unit), **(labels or {})}
    xlabel = xlabel or words["xlabel"]
    ylabel = ylabel or words["ylabel"]
    count_text = count_text or fmt_count
    name_of = (lambda key: str((group_labels or {}).get(key, key)))
    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value, unit)
    parts = split_groups(frame, overall=group_col is None)
    t_max = float(frame["duration"].max()) if len(frame) else 1.0
    ticks = np.asarray(list(times), dtype=float) if times is not None else _default_ticks(t_max, unit)
    if ax is None:
        n_rows = len(parts) * len(risk_rows) if risk_table else 0
        fig, ax = plt.subplots(figsize=figsize or (7.5, 4.5 + 0.22 * n_rows))
    fig = ax.figure
    palette = colors or PALETTE
    styles = linestyles or LINESTYLES
    tables = {}
    for i, (key, sub) in enumerate(parts):
        color = palette[i % len(palette)]
        steps = km_steps(sub["duration"], sub["event"], sub["weight"])
        x = np.concatenate(([0.0], steps["time"].to_numpy()))
        y = np.concatenate(([1.0], steps["survival"].to_numpy()))
        size = count_text(sub["weight"].sum())
        label = (f"{name_of(key)}, n {size}" if size.startswith("<") else f"{name_of(key)}, n = {size}") \
            if group_col else None
        ax.step(x, y, where="post", color=color, label=label, lw=1.4, ls=styles[i % len(styles)])
        if ci and len(steps):
            band = pointwise_band(steps, ci_transform, alpha)
            lo = np.concatenate(([1.0], band["lower"].to_numpy()))
            hi = np.concatenate(([1.0], band["upper"].to_numpy()))
            ax.fill_between(x, lo, hi, step="post", color=color, alpha=0.13, lw=0)
        if censor_marks:
            cens = steps[steps["censored"] > 0]
            ax.plot(cens["time"], cens["survival"], ls="none", marker="+", ms=6, mew=1.0, color=color)
        if median_line:
            median = first_time_at_or_below(steps, 0.5)
            if median == median:
                ax.plot([0, median, median], [0.5, 0.5, 0.0], ls="--", lw=0.6, color=color)
        tables[key] = counts_at(sub["duration"], sub["event"], ticks, sub["weight"])
    table = pd.concat(tables, names=["group", "time"]) if tables else pd.DataFrame(columns=RISK_COLUMNS)
    ax.set_xticks(ticks)
    right = max(t_max, ticks.max() if ticks.size else t_max) * 1.02
    ax.set_xlim(min(0.0, ticks.min() if ticks.size else 0.0) - 0.03 * right, right)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(ylabel)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if group_col:
        ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(3, len(parts)),
                  handlelength=2.6, borderaxespad=0.2, columnspacing=1.2)
    if annotation:
        ax.text(0.98, 0.96, annotation, transform=ax.transAxes, ha="right", va="top")
    table_ax = None
    if risk_table and risk_rows:
        # one block per group: its name (coloured) over its rows when there are several rows,
        # else one row per group named by the group, under a title naming the row
        blocks = [(key, r) for key, _ in parts for r in ((None, *risk_rows) if group_col and len(risk_rows) > 1
                                                         else risk_rows)]
        divider = make_axes_locatable(ax)
        table_ax = divider.append_axes("bottom", size=ROW_HEIGHT_IN * len(blocks) + 0.05, pad=0.45, sharex=ax)
        table_ax.set_ylim(len(blocks) - 0.5, -0.5)
        for y_pos, (key, r) in enumerate(blocks):
            if r is None:
                continue
            for tick, value in zip(ticks, tables[key][r].to_numpy()):
                table_ax.text(tick, y_pos, count_text(value), ha="center", va="center")
        names = [name_of(key) if r is None or (group_col and len(risk_rows) == 1) else words[r] for key, r in blocks]
        table_ax.set_yticks(range(len(blocks)), names)
        table_ax.tick_params(axis="y", length=0, pad=8)
        group_index = {key: i for i, (key, _) in enumerate(parts)}
        for label_artist, (key, r) in zip(table_ax.get_yticklabels(), blocks):
            if group_col and (r is None or len(risk_rows) == 1):
                label_artist.set_color(palette[group_index[key] % len(palette)])
                label_artist.set_fontweight("bold")
        table_ax.tick_params(axis="x", bottom=False, labelbottom=False)
        ax.tick_params(axis="x", labelbottom=True)
        for side in ("top", "right", "left", "bottom"):
            table_ax.spines[side].set_visible(False)
        if group_col and len(risk_rows) == 1:
            table_ax.set_title(words[risk_rows[0]], loc="left", fontsize=plt.rcParams["font.size"], pad=2)
    ax.set_xlabel(xlabel)
    return KMPlot(fig, ax, table_ax, table)


__all__ = ["KMPlot", "plot_km", "default_labels", "DAYS_PER_MONTH"]
