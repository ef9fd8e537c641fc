"""The Kaplan–Meier figures of the survival section: labels in the report's language passed to
:func:`lmlib.survival_plots.plot_km` (never rewritten after drawing), small counts shown as "<k"
by the counts themselves, the log-rank p on a grouped figure, one journal column wide for the
whole cohort and two for a grouping, and their caption and alt text."""
from __future__ import annotations

from ..plots import ONE_COLUMN, TWO_COLUMNS, journal_style
from .survival import log_rank_annotation

MAX_BANDS = 2  # confidence bands only up to this many curves: more overlap into a blur
FULL_TABLE_GROUPS = 3  # with more groups the risk table keeps only the numbers at risk
CURVE_HEIGHT = {"one": 2.4, "two": 2.9}  # inches of the curve itself


def risk_rows(n_groups: int) -> tuple:
    return ("at_risk", "censored", "events") if n_groups <= FULL_TABLE_GROUPS else ("at_risk",)


def km_figure(report, item: str | None = None, unit: str = "days"):
    """The Kaplan–Meier figure (overall, or one curve per level of ``item``) with censor marks,
    95% band (up to :data:`MAX_BANDS` groups), median lines and the KMunicate table (numbers at
    risk only above :data:`FULL_TABLE_GROUPS` groups), labelled in the report's language; no
    title inside. Returns the :class:`~lmlib.survival_plots.KMPlot`."""
    import matplotlib.pyplot as plt

    from ..survival_plots import ROW_HEIGHT_IN, default_labels, plot_km
    from ..survival_report.params import CI_TRANSFORM, DURATION, EVENT

    style, numbers = report.style, report.numbers
    t = style.text
    labels = default_labels(unit, style.lang)
    labels["xlabel"] = t(f"figure.km.xlabel.{unit}", dpm=style.number(30.4375, 4))
    keys = numbers.group_keys.get(item, {}) if item else {}
    n_groups = max(1, len(keys))
    rows = risk_rows(n_groups)
    group_labels = None
    if item:
        frame = report.summary[(report.summary["item"] == item) & (report.summary["unit"] == "days")]
        by_level = dict(zip(frame["level"], frame["label"]))
        group_labels = {value: by_level.get(level, str(value)) for level, value in keys.items()}
    width = TWO_COLUMNS if item else ONE_COLUMN
    table_rows = n_groups * (len(rows) + (1 if item and len(rows) > 1 else 0))
    height = CURVE_HEIGHT["two" if item else "one"] + ROW_HEIGHT_IN * table_rows + 1.05 + (0.3 if item else 0)
    with journal_style():
        fig, ax = plt.subplots(figsize=(width, height))
        km = plot_km(numbers.data, DURATION, EVENT, item or None, unit=unit, times=numbers.ticks[unit],
                     ci=n_groups <= MAX_BANDS, ci_transform=CI_TRANSFORM, ax=ax, labels=labels,
                     group_labels=group_labels, count_text=style.count, risk_rows=rows,
                     annotation=log_rank_annotation(report, item) if item else None)
    return km


def figure_caption(report, item: str | None = None) -> str:
    """The caption under a KM figure (what the band, marks, lines and table are)."""
    style, t = report.style, report.style.text
    if not item:
        r = report.summary[(report.summary["item"] == "overall_survival") & (report.summary["unit"] == "days")].iloc[0]
        caption = t("figure.km.caption", n=style.count(r["n"]), events=style.count(r["events"]))
    else:
        label = report.summary.loc[report.summary["item"] == item, "item_label"].iloc[0]
        n_groups = len(report.numbers.group_keys.get(item, {}))
        rows = t("figure.km.rows_full" if n_groups <= FULL_TABLE_GROUPS else "figure.km.rows_at_risk")
        caption = t("figure.km.caption_by", label=label, rows=rows)
        caption += t("figure.km.bands") if n_groups <= MAX_BANDS else t("figure.km.no_bands", k=MAX_BANDS)
    if int(style.suppress_below or 0) >= 2:
        caption += " " + t("suppress.counts", k=int(style.suppress_below))
    return caption


def figure_alt(report, item: str | None = None, unit: str = "days") -> str:
    """Alt text of a KM figure: what it plots, over how long, and each curve's median."""
    style, t = report.style, report.style.text
    s = report.summary[(report.summary["item"] == (item or "overall_survival")) & (report.summary["unit"] == unit)]
    medians = " ".join(t("figure.km.alt_median", label=r["label"],
                         median=(f"{style.number(r['median'], int(r['time_digits']))} {t('word.' + unit)}"
                                 if r["median_reached"] else t("survival.not_reached")))
                       for _, r in s.iterrows())
    ticks = report.numbers.ticks[unit]
    return t("figure.km.alt", t=style.number(ticks[-1], 0), unit=t(f"word.{unit}"), medians=medians)
