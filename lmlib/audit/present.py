"""Presentation of the audit: a styled table for JupyterLab and HTML, and the summary in words."""
from __future__ import annotations

import html

import pandas as pd

STATUS_COLOURS = {
    "exact": "#e8f5e9", "rounding": "#e8f5e9", "consistent": "#e8f5e9",
    "truncation": "#fff59d", "consistent_truncated": "#fff59d", "note": "#bbdefb",
    "paper_inconsistent": "#ffcc80", "inconsistent": "#ffcc80", "mismatch": "#ef9a9a",
}
STATUS_TEXT = {
    "exact": "exact", "rounding": "matches after rounding", "truncation": "matches after truncation",
    "paper_inconsistent": "differs: the paper is inconsistent", "mismatch": "DIFFERS (unexplained)",
    "consistent": "consistent", "consistent_truncated": "consistent only if truncated",
    "inconsistent": "inconsistent", "note": "note",
}


def styler(frame: pd.DataFrame, columns: list[str], caption: str = "") -> "pd.io.formats.style.Styler":
    """``frame[columns]`` with each row tinted by its ``status`` (fixed uuid: reproducible HTML)."""
    shown = frame[columns].reset_index(drop=True)
    tint = frame["status"].map(STATUS_COLOURS).fillna("").reset_index(drop=True)
    style = shown.style.set_uuid("audit").hide(axis="index")
    style = style.apply(lambda row: [f"background-color: {tint[row.name]}" if tint[row.name] else ""] * len(row), axis=1)
    style = style.format(na_rep="", escape="html").format_index(escape="html", axis=1)
    if "status" in columns:
        style = style.format({"status": lambda s: STATUS_TEXT.get(s, s)}, na_rep="", escape="html")
    style = style.set_properties(**{"text-align": "left", "white-space": "normal"})
    return style.set_caption(html.escape(caption)) if caption else style


def status_counts(frame: pd.DataFrame) -> pd.Series:
    """How many rows have each status, in the order of :data:`STATUS_TEXT`."""
    counts = frame["status"].value_counts()
    return counts.reindex([s for s in STATUS_TEXT if s in counts.index])


def summary_sentence(audit: pd.DataFrame) -> str:
    """One paragraph saying how many published numbers were reproduced and which were not."""
    total = len(audit)
    matched = int(audit["status"].isin(["exact", "rounding", "truncation"]).sum())
    parts = [f"Of {total} published numbers, {matched} are reproduced "
             f"({int((audit['status'] == 'exact').sum())} exactly, "
             f"{int((audit['status'] == 'rounding').sum())} after rounding to the paper's precision, "
             f"{int((audit['status'] == 'truncation').sum())} only after truncation)."]
    explained = audit[audit["status"] == "paper_inconsistent"]
    for row in explained.itertuples(index=False):
        parts.append(f"{row.item} {row.level} ({row.statistic}): published {row.published}, computed "
                     f"{row.computed}; the paper's own numbers disagree here.")
    unexplained = audit[audit["status"] == "mismatch"]
    if len(unexplained):
        parts.append(f"{len(unexplained)} number(s) differ without an explanation in the paper: "
                     + "; ".join(f"{r.item} {r.level} {r.statistic} (published {r.published}, computed {r.computed})"
                                 for r in unexplained.itertuples(index=False)) + ".")
    else:
        parts.append("No number differs without an explanation.")
    return " ".join(parts)
