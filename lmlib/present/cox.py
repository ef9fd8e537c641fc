"""The multivariable Cox model as a reader sees it: its table (HR with 95% CI, p and the PH test
per term, each reference level named, the likelihood-ratio p of each factor of three or more
levels, events per coefficient with the "exploratory" mark, the global PH test with the test and
its time scale named) and its forest plot, from :class:`~lmlib.survival_report.multivariable.CoxNumbers`.

A model that could not be estimated is one row saying so and why; a term whose coefficient is
infinite (complete separation) reads "not estimable" with a footnote, never a number. A
covariate known only after baseline (codebook ``post_baseline: true``, e.g. treatment) carries a
footnote about immortal-time bias. Words from the text catalog; numbers from the report's
:class:`~lmlib.present.numbers.Style` (decimal mark included, in the figure too).
"""
from __future__ import annotations

import math

import pandas as pd

from .descriptive import range_text
from .numbers import MISSING, Style, is_missing
from .table import DisplayTable, abbreviations

HR_DECIMALS = 2
TRANSFORMS = ("rank", "km", "log", "identity")
EPV_THRESHOLD = 10


def variable_label(codebook, name: str, lang: str) -> str:
    from ..survival_report.labels import item_label

    return item_label(codebook, name, lang)


def level_text(codebook, name: str, level: str, lang: str) -> str:
    from ..survival_report.labels import level_label

    return level_label(codebook, name, level, lang)


def is_post_baseline(codebook, name: str) -> bool:
    try:
        return bool(codebook[name].post_baseline)
    except (KeyError, TypeError, AttributeError):
        return False


def hr_text(row, style: Style) -> str:
    """"2.44 (0.94–6.31)"; "1 (reference)"; "not estimable"."""
    if row["is_reference"]:
        return style.text("survival.reference")
    if not row["estimable"] or is_missing(row["hr"]):
        return style.text("word.not_estimable")
    return f"{style.number(row['hr'], HR_DECIMALS)} ({range_text(row['lower'], row['upper'], style, HR_DECIMALS)})"


def problem_text(numbers, style: Style, codebook=None) -> str:
    """Why the model (or a term of it) is not estimable, in words."""
    model = numbers.model
    problem = model.get("problem") or "singular"
    values = {"n": style.count(model["n"]), "k": style.count(model["n_parameters"])}
    if problem == "infinite":
        bad = numbers.terms[~numbers.terms["estimable"] & ~numbers.terms["is_reference"]]
        values["terms"] = ", ".join(term_label(r, codebook, style.lang) for _, r in bad.iterrows())
    return style.text(f"cox.problem.{problem}", **values)


def term_label(row, codebook, lang: str) -> str:
    """"Treatment: none" for a level, the variable's label for a continuous term."""
    label = variable_label(codebook, row["variable"], lang)
    if row["kind"] == "continuous":
        return label
    return f"{label}: {level_text(codebook, row['variable'], row['level'], lang)}"


def display_table(numbers, style: Style | None = None, *, codebook=None, number: int | str | None = None,
                  title: str | None = None, name: str = "survival_cox_multivariable") -> DisplayTable:
    """The multivariable Cox table (see the module docstring) as a :class:`DisplayTable`."""
    style = style or Style()
    t = style.text
    model, terms = numbers.model, numbers.terms
    if title is None:
        title = t("cox.title")
        if model["estimable"] and model["exploratory"]:
            title = t("cox.title_exploratory", title=title)
    out = DisplayTable(name, number=number, title=title, lang=style.lang)
    out.add_column("label", t("table.characteristic"), align="left")
    out.add_column("hr", t("survival.h.hr"))
    out.add_column("p", t("survival.h.p"))
    out.add_column("ph", t("survival.h.ph"))
    lang = style.lang
    if not model["estimable"] and model.get("problem") != "infinite":
        out.add_row({"label": t("cox.ne", reason=problem_text(numbers, style, codebook)), "hr": MISSING, "p": MISSING,
                     "ph": MISSING})
        out.add_note(t("cox.note.covariates", names=", ".join(variable_label(codebook, v, lang)
                                                               for v in numbers.covariates)))
        out.abbreviations = abbreviations(lang, "hr", "ci", "ph")
        return out
    for variable, rows in terms.groupby("variable", sort=False):
        first = rows.iloc[0]
        label = variable_label(codebook, variable, lang)
        if first["kind"] == "continuous":
            row = out.add_row({"label": t("cox.per_unit", label=label), "hr": hr_text(first, style),
                               "p": _p(first["p"], style), "ph": _p(first["ph_p"], style)})
            heading = row
        else:
            cells = {"label": label}
            marks = {}
            if int(first["n_levels"]) >= 3:
                cells["p"] = _p(first["variable_p"], style)
                marks["p"] = out.footnote(t("cox.note.factor_p"))
            heading = out.add_row(cells, bold=True, marks=marks)
            for _, r in rows.iterrows():
                level = level_text(codebook, variable, r["level"], lang)
                row = out.add_row({"label": level, "hr": hr_text(r, style),
                                   "p": "" if r["is_reference"] else _p(r["p"], style),
                                   "ph": "" if r["is_reference"] else _p(r["ph_p"], style)}, indent=1)
                if not r["is_reference"] and not r["estimable"]:
                    out.mark(row, "hr", t("cox.note.term_infinite"))
        if is_post_baseline(codebook, variable):
            out.mark(heading, "label", t("survival.immortal_cox", label=label))
    _notes(out, numbers, style)
    return out


def _p(p, style: Style) -> str:
    return "" if is_missing(p) else style.p(p)


def _notes(out: DisplayTable, numbers, style: Style) -> None:
    t = style.text
    model = numbers.model
    out.add_note(t("cox.note.model", n=style.count(model["n"]), total=style.count(model["n_total"]),
                   events=style.count(model["events"])))
    values = dict(epv=style.number(model["events_per_variable"], 1), events=style.count(model["events"]),
                  k=style.count(model["n_parameters"]), th=style.number(EPV_THRESHOLD, 0))
    out.add_note(t("survival.exploratory" if model["exploratory"] else "survival.epv", **values))
    if not is_missing(model.get("lr_p")):
        out.add_note(t("cox.note.lr", chi2=style.number(model["lr_chi2"], 2), df=style.count(model["lr_df"]),
                       p=style.p_text(model["lr_p"])))
    out.add_note(ph_sentence(numbers, style))
    if numbers.rejects_ph:
        out.add_note(t("cox.note.ph_rejects", alpha=style.number(model.get("alpha", 0.05), 2)))
    if model.get("problem") == "infinite":
        out.add_note(t("cox.ne_partly", reason=problem_text(numbers, style)))
    out.abbreviations = abbreviations(style.lang, "hr", "ci", "ph")


def ph_sentence(numbers, style: Style) -> str:
    """Which PH test, on which time scale, and its global result."""
    t = style.text
    model = numbers.model
    transform = model.get("ph_transform", "rank")
    scale = t(f"cox.transform.{transform if transform in TRANSFORMS else 'rank'}")
    if is_missing(model.get("ph_global_p")):
        return t("cox.note.ph_ne", transform=scale)
    return t("cox.note.ph", transform=scale, chi2=style.number(model["ph_global_chi2"], 2),
             df=style.count(model["ph_global_df"]), p=style.p_text(model["ph_global_p"]))


# ------------------------------------------------------------------------------ forest plot

def forest_rows(numbers, style: Style, codebook=None) -> list[dict]:
    """The lines of the forest plot, top to bottom: a heading per factor, its levels (the
    reference without a point), a continuous covariate on one line; each with its label,
    indent, HR and limits (NaN for none) and its "HR (95% CI)" text."""
    out = []
    lang = style.lang
    for variable, rows in numbers.terms.groupby("variable", sort=False):
        label = variable_label(codebook, variable, lang)
        first = rows.iloc[0]
        if first["kind"] == "continuous":
            out.append(_line(t_label=style.text("cox.per_unit", label=label), indent=0, bold=False, row=first,
                             style=style))
            continue
        out.append({"label": label, "indent": 0, "bold": True, "hr": math.nan, "lower": math.nan,
                    "upper": math.nan, "text": ""})
        for _, r in rows.iterrows():
            out.append(_line(level_text(codebook, variable, r["level"], lang), 1, False, r, style))
    return out


def _line(t_label: str, indent: int, bold: bool, row, style: Style) -> dict:
    shown = not row["is_reference"] and bool(row["estimable"]) and not is_missing(row["hr"])
    return {"label": t_label, "indent": indent, "bold": bold,
            "hr": float(row["hr"]) if shown else math.nan, "lower": float(row["lower"]) if shown else math.nan,
            "upper": float(row["upper"]) if shown else math.nan,
            "text": hr_text(row, style) if not row["is_reference"] else style.text("figure.forest.reference")}


def forest_figure(numbers, style: Style | None = None, *, codebook=None):
    """The forest plot of the model: one line per term (squares at the HR, lines for the Wald
    95% CI, log scale, a dashed line at 1; an interval beyond the axis ends in an arrow),
    labels on the left and "HR (95% CI)" on the right, two journal columns wide, no title.
    Returns the Figure, or None when the model is not estimable."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from ..plots import PALETTE, TWO_COLUMNS, journal_style

    style = style or Style()
    if not numbers.model["estimable"] and numbers.model.get("problem") != "infinite":
        return None
    lines = forest_rows(numbers, style, codebook)
    finite = [v for line in lines for v in (line["lower"], line["upper"]) if math.isfinite(v) and v > 0]
    low, high = (min(finite), max(finite)) if finite else (0.5, 2.0)
    low, high = max(min(low, 1.0) / 1.3, 0.01), min(max(high, 1.0) * 1.3, 100.0)
    ticks = [x for x in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if low <= x <= high]
    height = 0.22 * (len(lines) + 1) + 0.7
    with journal_style():
        fig, (left, ax, right) = plt.subplots(1, 3, figsize=(TWO_COLUMNS, height), sharey=True, layout="constrained",
                                              gridspec_kw={"width_ratios": [3.0, 2.9, 1.5], "wspace": 0.01})
        ys = list(range(len(lines)))
        for y, line in zip(ys, lines):
            left.text(0.12 * line["indent"], y, line["label"], ha="left", va="center",
                      fontweight="bold" if line["bold"] else "normal")
            right.text(0.0, y, line["text"], ha="left", va="center")
            if math.isnan(line["hr"]):
                continue
            lo, hi = max(line["lower"], low), min(line["upper"], high)
            ax.plot([lo, hi], [y, y], color=PALETTE[6], linewidth=1.0, solid_capstyle="butt")
            ax.plot([line["hr"]], [y], marker="s", markersize=4.5, color=PALETTE[0], linestyle="none")
            if line["upper"] > high:
                ax.plot([high], [y], marker=">", markersize=4, color=PALETTE[6], clip_on=False)
            if line["lower"] < low:
                ax.plot([low], [y], marker="<", markersize=4, color=PALETTE[6], clip_on=False)
        right.text(0.0, -1, style.text("survival.h.hr"), ha="left", va="center", fontweight="bold")
        ax.axvline(1.0, color=PALETTE[6], linestyle="--", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_xlim(low, high)
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: style.number(x, 0 if x >= 1 else 1 if x >= 0.1 else 2)))
        ax.set_ylim(len(lines) - 0.5, -1.5)
        ax.set_xlabel(style.text("figure.forest.xlabel"))
        ax.tick_params(axis="y", left=False, labelleft=False)
        ax.spines["left"].set_visible(False)
        for side_ax in (left, right):
            side_ax.set_xlim(0, 1)
            side_ax.axis("off")
    return fig


def forest_alt(numbers, style: Style | None = None, *, codebook=None) -> str:
    """Alt text of the forest plot: every term's HR and 95% CI in words."""
    style = style or Style()
    t = style.text
    parts = []
    for _, r in numbers.terms.iterrows():
        if r["is_reference"]:
            continue
        parts.append(t("figure.forest.alt_term", label=term_label(r, codebook, style.lang), value=hr_text(r, style)))
    return t("figure.forest.alt", terms=" ".join(parts))


def forest_caption(numbers, style: Style | None = None) -> str:
    """The caption under the forest plot (what the squares, lines and dashed line are), with the
    exploratory mark when the model has fewer than 10 events per coefficient."""
    style = style or Style()
    model = numbers.model
    caption = style.text("figure.forest.caption", n=style.count(model["n"]), events=style.count(model["events"]))
    if model["exploratory"]:
        caption += " " + style.text("figure.forest.exploratory", epv=style.number(model["events_per_variable"], 1),
                                    th=style.number(EPV_THRESHOLD, 0))
    return caption


def csv_frame(numbers, style: Style, codebook=None) -> pd.DataFrame:
    """The terms as the CSV of the table: codes and numbers, ``label`` and ``display`` (HR (95% CI))
    in the style's language, and the model's n, events, events per coefficient and global tests
    on every row."""
    out = numbers.terms.copy()
    out.insert(0, "term", [f"{v}={lv}" if k != "continuous" else v for v, k, lv in
                           zip(out["variable"], out["kind"], out["level"])])
    out["label"] = [term_label(r, codebook, style.lang) for _, r in out.iterrows()]
    out["display"] = [hr_text(r, style) for _, r in out.iterrows()]
    model = numbers.model
    for key in ("n", "n_total", "events", "n_parameters", "events_per_variable", "exploratory", "lr_p",
                "ph_global_chi2", "ph_global_df", "ph_global_p", "ph_transform"):
        out[key] = model.get(key)
    out["model_estimable"] = bool(model["estimable"])
    out["problem"] = model.get("problem") or ""
    return out


__all__ = ["csv_frame", "display_table", "forest_alt", "forest_caption", "forest_figure", "forest_rows",
           "hr_text", "ph_sentence"]
