"""Figures of the descriptive and imaging sections (matplotlib), sized and styled for a journal.

Every figure is drawn from the tidy tables of :mod:`lmlib.tables`, :mod:`lmlib.flow` or the
cohort's boolean columns: no statistic is computed here, and every word comes in as a label
(from the codebook, the tables, or the text catalog in the given language). Conventions:

* widths of one journal column (:data:`ONE_COLUMN`, 3.5 in) or two (:data:`TWO_COLUMNS`, 7 in);
* no title inside the figure (its numbered caption is printed under it, outside);
* the Okabe–Ito colour-blind-safe palette (:data:`PALETTE`); integer ticks on count axes;
* deterministic drawing (no jitter, no random layout); :func:`save_figures` writes a 300-dpi
  PNG and a vector PDF atomically, without a timestamp.
"""
from __future__ import annotations

from contextlib import contextmanager
import textwrap
from pathlib import Path

import pandas as pd

from .atomic import write_bytes
from .present.numbers import Style

ONE_COLUMN = 3.5  # inches: one journal column
TWO_COLUMNS = 7.0  # inches: the full text width
DPI = 300
# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
GREY = "#BBBBBB"
RC = {"font.size": 8, "axes.labelsize": 8, "axes.titlesize": 8, "xtick.labelsize": 7.5, "ytick.labelsize": 7.5,
      "legend.fontsize": 7.5, "axes.spines.top": False, "axes.spines.right": False, "axes.linewidth": 0.8,
      "xtick.major.width": 0.8, "ytick.major.width": 0.8, "svg.hashsalt": "lmlib", "figure.dpi": 100}


@contextmanager
def journal_style():
    """matplotlib settings of the figures, for drawing only (nothing global is changed)."""
    import matplotlib.pyplot as plt

    with plt.rc_context(RC):
        yield


def _style(style: Style | None, lang: str, decimals: int) -> Style:
    return style if style is not None else Style(lang, decimals)


def _item_rows(table: pd.DataFrame, item: str) -> pd.DataFrame:
    rows = table[(table["item"] == item) & table["kind"].isin(["level", "option", "yes"])]
    if rows.empty:
        raise KeyError(f"the table has no rows for {item!r}")
    return rows


def _integer_ticks(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def bar_chart(table: pd.DataFrame, item: str, *, lang: str = "en", decimals: int = 1, ax=None,
              style: Style | None = None, panel: str = "", title: str | None = None):
    """Horizontal bars of the levels (or options) of one item: percent of patients, labelled
    "n (%)". No title (a ``panel`` letter and ``title`` when it is a panel of a larger figure).
    Returns the Figure (one column wide when drawn alone)."""
    import matplotlib.pyplot as plt

    style = _style(style, lang, decimals)
    rows = _item_rows(table, item)
    with journal_style():
        if ax is None:
            fig, ax = plt.subplots(figsize=(ONE_COLUMN, 0.26 * len(rows) + 0.75), layout="constrained")
        else:
            fig = ax.figure
        ax.barh([textwrap.fill(str(x), 24) for x in rows["label"]], rows["percent"], color=PALETTE[0], height=0.65)
        for y, (_, r) in enumerate(rows.iterrows()):
            ax.text(float(r["percent"]) + 2, y, style.n_percent(r["n"], r["denominator"]), va="center", fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 135)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel(style.text("figure.patients_percent"))
        ax.tick_params(axis="y", length=0)
        if panel or title:
            ax.set_title(f"{panel}  {title or ''}".strip(), loc="left", fontweight="bold" if panel else "normal")
    return fig


def symptoms_figure(table1: pd.DataFrame, *, lang: str = "en", decimals: int = 1, style: Style | None = None):
    """Clinical symptoms, percent of patients (a patient can have several)."""
    return bar_chart(table1, "symptoms", style=_style(style, lang, decimals))


def primary_site_figure(table1: pd.DataFrame, *, lang: str = "en", decimals: int = 1, style: Style | None = None):
    """Primary sites as horizontal bars of patients (integer ticks), split by histological type
    (nested rows; a histology that does not apply in grey)."""
    import matplotlib.pyplot as plt

    style = _style(style, lang, decimals)
    sites = _item_rows(table1, "primary_site")
    nested = table1[table1["kind"].isin(["nested", "missing", "not_applicable"]) & (table1["item"] == "histology")]
    kinds = [k for k in dict.fromkeys(nested["level"].str.split(":").str[1]) if k not in ("missing", "not_applicable")]
    colors = dict(zip(kinds, PALETTE[1:] * 2))
    colors["missing"] = colors["not_applicable"] = GREY
    with journal_style():
        fig, ax = plt.subplots(figsize=(TWO_COLUMNS, 0.3 * len(sites) + 1.0), layout="constrained")
        seen = set()
        for y, (_, site) in enumerate(sites.iterrows()):
            left = 0.0
            for _, part in nested[nested["level"].str.startswith(f"{site['level']}:")].iterrows():
                kind = part["level"].split(":")[1]
                label = part["label"] if kind not in ("missing", "not_applicable") else None
                ax.barh(y, part["n"], left=left, color=colors[kind], edgecolor="white", height=0.65,
                        label=None if kind in seen else label)
                seen.add(kind)
                left += float(part["n"])
            ax.text(float(site["n"]) + 0.3, y, style.n_percent(site["n"], site["denominator"]), va="center", fontsize=7)
        ax.set_yticks(range(len(sites)), [textwrap.fill(s, 30) for s in sites["label"]])
        ax.invert_yaxis()
        ax.set_xlim(0, float(sites["n"].max()) * 1.3)
        _integer_ticks(ax.xaxis)
        ax.set_xlabel(style.text("figure.patients"))
        ax.tick_params(axis="y", length=0)
        ax.legend(frameon=False, loc="lower right")
    return fig


def imaging_figure(table2: pd.DataFrame, items=("lm_location", "enhancement_pattern"), *, lang: str = "en",
                   decimals: int = 1, style: Style | None = None):
    """Side-by-side bar charts of imaging items (default: LM location and enhancement pattern),
    panels a and b, two columns wide."""
    import matplotlib.pyplot as plt

    style = _style(style, lang, decimals)
    n_rows = max(len(_item_rows(table2, item)) for item in items)
    with journal_style():
        fig, axes = plt.subplots(1, len(items), figsize=(TWO_COLUMNS, 0.3 * n_rows + 1.0), layout="constrained")
        for letter, ax, item in zip("abcdefgh", list(axes) if len(items) > 1 else [axes], items):
            header = table2[(table2["item"] == item) & (table2["kind"] == "header")]
            name = header["label"].iloc[0] if len(header) else ""
            bar_chart(table2, item, style=style, ax=ax, panel=letter, title=name)
    return fig


def flow_diagram(flow: pd.DataFrame, *, lang: str = "en", decimals: int = 1, style: Style | None = None):
    """STROBE flow diagram: screened -> included, with an exclusion box and reasons (two columns
    wide, no title). ``flow`` is :func:`lmlib.flow.flow_counts` output (labels in ``lang``)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    style = _style(style, lang, decimals)
    get = lambda stage, level="": flow[(flow["item"] == stage) & (flow["level"] == level)].iloc[0]  # noqa: E731
    screened, excluded, included = get("screened"), get("excluded"), get("included")
    reasons = flow[(flow["item"] == "excluded") & (flow["level"] != "")]
    with journal_style():
        fig, ax = plt.subplots(figsize=(TWO_COLUMNS, 3.6))
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.axis("off")

        def box(x, y, w, h, body, align="center"):
            ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.4,rounding_size=1.5",
                                        linewidth=0.9, edgecolor="black", facecolor="white"))
            tx = x + w / 2 if align == "center" else x + 2
            ax.text(tx, y + h / 2, body, ha=align, va="center", fontsize=8, linespacing=1.35)

        def arrow(x0, y0, x1, y1):
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 0.9})

        box(2, 74, 46, 22, f"{textwrap.fill(screened['label'], 36)}\nn = {style.count(screened['n'])}")
        lines = [textwrap.fill(f"• {r['label']}: {style.n_percent(r['n'], r['denominator'])}", 38,
                               subsequent_indent="   ") for _, r in reasons.iterrows()]
        box(56, 38, 42, 30, f"{excluded['label']}, n = {style.count(excluded['n'])}\n" + "\n".join(lines), "left")
        box(2, 4, 46, 22, f"{textwrap.fill(included['label'], 36)}\nn = {style.count(included['n'])}")
        arrow(25, 73, 25, 27.5)
        arrow(25, 53, 55, 53)
    return fig


def membership(data: pd.DataFrame, codebook, *, lang: str = "en") -> pd.DataFrame:
    """Boolean columns for the UpSet view: each accompanying metastasis site and each cranial
    nerve involved in at least one patient (either side), named by their labels in ``lang``."""
    from .describe import nerve_involvement
    from .tables import text

    var = codebook["metastases"]
    columns = {o.label.get(lang, o.name): var.option_column(o.name) for o in var.options}
    # a site the file does not record (all missing, "not recorded in this file") is no finding
    sites = {label: data[col].fillna(False).astype(bool) for label, col in columns.items()
             if col in data and data[col].notna().any()}
    nerves = nerve_involvement(data, {text("nerve", lang, n=n): codebook.nerve_column(n)
                                      for n in codebook.cranial_nerves["numbers"]}).fillna(False).astype(bool)
    nerves = nerves.loc[:, nerves.any(axis=0)]
    return pd.concat([pd.DataFrame(sites, index=data.index), nerves], axis=1)


def can_upset(flags: pd.DataFrame) -> bool:
    """True when :func:`membership` holds at least two findings, one present in at least one
    patient: an UpSet view of nothing (a file without metastasis sites or cranial nerves) or of
    a single finding (no combination to show; upsetplot cannot draw one set) is not drawn."""
    return flags.shape[1] > 1 and bool(flags.to_numpy().any())


def no_upset_text(flags: pd.DataFrame, style: Style) -> str:
    """Why no UpSet view is drawn (:func:`can_upset` is False): nothing recorded, or the one
    finding recorded, named."""
    found = [str(c) for c in flags.columns if flags[c].any()]
    if len(found) == 1:
        return style.text("figure.upset_one", finding=found[0])
    return style.text("figure.upset_none")


def without_findings(data: pd.DataFrame, codebook, not_in_file=()) -> dict[str, int]:
    """The patients of the UpSet column with no filled dot, split by what is known.

    Returns
    -------
    dict: ``shown`` (patients with none of the findings of :func:`membership`), ``known``
    (of them, those known to have no accompanying metastasis and no cranial nerve involvement:
    every metastasis site recorded as absent and every nerve recorded as not involved) and
    ``unknown`` (``shown`` − ``known``: a site or nerve missing, or not in the file).
    """
    from .describe import nerve_involvement

    absent = frozenset(not_in_file or ())
    var = codebook["metastases"]
    known = pd.Series(True, index=data.index)
    for option in var.options:
        col = var.option_column(option.name)
        recorded_no = data[col].astype("boolean").eq(False).fillna(False) if col in data and col not in absent \
            else pd.Series(False, index=data.index)
        known &= recorded_no.astype(bool)
    nerves = {c: c for c in codebook.nerve_columns}
    if var.name in absent or any(c in absent or c not in data for c in nerves):
        known &= False
    else:
        known &= nerve_involvement(data, nerves).eq(False).fillna(False).all(axis=1).astype(bool)
    flags = membership(data, codebook)
    shown = ~flags.any(axis=1) if flags.shape[1] else pd.Series(True, index=data.index)
    n_shown, n_known = int(shown.sum()), int((shown & known).sum())
    return {"shown": n_shown, "known": n_known, "unknown": n_shown - n_known}


def upset_caption(data: pd.DataFrame, codebook, style: Style, not_in_file=()) -> str:
    """Figure 5's caption: what the view shows, and the patients of the column with no filled
    dot, those known to have no site and no nerve apart from those for whom it is not known."""
    caption = style.text("figure.upset", n=style.count(len(data)))
    counts = without_findings(data, codebook, not_in_file)
    if counts["shown"]:
        caption += " " + style.text("figure.upset_empty", shown=style.count(counts["shown"]),
                                    known=style.count(counts["known"]), unknown=style.count(counts["unknown"]))
    return caption


def upset_figure(data: pd.DataFrame, codebook, *, lang: str = "en", style: Style | None = None):
    """UpSet view (Lex et al. 2014, ``upsetplot``) of which metastasis sites and cranial
    nerves occur together; bars count patients with exactly that combination (integer ticks)."""
    import warnings

    import matplotlib.pyplot as plt
    from upsetplot import UpSet, from_indicators

    style = _style(style, lang, 1)
    flags = membership(data, codebook, lang=style.lang)
    with journal_style():
        fig = plt.figure(figsize=(TWO_COLUMNS, 4.6))
        with warnings.catch_warnings():  # upsetplot 0.9 and pandas 2.x: FutureWarnings only
            warnings.simplefilter("ignore", FutureWarning)
            # show_counts=True fails in upsetplot 0.9 with matplotlib >= 3.10 (it passes a
            # 1-element array as a text position), so the counts are written here instead
            axes = UpSet(from_indicators(flags), subset_size="count", show_counts=False, sort_by="cardinality",
                         sort_categories_by="input", facecolor=PALETTE[0], element_size=None,
                         totals_plot_elements=4).plot(fig=fig)
        for bar in axes["intersections"].patches:
            axes["intersections"].annotate(style.count(bar.get_height()), (bar.get_x() + bar.get_width() / 2,
                                                                           bar.get_height()),
                                           ha="center", va="bottom", fontsize=7, xytext=(0, 1),
                                           textcoords="offset points")
        for bar in axes["totals"].patches:
            axes["totals"].annotate(style.count(bar.get_width()), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                                    ha="right", va="center", fontsize=7, xytext=(-2, 0), textcoords="offset points")
        _integer_ticks(axes["intersections"].yaxis)
        from matplotlib.ticker import MaxNLocator

        axes["totals"].xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        axes["intersections"].set_ylabel(style.text("figure.patients"))
        axes["totals"].set_xlabel(style.text("figure.patients"))
    return fig


def figure_bytes(fig, fmt: str = "png", dpi: int = DPI) -> bytes:
    """A figure as the bytes of a ``fmt`` file (png, pdf, svg) without metadata such as creation
    time, so the same data give the same bytes (what :func:`save_figure` writes)."""
    import io

    import matplotlib.pyplot as plt

    metadata = {"png": {"Software": None}, "pdf": {"CreationDate": None, "Producer": None},
                "svg": {"Date": None}}.get(fmt)
    buffer = io.BytesIO()
    with plt.rc_context({"svg.hashsalt": "lmlib"}):  # fixed SVG element ids
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()


def save_figure(fig, path: str | Path, dpi: int = DPI) -> Path:
    """Save a figure atomically (format from the suffix: png, pdf, svg) without metadata such
    as creation time, so the same data give the same file (:func:`figure_bytes`)."""
    path = Path(path)
    write_bytes(path, figure_bytes(fig, path.suffix.lstrip(".").lower() or "png", dpi))
    return path


def save_figures(fig, folder: str | Path, name: str, dpi: int = DPI) -> dict[str, Path]:
    """Write ``<folder>/<name>.png`` (``dpi``, 300 by default) and ``<name>.pdf`` (vector, for
    the journal); returns the paths by format."""
    folder = Path(folder)
    return {fmt: save_figure(fig, folder / f"{name}.{fmt}", dpi) for fmt in ("png", "pdf")}
