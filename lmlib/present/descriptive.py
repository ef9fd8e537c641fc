"""Tables 1 and 2 as a reader sees them: the tidy rows of :mod:`lmlib.tables` -> cells
("17 (53.1%)") and a :class:`~lmlib.present.table.DisplayTable` with its footnotes.

Every non-default choice is stated under the table: the continuous summary with who chose it
and the Shapiro–Wilk result, multi-response percentages, a per-item denominator rule, missing
values, a nested variable that does not apply, the Wilson interval, small-cell suppression,
what the file does not record (an option without a column: "not recorded in this file"; an
item without a column: left out of the rows and named in one note, :mod:`lmlib.coverage`).
A yes/no item whose patients are left out of the previous item's denominator (lost to follow-up
under survival) is shown under that item, indented.
"""
from __future__ import annotations

import pandas as pd

from ..coverage import NOT_IN_FILE, NOT_RECORDED
from ..describe import SHAPIRO_MAX_N
from ..suppress import mark as suppressed_mark, table_k
from .numbers import DASH, Style, is_missing
from .table import DisplayTable, abbreviations

NUMBERS = {"table1": 1, "table2": 2}
ALPHA = 0.05  # the Shapiro–Wilk verdict's level


def _style(style: Style | None, lang: str, decimals: int) -> Style:
    return style if style is not None else Style(lang, decimals)


def table_n(table: pd.DataFrame) -> int:
    """The table's number of patients (its ``count`` row, else the largest denominator)."""
    count = table.loc[table["kind"] == "count", "n"]
    return int(count.iloc[0]) if len(count) else int(table["denominator"].max())


def suppressed(row) -> bool:
    """True for a row masked by :func:`lmlib.suppress.suppress_table`."""
    value = row.get("suppressed", False) if hasattr(row, "get") else False
    return not is_missing(value) and bool(value)


def cell(row, style: Style, n_total: int | None = None, trim: bool = False) -> str:
    """The value cell of one tidy row: "17 (53.1%)", "26/26 (100.0%)" when its denominator is
    not the table's, "55.4 ± 12.0 (29–75)", "not applicable"; "<k" or "*" when masked."""
    from .numbers import fmt_mean_sd, fmt_median_iqr

    kind = row["kind"]
    if kind == "header":
        return ""
    if kind in (NOT_RECORDED, NOT_IN_FILE):  # no column in the file: never a count of 0
        return style.text(f"tables.{kind}_cell")
    if suppressed(row):
        return suppressed_mark(row["suppression"], int(row["suppress_below"]))
    if kind == "not_applicable":
        return style.text("word.not_applicable")
    if kind == "count":
        return style.count(row["n"])
    if kind == "continuous":
        d, mark = style.decimals, style.decimal_mark
        if row["summary"] == "median_iqr":
            return fmt_median_iqr(row["median"], row["q1"], row["q3"], d, mark)
        return fmt_mean_sd(row["mean"], row["sd"], row["min"], row["max"], d, 0 if bool(row["integer_valued"]) else d,
                           mark)
    show = n_total is not None and not is_missing(row["denominator"]) and int(row["denominator"]) != n_total
    return style.n_percent(row["n"], row["denominator"], show_denominator=show, trim=trim)


def cells(table: pd.DataFrame, style: Style, trim: bool = False) -> tuple[list[str], list[str]]:
    """The value and CI cells of every row of a tidy table."""
    n_total = table_n(table)
    values = [cell(r, style, n_total, trim) for _, r in table.iterrows()]
    cis = ["" if r["kind"] in ("not_applicable", NOT_RECORDED, NOT_IN_FILE) else style.ci(r["ci_low"], r["ci_high"])
           for _, r in table.iterrows()]
    return values, cis


def with_display(table: pd.DataFrame, style: Style, trim: bool = False) -> pd.DataFrame:
    """A copy of a tidy table with ``display`` ("17 (53.1%)") and ``ci_display`` ("36.4–69.1")."""
    out = table.copy()
    out["display"], out["ci_display"] = cells(table, style, trim)
    return out


def _small(n, k: int, style: Style) -> str:
    """A count in a footnote: "<k" when it is from 1 to k − 1 and the table is suppressed."""
    return f"<{k}" if k >= 2 and 1 <= int(n) < k else style.count(n)


def _continuous_note(r, style: Style, k: int) -> str:
    t = style.text
    text = t(f"tables.note.{r['summary']}", label=r["label"]) + t(f"tables.note.source_{r['summary_source']}")
    if not is_missing(r["missing"]) and int(r["missing"]) > 0:
        text += t("tables.note.cont_missing", n=style.count(r["n"]), m=_small(r["missing"], k, style))
    if is_missing(r["shapiro_p"]):
        large = not is_missing(r["n"]) and int(r["n"]) > SHAPIRO_MAX_N
        text += t("tables.note.shapiro_large", max=SHAPIRO_MAX_N) if large else t("tables.note.no_shapiro")
    else:
        alpha = style.number(ALPHA, 2)
        verdict = t("tables.note.not_normal" if r["shapiro_p"] < ALPHA else "tables.note.normal", alpha=alpha)
        text += t("tables.note.shapiro", w=style.number(r["shapiro_w"], 3), p=style.p(r["shapiro_p"]), verdict=verdict)
    return text


def notes_and_marks(table: pd.DataFrame, style: Style, hide_ci: bool = True) -> tuple[list[str], list[tuple[str, str]],
                                                                                      dict[int, str]]:
    """The general notes, the footnotes [(mark, text)] and row position -> marks of a tidy table."""
    from ..suppress import footnote

    t = style.text
    k = table_k(table)
    places = t(f"decimals.{style.decimals}")
    notes = [t("tables.note.general", n=style.count(table_n(table)), places=places)]
    scratch = DisplayTable("scratch", lang=style.lang)
    marks: dict[int, str] = {}

    def mark(position: int, text: str) -> None:
        letter = scratch.footnote(text)
        if letter not in marks.get(position, ""):
            marks[position] = marks.get(position, "") + letter

    rows = table.reset_index(drop=True)
    for pos, r in rows.iterrows():
        if r["kind"] == "continuous":
            mark(pos, _continuous_note(r, style, k))
        first_of_item = pos == 0 or rows.at[pos - 1, "item"] != r["item"]
        if r["multi_response"] and first_of_item:
            mark(pos, t("tables.note.multi"))
        if r["kind"] == NOT_RECORDED:
            mark(pos, t("tables.note.not_recorded"))
        if isinstance(r["denominator_rule"], str) and first_of_item:
            counted = rows[(rows["item"] == r["item"]) & (rows["kind"] == "level")]
            rule = r["denominator_rule_label"] if isinstance(r.get("denominator_rule_label"), str) \
                else r["denominator_rule"]
            mark(pos, t("tables.note.denominator", label=r["label"], d=style.count(counted["denominator"].iloc[0]),
                        rule=rule, x=_small(r["excluded"], k, style)))
        if r["kind"] == "not_applicable":
            parent = rows.loc[:pos - 1][rows.loc[:pos - 1, "indent"] == 1]
            mark(pos, t("tables.note.not_applicable", label=r["label"],
                        parent=parent["label"].iloc[-1] if len(parent) else ""))
    absent = rows.loc[rows["kind"] == NOT_IN_FILE, "label"]
    if len(absent):
        notes.append(t("tables.note.not_in_file", labels=", ".join(dict.fromkeys(absent))))
    if (rows["kind"] == "missing").any():
        notes.append(t("tables.note.missing"))
    if not hide_ci:
        notes.append(t("tables.note.ci"))
    if k >= 2:
        notes.append(footnote(k, style.lang))
    return notes, scratch.footnotes, marks


def shown_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows a reader sees: all but the items the file has no column for (``not_in_file``,
    named in a note instead)."""
    return table[table["kind"] != NOT_IN_FILE]


def indents(table: pd.DataFrame) -> list[int]:
    """Each row's indent, with a yes/no item that is the previous item's denominator rule (lost
    to follow-up under vital status) moved one step in, under that item."""
    out = table["indent"].astype(int).tolist()
    rules = {item: rule for item, rule in zip(table["item"], table["denominator_rule"]) if isinstance(rule, str)}
    block, moved = None, None
    for i, (item, kind) in enumerate(zip(table["item"], table["kind"])):
        if item == moved or (kind == "yes" and block is not None and rules.get(block) == item):
            out[i] += 1
            moved = item
        else:
            block, moved = item, None
    return out


def display_table(table: pd.DataFrame, style: Style | None = None, *, lang: str = "en", decimals: int = 1,
                  hide_ci: bool = True, trim: bool = False, number: int | str | None = None,
                  title: str | None = None, name: str | None = None) -> DisplayTable:
    """Table 1 or 2 (a tidy table of :func:`lmlib.tables.section_table`) as a
    :class:`DisplayTable`: Characteristic, n (%) and, unless ``hide_ci``, the Wilson 95% CI.

    ``number`` and ``title`` default to the paper's (Table 1 / Table 2 and their titles in the
    style's language); one display row per tidy row, in order.
    """
    style = _style(style, lang, decimals)
    section = str(table["section"].iloc[0]) if len(table) else "table"
    name = name or section
    number = NUMBERS.get(section) if number is None else number
    if title is None:
        key = f"tables.title.{section}"
        from .catalog import has

        title = style.text(key) if has(key) else ""
    out = DisplayTable(name, number=number, title=title, lang=style.lang)
    out.add_column("label", style.text("table.characteristic"), align="left")
    out.add_column("value", style.text("table.n_percent"))
    if not hide_ci:
        out.add_column("ci", style.text("table.ci95"))
    rows = table.reset_index(drop=True)
    values, cis = cells(rows, style, trim)
    notes, footnotes, marks = notes_and_marks(rows, style, hide_ci)
    out.footnotes = list(footnotes)
    for pos, (r, indent) in enumerate(zip(rows.to_dict("records"), indents(rows))):
        if r["kind"] == NOT_IN_FILE:
            continue
        entry = {"label": r["label"], "value": values[pos]}
        if not hide_ci:
            entry["ci"] = cis[pos]
        out.add_row(entry, indent=indent, bold=r["kind"] == "header", marks={"label": marks.get(pos, "")})
    for note in notes:
        out.add_note(note)
    visible = shown_rows(rows)
    kinds = set(visible["kind"])
    used = (["sd"] if ((visible["kind"] == "continuous") & (visible["summary"] == "mean_sd")).any() else [])
    used += [] if hide_ci else ["ci"]
    used += ["cn"] if visible["item"].isin(["cranial_nerve_groups", "cranial_nerves"]).any() else []
    out.abbreviations = abbreviations(style.lang, *used) if used and kinds else ""
    return out


def notice_lines(table: pd.DataFrame, style: Style) -> list[str]:
    """One warning per item of ``table`` missing for every patient
    (:func:`lmlib.coverage.empty_items`), shown above the table: never a quiet row of zeros."""
    from ..coverage import empty_items

    return [style.text("tables.notice.all_missing", label=r.label, n=style.count(r.n))
            for r in empty_items(table).itertuples()]


def range_text(low, high, style: Style, decimals: int | None = None) -> str:
    """An interval "36.4–69.1"; "−1.0 to 15.0" (catalog's ``interval.negative``) when a limit is
    negative, where a dash would read as a minus."""
    if is_missing(low) or is_missing(high):
        return ""
    lo, hi = style.number(low, decimals), style.number(high, decimals)
    if lo.startswith("-") or hi.startswith("-"):
        return style.text("interval.negative", low=lo.replace("-", "−", 1), high=hi.replace("-", "−", 1))
    return f"{lo}{DASH}{hi}"


def bars_alt(table: pd.DataFrame, items, style: Style) -> str:
    """Alt text of a bar chart of ``items`` (one or several): each bar's label and "n (%)"."""
    items = [items] if isinstance(items, str) else list(items)
    parts = []
    for item in items:
        rows = table[(table["item"] == item) & table["kind"].isin(["level", "option", "yes"])]
        header = table[(table["item"] == item) & (table["kind"] == "header")]
        bars = "; ".join(f"{r['label']} {cell(r, style)}" for _, r in rows.iterrows())
        parts.append(f"{header['label'].iloc[0]}: {bars}" if len(header) else bars)
    return style.text("figure.bars_alt", items=". ".join(parts))
