"""Tables 1 and 2 by group as a reader sees them: the long frame of
:func:`lmlib.compare_groups.compare_groups` (optionally masked by
:func:`lmlib.suppress.suppress_grouped`) -> a :class:`~lmlib.present.table.DisplayTable`.

Layout (gtsummary's ``tbl_summary(by =) |> add_overall() |> add_p()``): the characteristic,
Overall, one column per group with its size in the header ("Lung (n = 17)") under a spanning
header naming the grouping, then p (and, on request, q and the SMD). Cells are the ungrouped
table's ("17 (53.1%)", "55.4 ± 12.0 (29–75)"; the denominator shown where it is not the
column's patients). The p of a categorical item stands on its heading row, of a yes/no or
continuous item on its row, of each option of a multi-response item on the option's row; the
test behind each p is named in a footnote on it (and why an item could not be tested). The
grouping itself (and a variable nested in it) is not a row: each column is one of its levels.

Every word comes from the text catalog; numbers are formatted by the report's
:class:`~lmlib.present.numbers.Style`.
"""
from __future__ import annotations

import pandas as pd

from ..coverage import NOT_IN_FILE
from ..suppress import SECONDARY_MARK, blank_small, footnote as suppress_footnote, table_k
from .descriptive import cell, indents, notes_and_marks
from .numbers import MISSING, Style, is_missing
from .table import DisplayTable, abbreviations

OVERALL = "overall"
MISSING_ROWS = ("ifany", "always", "no")
SMD_DECIMALS = 2
EXACT = ("fisher_exact", "freeman_halton", "freeman_halton_monte_carlo")


def groups(frame: pd.DataFrame) -> list[str]:
    """The group keys of a grouped frame, Overall first, then the levels in the frame's order."""
    found = list(dict.fromkeys(frame["group"]))
    return [OVERALL] + [g for g in found if g != OVERALL]


def parts(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each group's rows (0..n-1, the same rows in the same order in every group)."""
    return {g: frame[frame["group"] == g].reset_index(drop=True) for g in groups(frame)}


def by_item(frame: pd.DataFrame) -> str | None:
    return frame.attrs.get("by")


def hidden_items(frame: pd.DataFrame, codebook=None) -> set[str]:
    """The grouping and the variables nested in it: not rows of a table by that grouping."""
    by = by_item(frame)
    if by is None:
        return set()
    nested = set()
    if codebook is not None:
        nested = {v.name for v in codebook.variables if v.spec.get("nested_in") == by}
    return {by} | nested


def group_size_text(size, suppression: str, k: int, style: Style) -> str:
    """A group's size in its header: "17"; "<k" or "*" when small-cell suppression masks it."""
    if k >= 2 and suppression:
        return f"<{k}" if suppression == "primary" else SECONDARY_MARK
    return style.count(size)


def header(label: str, size_text: str, style: Style) -> str:
    return style.text("grouped.group_head", label=label, n=size_text)


def test_footnote(row, style: Style) -> str:
    """The footnote naming the test behind a p (and why it was chosen), or why there is none."""
    t = style.text
    test = row["test"]
    if test == "not_testable":
        return t("grouped.test.not_testable", reason=t(f"grouped.reason.{row['test_reason'] or 'one_level'}"))
    text = t(f"grouped.test.{test}")
    if test in EXACT:
        return f"{text} {t('grouped.test.exact_why')}"
    if test == "pearson_chi2":
        return f"{text} {t('grouped.test.pearson_why')}"
    return f"{text}."


def _first_of_unit(rows: pd.DataFrame) -> list[bool]:
    """True on the row that shows its test unit's p: the first row of each unit."""
    seen, out = set(), []
    for unit in rows["test_unit"]:
        first = not is_missing(unit) and unit not in seen
        if first:
            seen.add(unit)
        out.append(first)
    return out


def _missing_rows(overall: pd.DataFrame, shown: pd.Series, missing: str) -> dict:
    """Where a "Missing" row is added with ``missing="always"``: {index of the row after which:
    "continuous" or "counted"}, one per shown item that has values but no missing row (after
    its whole block: a categorical item's nested rows, such as histology, belong to it)."""
    if missing != "always":
        return {}
    blocks: dict[str, list] = {}
    current = None
    for pos, (item, level) in enumerate(zip(overall["item"], overall["level"].astype(str))):
        if ":" not in level or current is None:
            current = item
        blocks.setdefault(current, []).append(pos)
    out = {}
    for item, members in blocks.items():
        rows = overall.iloc[members]
        own = rows[rows["item"] == item]
        kinds = set(own["kind"])
        if not shown.iloc[members].any() or kinds & {"missing", "count", NOT_IN_FILE}:
            continue
        out[overall.index[members[-1]]] = "continuous" if "continuous" in kinds else "counted"
    return out


def display_table(frame: pd.DataFrame, style: Style | None = None, *, codebook=None, number: int | str | None = None,
                  title: str | None = None, name: str | None = None, smd: bool = False, missing: str = "ifany",
                  by_label: str | None = None) -> DisplayTable:
    """A table by group (see the module docstring) as a :class:`DisplayTable`.

    Parameters
    ----------
    frame : :func:`lmlib.compare_groups.compare_groups` (with its ``attrs``), masked or not by
        :func:`lmlib.suppress.suppress_grouped`.
    style : the report's style (language, decimals, decimal mark, small-cell rule).
    codebook : for the label of the grouping and the variables nested in it.
    number, title, name : caption number and title (default: the section's, "Table 1" and its
        title "by" the grouping) and the file stem of its exports (default the section).
    smd : add the standardized mean difference column (tableone's).
    missing : ``"ifany"`` (the ungrouped table's "Missing" rows, where an item has missing
        values), ``"always"`` (a "Missing" row under every item, 0 included) or ``"no"``.
    by_label : the grouping's label (default from the codebook, else its name).
    """
    from .catalog import has, in_sentence

    style = style or Style()
    if missing not in MISSING_ROWS:
        raise ValueError(f"missing must be one of {MISSING_ROWS}, not {missing!r}")
    t = style.text
    by = by_item(frame) or ""
    split = parts(frame)
    keys = list(split)
    overall = split[OVERALL]
    section = str(overall["section"].iloc[0]) if len(overall) else "table"
    if by_label is None:
        by_label = _label(codebook, by, style.lang)
    if title is None:
        key = f"tables.title.{section}"
        title = t("grouped.title", title=t(key) if has(key) else section, by=in_sentence(by_label, style.lang))
    numbers = {"table1": 1, "table2": 2}
    out = DisplayTable(name or section, number=numbers.get(section) if number is None else number, title=title,
                       lang=style.lang)
    k = table_k(overall)
    first = {g: split[g].iloc[0] if len(split[g]) else None for g in keys}
    out.add_column("label", t("table.characteristic"), align="left")
    for g in keys:
        row = first[g]
        size = int(row["group_n"]) if row is not None else 0
        suppression = str(row.get("group_suppression", "") or "") if row is not None else ""
        label = t("grouped.overall") if g == OVERALL else str(row["group_label"])
        out.add_column(f"g:{g}", header(label, group_size_text(size, suppression, k, style), style))
    out.add_span(t("grouped.by", label=by_label), f"g:{keys[1]}", f"g:{keys[-1]}") if len(keys) > 1 else None
    out.add_column("p", t("grouped.p"))
    adjusted = frame.attrs.get("adjust") and overall["q"].notna().any()
    if adjusted:
        out.add_column("q", t("grouped.q"))
    if smd:
        out.add_column("smd", t("grouped.smd"))

    hide = hidden_items(frame, codebook)
    shown = ~overall["item"].isin(hide) & (overall["kind"] != NOT_IN_FILE)
    if missing == "no":
        shown &= overall["kind"] != "missing"
    notes, footnotes, label_marks = notes_and_marks(overall[overall["kind"] != "missing"] if missing == "no"
                                                    else overall, style, hide_ci=True)
    out.footnotes = list(footnotes)
    positions = overall.index[overall["kind"] != "missing"] if missing == "no" else overall.index
    label_marks = {positions[p]: m for p, m in label_marks.items()}
    indent = indents(overall)
    firsts = _first_of_unit(overall)
    added = _missing_rows(overall, shown, missing)
    shown_rows = {}
    for pos in overall.index:
        if not shown[pos]:
            continue
        r = overall.loc[pos]
        cells = {"label": r["label"]}
        for g in keys:
            row = split[g].loc[pos]
            cells[f"g:{g}"] = cell(row, style, int(row["group_n"]))
        marks = {"label": label_marks.get(pos, "")}
        nested_test = firsts[pos] and r["kind"] == "nested"
        if firsts[pos] and not nested_test:
            cells["p"] = MISSING if is_missing(r["p"]) else style.p(r["p"])
            marks["p"] = out.footnote(test_footnote(r, style))
            if adjusted:
                cells["q"] = "" if is_missing(r["q"]) else style.p(r["q"])
            if smd:
                cells["smd"] = MISSING if is_missing(r["smd"]) else style.number(r["smd"], SMD_DECIMALS)
        shown_rows[pos] = out.add_row(cells, indent=indent[pos], bold=r["kind"] == "header", marks=marks)
        if nested_test:  # a variable nested in its parent's levels: its test under the parent's heading
            heading = max((h for h in shown_rows if overall.at[h, "kind"] == "header" and h < pos), default=None)
            if heading is not None:
                out.mark(shown_rows[heading], "label",
                         _nested_note(r, _label(codebook, r["item"], style.lang), adjusted, style))
        if pos in added:
            out.add_row({"label": t("word.missing"), **{f"g:{g}": _missing_cell(split[g].loc[pos], added[pos], k, style)
                                                        for g in keys}}, indent=1)
    notes[0] = t("grouped.note.general", places=t(f"decimals.{style.decimals}"))
    for note in notes:
        out.add_note(note)
    if missing == "always":
        out.add_note(t("grouped.note.missing_always"))
    by_missing = int(frame.attrs.get("by_missing", 0) or 0)
    if by_missing:
        out.add_note(t("grouped.note.by_missing", m=_small(by_missing, k, style), by=in_sentence(by_label, style.lang)))
    tested = overall.loc[[f for f, x in zip(overall.index, firsts) if x]]
    out.add_note(t("grouped.note.p"))
    if adjusted:
        family = int(tested["p"].notna().sum())
        out.add_note(t(f"grouped.note.q_{frame.attrs['adjust']}", m=style.count(family)))
    if smd:
        out.add_note(t("grouped.note.smd"))
    if k >= 2:
        out.add_note(suppress_footnote(k, style.lang))
        out.add_note(t("grouped.note.suppressed_groups"))
    used = ["sd"] if ((overall["kind"] == "continuous") & (overall["summary"] == "mean_sd") & shown).any() else []
    used += ["cn"] if overall.loc[shown, "item"].isin(["cranial_nerve_groups", "cranial_nerves"]).any() else []
    used += ["smd"] if smd else []
    out.abbreviations = abbreviations(style.lang, *used) if used else ""
    return out


def _nested_note(row, label: str, adjusted: bool, style: Style) -> str:
    """The footnote on a heading that gives the test of the variable nested in its levels
    (histology within primary site): its label, test, p (and q)."""
    t = style.text
    p = MISSING if is_missing(row["p"]) else style.p(row["p"])
    text = t("grouped.note.nested", label=label, test=test_footnote(row, style).rstrip("."), p=p)
    if adjusted and not is_missing(row["q"]):
        text += " " + t("grouped.note.nested_q", q=style.p(row["q"]))
    return text


def _small(n, k: int, style: Style) -> str:
    return f"<{k}" if k >= 2 and 1 <= int(n) < k else style.count(n)


def _missing_cell(row, kind: str, k: int, style: Style) -> str:
    """The cell of an added "Missing" row: the continuous row's missing count, else 0, of the group."""
    m = 0 if kind != "continuous" or is_missing(row["missing"]) else int(row["missing"])
    if k >= 2 and 1 <= m < k:
        return f"<{k}"
    return style.n_percent(m, int(row["group_n"]))


def _label(codebook, item: str, lang: str) -> str:
    if codebook is None or not item:
        return item
    from ..tables import item_label

    try:
        return item_label(codebook, item, lang)
    except KeyError:
        return item


CSV_ORDER = ["section", "item", "level", "group", "group_label", "group_n", "n", "denominator", "percent", "display",
             "test", "p", "q", "smd", "statistic", "df", "df2", "smallest_expected", "test_unit", "test_reason"]


def csv_frame(frame: pd.DataFrame, style: Style) -> pd.DataFrame:
    """The numbers of a table by group as its CSV: one row per (table row, group), the tidy
    table's columns with ``group`` (a level of the grouping, or ``overall``), ``group_label``,
    ``group_n``, ``display`` (the cell as shown), ``test`` (the test's code), ``p``, ``q``,
    ``smd`` and the test's statistic and degrees of freedom. Under small-cell suppression the
    masked numbers are blank, ``display`` shows "<k" or "*", and a masked group size is blank."""
    out = frame.copy()
    out["display"] = [cell(r, style, int(r["group_n"])) for _, r in out.iterrows()]
    out["group_label"] = [style.text("grouped.overall") if g == OVERALL else lab
                          for g, lab in zip(out["group"], out["group_label"])]
    k = table_k(out)
    if "group_suppression" in out:
        out["group_n"] = out["group_n"].astype(float).mask(out["group_suppression"].astype(str) != "")
    out = blank_small(out, ["missing", "excluded"], k)
    out = out.drop(columns=["test_note"], errors="ignore")
    head = [c for c in CSV_ORDER if c in out.columns]
    return out[head + [c for c in out.columns if c not in head]]


__all__ = ["MISSING_ROWS", "OVERALL", "csv_frame", "display_table", "groups", "parts", "test_footnote"]
