"""The exploratory cross-tabulations (:func:`lmlib.crosstab.findings_by`) as a reader sees them.

One column per group ("Lung (n = 17)") under a spanning header, n (%) of the column, one p per
finding with its test as a footnote. A yes/no finding is one row (the patients with it); a
categorical finding a heading row with its levels under it. Two yes/no findings that are exact
complements in every patient (isolated LM and parenchymal metastasis) are the same test: its p
is given once, and the second row says so.
"""
from __future__ import annotations

import pandas as pd

from ..suppress import mark as suppressed_mark
from .numbers import Style, is_missing
from .table import DisplayTable

YES_NO = {"yes", "no"}


def cells(crosstabs: pd.DataFrame, style: Style) -> list[str]:
    """"n (%)" of each cross-tabulation row, "n/d (%)" when the finding is not recorded for
    every patient of the group (d: those with it recorded, as journals print it); "<k" or "*"
    for a cell masked by :func:`lmlib.suppress.suppress_crosstab`."""
    out = []
    for _, r in crosstabs.iterrows():
        masked = "suppressed" in r and not is_missing(r["suppressed"]) and bool(r["suppressed"])
        partly = "missing" in r and (is_missing(r["missing"]) or int(r["missing"]) > 0)
        out.append(suppressed_mark(r["suppression"], int(r["suppress_below"])) if masked
                   else style.n_percent(r["n"], r["denominator"], show_denominator=partly))
    return out


def group_sizes(crosstabs: pd.DataFrame) -> dict:
    """Patients of each group (``group_n``; without it the largest denominator of its column),
    in column order."""
    column = "group_n" if "group_n" in crosstabs else "denominator"
    return crosstabs.groupby("by_level", sort=False)[column].max().to_dict()


def missing_cells(part: pd.DataFrame, style: Style, k: int) -> dict | None:
    """The Missing row of one finding (patients of each group without it recorded), or None
    when it is recorded for everyone; a count from 1 to k − 1 masked as "<k"."""
    if "missing" not in part:
        return None
    per_group = part.groupby("by_level", sort=False)["missing"].first()
    if not (per_group.isna() | (per_group.fillna(0) > 0)).any():
        return None
    return {f"g:{lv}": f"<{k}" if is_missing(m) else style.count(m) for lv, m in per_group.items()}


def complements(crosstabs: pd.DataFrame) -> dict[str, str]:
    """Yes/no findings that are the exact complement of an earlier one in every group (so the
    same table, mirrored, and the same test): later item -> earlier item."""
    counts = {}
    for item, part in crosstabs.groupby("item", sort=False):
        if set(part["level"]) != YES_NO:
            continue
        yes = part[part["level"] == "yes"].set_index("by_level")
        counts[item] = (yes["n"].astype(float), yes["denominator"].astype(float))
    out, items = {}, list(counts)
    for j, later in enumerate(items):
        for earlier in items[:j]:
            if earlier in out:
                continue
            (n_a, d_a), (n_b, d_b) = counts[earlier], counts[later]
            if n_a.index.equals(n_b.index) and d_a.equals(d_b) and (d_a > 0).any() and (n_b == d_a - n_a).all():
                out[later] = earlier
                break
    return out


def display_table(crosstabs: pd.DataFrame, style: Style | None = None, *, number: int | str | None = 3,
                  title: str | None = None, by_label: str | None = None, name: str = "crosstabs",
                  not_in_file=()) -> DisplayTable:
    """The cross-tabulations as a :class:`DisplayTable` (see the module docstring);
    ``not_in_file``: labels of the findings the file has no column for
    (:func:`lmlib.crosstab.not_in_file_labels`), named in one note."""
    style = style or Style()
    t = style.text
    out = DisplayTable(name, number=number, title=t("crosstab.title") if title is None else title, lang=style.lang)
    if crosstabs.empty:
        return out
    frame = crosstabs.reset_index(drop=True).copy()
    frame["cell"] = cells(frame, style)
    k = int(frame["suppress_below"].iloc[0]) if "suppress_below" in frame else 0
    sizes = group_sizes(frame)
    labels = dict(zip(frame["by_level"], frame["by_label"]))
    out.add_column("label", t("crosstab.finding"), align="left")
    for level, size in sizes.items():
        n = f"<{k}" if k >= 2 and 1 <= size < k else style.count(size)
        out.add_column(f"g:{level}", t("crosstab.group_head", label=labels[level], n=n))
    out.add_column("p", t("crosstab.p"))
    keys = [f"g:{level}" for level in sizes]
    by = by_label if by_label is not None else str(frame.get("by_item_label", pd.Series([""])).iloc[0] or "")
    if by:
        out.add_span(t("crosstab.by", label=by), keys[0], keys[-1])
    same = complements(frame)
    item_labels = dict(zip(frame["item"], frame["item_label"]))
    for item, part in frame.groupby("item", sort=False):
        first = part.iloc[0]
        test_mark = out.footnote(t(f"crosstab.test.{first['test']}"))
        p_cell = {"p": style.p(first["p_value"])}
        p_marks = {"p": test_mark}
        if item in same:
            p_cell, p_marks = {"p": ""}, {}
        if set(part["level"]) == YES_NO:
            yes = part[part["level"] == "yes"].set_index("by_level")["cell"]
            row = out.add_row({"label": first["item_label"], **{f"g:{lv}": yes.get(lv, "") for lv in sizes}, **p_cell},
                              marks=p_marks)
        else:
            row = out.add_row({"label": first["item_label"], **p_cell}, bold=True, marks=p_marks)
            for level, rows in part.groupby("level", sort=False):
                values = rows.set_index("by_level")["cell"]
                out.add_row({"label": rows["label"].iloc[0], **{f"g:{lv}": values.get(lv, "") for lv in sizes}},
                            indent=1)
        missing = missing_cells(part, style, k)
        if missing is not None:
            out.add_row({"label": t("word.missing"), **missing}, indent=1)
        if item in same:
            out.mark(row, "label", t("crosstab.same_test", finding=first["item_label"],
                                     other=item_labels[same[item]]))
    out.add_note(t("crosstab.note"))
    if "missing" in frame and (frame["missing"].isna() | (frame["missing"].fillna(0) > 0)).any():
        out.add_note(t("crosstab.missing"))
    if len(not_in_file):
        out.add_note(t("tables.note.not_in_file", labels=", ".join(dict.fromkeys(not_in_file))))
    if (frame.groupby("item", sort=False)["level"].agg(lambda s: set(s) == YES_NO)).any():
        out.add_note(t("crosstab.yes_row"))
    if k >= 2:
        from ..suppress import footnote

        out.add_note(footnote(k, style.lang))
    return out


def csv_frame(crosstabs: pd.DataFrame, style: Style) -> pd.DataFrame:
    """Cross-tabulations with ``display`` (n (%) of the column; "<k" or "*" when masked, whose
    group sizes below k are then blank) and ``p_display``, the CSV's first columns first."""
    out = crosstabs.copy()
    out["display"] = cells(crosstabs, style)
    if "group_suppressed" in out:
        out["denominator"] = out["denominator"].astype(float).mask(out["group_suppressed"].astype(bool))
    out["p_display"] = [style.p(p) for p in crosstabs["p_value"]]
    return out
