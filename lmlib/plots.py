"""Figures of the descriptive and imaging sections (matplotlib/seaborn), readable in print.

Every figure is drawn from the tidy tables of :mod:`lmlib.tables`, :mod:`lmlib.flow` or
the cohort's boolean columns: no statistic is computed here. Figures are deterministic (no
jitter, no random layout); bars carry "n (%)" labels, titles carry n, and there is no
grid, background or 3-D. :func:`save_figure` writes atomically without a timestamp.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.patches import FancyBboxPatch

from .atomic import atomic_path
from .formatting import fmt_n_percent
from .tables import text

PALETTE = "colorblind"
WORDS = {
    "patients_percent": {"en": "Patients (%)", "tr": "Hasta (%)"},
    "patients": {"en": "Patients", "tr": "Hasta"},
    "flow_title": {"en": "Patient selection", "tr": "Hasta seçimi"},
    "upset_title": {"en": "Accompanying metastases and cranial nerves occurring together",
                    "tr": "Birlikte görülen eşlik eden metastazlar ve kraniyal sinirler"},
}


def _word(key: str, lang: str) -> str:
    return WORDS[key][lang]


def _style() -> None:
    sns.set_theme(context="paper", style="ticks", font_scale=1.1)


def _item_rows(table: pd.DataFrame, item: str) -> pd.DataFrame:
    rows = table[(table["item"] == item) & table["kind"].isin(["level", "option", "yes"])]
    if rows.empty:
        raise KeyError(f"the table has no rows for {item!r}")
    return rows


def bar_chart(table: pd.DataFrame, item: str, *, title: str | None = None, lang: str = "en",
              decimals: int = 1, ax=None):
    """Horizontal bars of the levels (or options) of one item: percent of patients, labelled
    "n (%)"; the title gives the item and n (the denominator). Returns the Figure."""
    _style()
    rows = _item_rows(table, item)
    header = table[(table["item"] == item) & (table["kind"] == "header")]
    name = title or (header["label"].iloc[0] if len(header) else rows["label"].iloc[0])
    n = int(rows["denominator"].max())
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(rows) + 1.2))
    else:
        fig = ax.figure
    color = sns.color_palette(PALETTE)[0]
    ax.barh(rows["label"], rows["percent"], color=color)
    for y, (_, r) in enumerate(rows.iterrows()):
        ax.text(float(r["percent"]) + 1, y, fmt_n_percent(r["n"], r["denominator"], decimals, lang),
                va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 118)
    ax.set_xlabel(_word("patients_percent", lang))
    ax.set_ylabel("")
    ax.set_title(f"{textwrap.fill(name, 55)} (n = {n})", loc="left")
    sns.despine(ax=ax)
    fig.tight_layout()
    return fig


def symptoms_figure(table1: pd.DataFrame, *, lang: str = "en", decimals: int = 1):
    """Clinical symptoms, percent of patients (a patient can have several)."""
    return bar_chart(table1, "symptoms", lang=lang, decimals=decimals)


def primary_site_figure(table1: pd.DataFrame, *, lang: str = "en", decimals: int = 1):
    """Primary sites as horizontal bars, split by histological type (nested rows)."""
    _style()
    sites = _item_rows(table1, "primary_site")
    nested = table1[table1["kind"].isin(["nested", "missing"]) & (table1["item"] == "histology")]
    kinds = list(dict.fromkeys(nested["level"].str.split(":").str[1]))
    colors = dict(zip(kinds, sns.color_palette(PALETTE, len(kinds))))
    colors["missing"] = (0.75, 0.75, 0.75)  # not recorded: grey
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(sites) + 1.6))
    seen = set()
    for y, (_, site) in enumerate(sites.iterrows()):
        left = 0.0
        for _, part in nested[nested["level"].str.startswith(f"{site['level']}:")].iterrows():
            kind = part["level"].split(":")[1]
            ax.barh(y, part["n"], left=left, color=colors[kind], edgecolor="white",
                    label=None if kind in seen else part["label"])
            seen.add(kind)
            left += float(part["n"])
        ax.text(float(site["n"]) + 0.3, y, fmt_n_percent(site["n"], site["denominator"], decimals, lang),
                va="center", fontsize=9)
    ax.set_yticks(range(len(sites)), [textwrap.fill(s, 28) for s in sites["label"]])
    ax.invert_yaxis()
    ax.set_xlim(0, float(sites["n"].max()) * 1.3)
    ax.set_xlabel(_word("patients", lang))
    header = table1[(table1["item"] == "primary_site") & (table1["kind"] == "header")]["label"].iloc[0]
    ax.set_title(f"{header} (n = {int(sites['denominator'].max())})", loc="left")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    sns.despine(ax=ax)
    fig.tight_layout()
    return fig


def imaging_figure(table2: pd.DataFrame, items=("lm_location", "enhancement_pattern"), *, lang: str = "en",
                   decimals: int = 1):
    """Side-by-side bar charts of imaging items (default: LM location and enhancement pattern)."""
    _style()
    fig, axes = plt.subplots(1, len(items), figsize=(6.2 * len(items), 2.6))
    for ax, item in zip(list(axes) if len(items) > 1 else [axes], items):
        bar_chart(table2, item, lang=lang, decimals=decimals, ax=ax)
    fig.tight_layout()
    return fig


def flow_diagram(flow: pd.DataFrame, *, lang: str = "en", decimals: int = 1):
    """STROBE-style flow diagram: screened -> included, with an exclusion box and reasons.

    ``flow`` is :func:`lmlib.flow.flow_counts` output (its labels are in ``lang``).
    """
    _style()
    get = lambda stage, level="": flow[(flow["item"] == stage) & (flow["level"] == level)].iloc[0]  # noqa: E731
    screened, excluded, included = get("screened"), get("excluded"), get("included")
    reasons = flow[(flow["item"] == "excluded") & (flow["level"] != "")]
    fig, ax = plt.subplots(figsize=(8, 5.2))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.axis("off")

    def box(x, y, w, h, body, align="center"):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.4,rounding_size=1.5",
                                    linewidth=1.2, edgecolor="black", facecolor="white"))
        tx = x + w / 2 if align == "center" else x + 2
        ax.text(tx, y + h / 2, body, ha=align, va="center", fontsize=9.5, linespacing=1.4)

    def arrow(x0, y0, x1, y1):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2})

    box(2, 76, 46, 20, f"{textwrap.fill(screened['label'], 40)}\nn = {int(screened['n'])}")
    reason_lines = [textwrap.fill(f"• {r['label']}: {fmt_n_percent(r['n'], r['denominator'], decimals, lang)}",
                                  34, subsequent_indent="   ") for _, r in reasons.iterrows()]
    box(56, 40, 42, 30, f"{excluded['label']}, n = {int(excluded['n'])}\n" + "\n".join(reason_lines), "left")
    box(2, 4, 46, 20, f"{textwrap.fill(included['label'], 40)}\nn = {int(included['n'])}")
    arrow(25, 75, 25, 25.5)
    arrow(25, 55, 55, 55)
    ax.set_title(_word("flow_title", lang), loc="left")
    return fig


def membership(data: pd.DataFrame, codebook, *, lang: str = "en") -> pd.DataFrame:
    """Boolean columns for the UpSet view: each accompanying metastasis site and each cranial
    nerve involved in at least one patient (either side), named by their labels in ``lang``."""
    from .describe import nerve_involvement

    var = codebook["metastases"]
    sites = {o.label.get(lang, o.name): data[var.option_column(o.name)].fillna(False).astype(bool)
             for o in var.options}
    nerves = nerve_involvement(data, {text("nerve", lang, n=n): codebook.nerve_column(n)
                                      for n in codebook.cranial_nerves["numbers"]}).fillna(False).astype(bool)
    nerves = nerves.loc[:, nerves.any(axis=0)]
    return pd.concat([pd.DataFrame(sites, index=data.index), nerves], axis=1)


def upset_figure(data: pd.DataFrame, codebook, *, lang: str = "en"):
    """UpSet view (Lex et al. 2014, ``upsetplot``) of which metastasis sites and cranial
    nerves occur together; bars count patients with exactly that combination."""
    import warnings

    from upsetplot import UpSet, from_indicators

    _style()
    flags = membership(data, codebook, lang=lang)
    fig = plt.figure(figsize=(9, 5))
    with warnings.catch_warnings():  # upsetplot 0.9 and pandas 2.x: FutureWarnings only
        warnings.simplefilter("ignore", FutureWarning)
        # show_counts=True fails in upsetplot 0.9 with matplotlib >= 3.10 (it passes a
        # 1-element array as a text position), so the counts are written here instead
        axes = UpSet(from_indicators(flags), subset_size="count", show_counts=False, sort_by="cardinality",
                     sort_categories_by="input").plot(fig=fig)
    for bar in axes["intersections"].patches:
        axes["intersections"].annotate(f"{bar.get_height():.0f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                                       ha="center", va="bottom", fontsize=8, xytext=(0, 1), textcoords="offset points")
    for bar in axes["totals"].patches:
        axes["totals"].annotate(f"{bar.get_width():.0f}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                                ha="right", va="center", fontsize=8, xytext=(-2, 0), textcoords="offset points")
    axes["intersections"].set_ylabel(_word("patients", lang))
    axes["totals"].set_xlabel(_word("patients", lang))
    fig.suptitle(f"{_word('upset_title', lang)} (n = {len(flags)})", x=0.02, ha="left")
    return fig


def save_figure(fig, path: str | Path, dpi: int = 300) -> Path:
    """Save a figure atomically (format from the suffix: png, pdf, svg) without metadata
    such as creation time, so the same data give the same file."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    metadata = {"png": {"Software": None}, "pdf": {"CreationDate": None, "Producer": None},
                "svg": {"Date": None}}.get(fmt)
    with atomic_path(path) as tmp, plt.rc_context({"svg.hashsalt": "lmlib"}):  # fixed SVG element ids
        fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", metadata=metadata)
    return path

