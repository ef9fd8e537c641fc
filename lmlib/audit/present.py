"""Presentation of the audit: a styled table for JupyterLab and HTML, and the summary in words."""
from __future__ import annotations

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
    style = style.format({"status": lambda s: STATUS_TEXT.get(s, s)} if "status" in columns else {}, na_rep="")
    style = style.set_properties(**{"text-align": "left", "white-space": "normal"})
    return style.set_caption(caption) if caption else style


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


# "Your series beside the published one" (a user's cohort, lmlib.audit.reproduce.side_by_side)
SIDE_BY_SIDE_TEXT = {
    "label": {"en": "Row", "tr": "Satır"},
    "statistic": {"en": "Statistic", "tr": "İstatistik"},
    "published": {"en": "Published", "tr": "Yayımlanan"},
    "computed": {"en": "Your series", "tr": "Sizin seriniz"},
    "difference": {"en": "Difference (yours − published)", "tr": "Fark (sizin − yayımlanan)"},
    "caption": {"en": "Your series beside the published one (percentages in percentage points, times in days)",
                "tr": "Sizin seriniz ve yayımlanan seri yan yana (yüzdeler yüzde puanı, süreler gün olarak)"},
}


def side_by_side_styler(frame: pd.DataFrame, lang: str = "en"):
    """:func:`lmlib.audit.reproduce.side_by_side` as a table: row, statistic, published, yours
    and the difference (with its sign; one decimal for percentages, means, SDs, SEs and
    confidence limits, none for counts and times), no verdict."""
    from ..formatting import MISSING, fmt_number

    def difference(row) -> str:
        if pd.isna(row["difference"]):
            return MISSING
        places = 1 if row["statistic"] in ("percent", "mean", "sd", "se", "ci_low", "ci_high") else 0
        text = fmt_number(row["difference"], places)
        return text if text.startswith("-") or float(row["difference"]) == 0 else f"+{text}"

    t = SIDE_BY_SIDE_TEXT
    shown = pd.DataFrame({t["label"][lang]: frame["label"], t["statistic"][lang]: frame["statistic"],
                          t["published"][lang]: frame["published"], t["computed"][lang]: frame["computed"],
                          t["difference"][lang]: [difference(r) for _, r in frame.iterrows()]})
    return (shown.style.set_uuid("sidebyside").hide(axis="index")
            .set_properties(**{"text-align": "left", "white-space": "normal"})
            .set_caption(t["caption"][lang]))
