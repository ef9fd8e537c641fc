"""Small-cell suppression of the count tables (optional; off unless ``SUPPRESS_BELOW=k``, k >= 2).

Works on numbers, before any formatting: :func:`suppress_table` takes a tidy table of
:mod:`lmlib.tables` (columns item, level, kind, n, denominator, percent, ci_low, ci_high,
multi_response) and returns a copy in which the counts that could identify a patient are
masked (NaN), with the columns

``suppressed``
    True for a masked row;
``suppression``
    why: ``"primary"`` (1 <= n < k), ``"secondary"`` (n >= k, masked so that a total does
    not give a masked count away) or ``"complement"`` (a yes/no row whose "no" count,
    denominator − n, is between 1 and k − 1); ``""`` when shown;
``suppress_below``
    k, so that :mod:`lmlib.formatting` and :mod:`lmlib.export` show "<k" (primary) or
    :data:`SECONDARY_MARK` (secondary, complement) and add the footnote.

Rules
-----
* **Primary**: 1 <= n < k is masked, with its percentage and confidence interval. Zero is a
  count no patient can be recognised in and stays.
* **Secondary**: within a mutually exclusive item (the levels of a categorical item, whose
  counts add up to the denominator the table shows; or the histologies nested in one primary
  site, with their "missing" row, adding up to the site's count), a single masked cell would
  be given away by the total minus the others, so the next smallest non-zero cell is masked
  too. A "missing" row of a categorical item is masked on its own (primary).
  A nested group whose parent count is masked but whose children are all shown would give
  the parent away: its smallest non-zero child is masked. Repeated until nothing changes.
* **Yes/no rows** (kind ``yes``): masked when 1 <= n < k or 1 <= denominator − n < k (the
  complement reveals it).
* **Multi-response options** (symptoms, accompanying metastases, cranial nerves) are
  independent yes/no questions: each is masked on its own (primary), with no secondary cell.
* Header, count and continuous rows are never masked.

Known limits (said in the README): denominators that are printed ("20/30") still show how
many patients a per-item rule or a missing value left out; the minimum and maximum of a
continuous variable are single patients' values; a cross-table's column totals are masked,
its rows are protected within each column only.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

SECONDARY_MARK = "*"
FLAG_COLUMNS = ["suppressed", "suppression", "suppress_below"]
MASKED_NUMBERS = ["n", "percent", "ci_low", "ci_high"]
EXCLUSIVE_KINDS = ("level",)
NESTED_KINDS = ("nested", "missing")

def check_k(k) -> int:
    """``k`` as an int (0 and 1 mean off); raises ValueError for a negative or non-integer k."""
    try:
        value = int(k or 0)
    except (TypeError, ValueError):
        raise ValueError(f"suppress_below must be a whole number (0 = off), not {k!r}") from None
    if value < 0 or (isinstance(k, float) and not float(k).is_integer()):
        raise ValueError(f"suppress_below must be a whole number >= 0 (0 = off), not {k!r}")
    return value


def is_small(n, k: int) -> bool:
    """True when ``n`` is a count from 1 to k − 1 (NaN and 0 are not)."""
    if n is None or n is pd.NA or (isinstance(n, float) and math.isnan(n)):
        return False
    return 1 <= float(n) < k


def active(k) -> bool:
    """Suppression is on for k >= 2 (below 2 there is no count from 1 to k − 1)."""
    return check_k(k) >= 2


# ------------------------------------------------------------------------------ tables 1 and 2

def suppress_table(table: pd.DataFrame, k) -> pd.DataFrame:
    """A copy of a tidy count table with small cells masked (see the module's rules).

    Parameters
    ----------
    table : rows of :func:`lmlib.tables.table1` / ``table2`` (or any table with the columns
        item, level, kind, n, denominator, percent, ci_low, ci_high, multi_response); not
        modified.
    k : the threshold: counts 1 to k − 1 are masked. Below 2 the table is returned
        unchanged (a copy, without the flag columns), so the default output stays the paper's.

    Returns
    -------
    The table with ``n``, ``percent``, ``ci_low``, ``ci_high`` set to NaN (``n`` to <NA>) in
    masked rows and the columns of :data:`FLAG_COLUMNS`.
    """
    k = check_k(k)
    if k < 2:
        return table.copy()
    rows = table.reset_index(drop=True)
    return _masked(table, mask_reasons(rows, k), k)


def mask_reasons(rows: pd.DataFrame, k: int, reason: np.ndarray | None = None) -> np.ndarray:
    """Why each row of a tidy table (index 0..n-1) is masked ("" when shown): the primary and
    complement rules, then the secondary rule within each mutually exclusive item until nothing
    changes. ``reason`` (optional) holds rows already masked for another reason (e.g. by a
    rule across the groups of a grouped table), which the secondary rule takes into account."""
    n = pd.to_numeric(rows["n"], errors="coerce").astype(float).to_numpy()
    denominator = pd.to_numeric(rows["denominator"], errors="coerce").astype(float).to_numpy()
    kind = rows["kind"].astype(str).to_numpy()
    reason = np.array([""] * len(rows), dtype=object) if reason is None else reason.astype(object).copy()
    countable = ~np.isin(kind, ["header", "count", "continuous"])
    for i in np.flatnonzero(countable):
        if reason[i]:
            continue
        if is_small(n[i], k):
            reason[i] = "primary"
        elif kind[i] == "yes" and not math.isnan(denominator[i]) and is_small(denominator[i] - n[i], k):
            reason[i] = "complement"
    _secondary(reason, n, _exclusive_groups(rows))
    return reason


def _secondary(reason: np.ndarray, n: np.ndarray, groups) -> bool:
    """The secondary rule over ``groups`` (members, parent) until nothing changes, in place;
    True when a cell was added."""
    added, changed = False, True
    while changed:
        changed = False
        for members, parent in groups:
            masked = [i for i in members if reason[i]]
            total_known = parent is None or not reason[parent]
            candidates = sorted((i for i in members if not reason[i] and n[i] > 0), key=lambda i: (n[i], i))
            if not candidates:
                continue
            if (total_known and len(masked) == 1) or (not total_known and not masked):
                reason[candidates[0]] = "secondary"
                changed = added = True
    return added


def _masked(table: pd.DataFrame, reason: np.ndarray, k: int) -> pd.DataFrame:
    """A copy of ``table`` with the rows of a non-empty ``reason`` masked and the flag columns."""
    flagged = reason != ""
    out = table.copy().reset_index(drop=True)
    mask = pd.Series(flagged, index=out.index)
    for column in MASKED_NUMBERS:
        if column == "n":
            try:
                out["n"] = out["n"].astype("Int64").mask(mask)
            except (TypeError, ValueError):  # weighted (non-integer) counts
                out["n"] = out["n"].astype(float).mask(mask)
        elif column in out:
            out[column] = out[column].astype(float).mask(mask)
    out["suppressed"] = flagged
    out["suppression"] = reason.astype(str)
    out["suppress_below"] = k
    out.index = table.index
    return out


def suppress_grouped(frame: pd.DataFrame, k, group_col: str = "group", overall: str = "overall") -> pd.DataFrame:
    """A copy of a table by group (:func:`lmlib.compare_groups.compare_groups`: one tidy table
    per group, stacked, Overall the sum of the groups) with small cells masked.

    Each group's column follows the rules of :func:`suppress_table` (primary, complement, and
    the secondary rule within each mutually exclusive item), and so does the Overall column.
    Across the groups a row adds up to Overall, so a row with one masked group cell and the
    Overall cell shown (or an Overall cell masked and every group cell shown) would give it
    away: the row's smallest non-zero group cell that is shown is masked too ("secondary").
    Both rules are repeated until nothing changes. The group sizes (``group_n``), which add up
    to Overall's, follow the same two rules: ``group_suppression`` says "primary" (1 to
    k − 1) or "secondary" for a size a display shows as "<k" or :data:`SECONDARY_MARK`
    (their numbers stay: the CSV blanks them). Unchanged (a copy) when k < 2.
    """
    k = check_k(k)
    out = frame.copy()
    if k < 2 or out.empty:
        return out
    groups = list(dict.fromkeys(out[group_col]))
    columns = [g for g in groups if g != overall]
    parts = {g: out[out[group_col] == g].reset_index(drop=True) for g in groups}
    size = len(parts[groups[0]])
    if any(len(p) != size for p in parts.values()):
        raise ValueError("every group of a grouped table must have the same rows")
    n = {g: pd.to_numeric(p["n"], errors="coerce").astype(float).to_numpy() for g, p in parts.items()}
    reason = {g: np.array([""] * size, dtype=object) for g in groups}
    kind = parts[groups[0]]["kind"].astype(str).to_numpy()
    countable = np.flatnonzero(~np.isin(kind, ["header", "count", "continuous"]))
    exclusive = _exclusive_groups(parts[groups[0]])
    changed = True
    while changed:
        for g in groups:
            reason[g] = mask_reasons(parts[g], k, reason[g])
        changed = False
        for i in countable:
            masked = [g for g in columns if reason[g][i]]
            shown = sorted((g for g in columns if not reason[g][i] and n[g][i] > 0), key=lambda g: (n[g][i], g))
            whole_known = overall not in reason or not reason[overall][i]
            if shown and ((whole_known and len(masked) == 1) or (not whole_known and not masked)):
                reason[shown[0]][i] = "secondary"
                changed = True
        for g in groups:  # a cell masked across the row may need a partner within its column
            changed |= _secondary(reason[g], n[g], exclusive)
    masked = {g: _masked(parts[g], reason[g], k) for g in groups}
    sizes = {g: float(parts[g]["group_n"].iloc[0]) if len(parts[g]) else 0.0 for g in columns}
    size_reason = {g: "primary" if is_small(sizes[g], k) else "" for g in columns}
    shown = sorted((g for g in columns if not size_reason[g] and sizes[g] > 0), key=lambda g: (sizes[g], g))
    if shown and sum(bool(r) for r in size_reason.values()) == 1:
        size_reason[shown[0]] = "secondary"
    for g in groups:
        masked[g]["group_suppression"] = size_reason.get(g, "")
    result = pd.concat([masked[g] for g in groups], ignore_index=True)
    order = pd.concat([out.index[out[group_col] == g].to_series() for g in groups]).to_numpy()
    result.index = order
    return result.loc[out.index]


def _exclusive_groups(rows: pd.DataFrame) -> list[tuple[list[int], int | None]]:
    """Groups of mutually exclusive rows: (positions, position of the parent row or None when
    the group's total is a number the table always shows)."""
    groups = []
    kind = rows["kind"].astype(str)
    level = rows["level"].astype(str)
    multi = rows["multi_response"].fillna(False).astype(bool) if "multi_response" in rows else \
        pd.Series(False, index=rows.index)
    nested_level = level.str.contains(":", regex=False)
    top = kind.isin(EXCLUSIVE_KINDS) & ~nested_level & ~multi
    for _, part in rows[top].groupby("item", sort=False):
        groups.append((list(part.index), None))
    children = kind.isin(NESTED_KINDS) & nested_level & ~multi
    levels = rows.index[kind.eq("level") & ~multi]
    for (item, parent_level), part in rows[children].groupby([rows["item"], level.str.split(":").str[0]],
                                                             sort=False):
        # the parent is the nearest level row above the children with that name (tables.py
        # puts the nested rows right under their parent)
        above = [i for i in levels if i < part.index.min() and level[i] == parent_level]
        groups.append((list(part.index), above[-1] if above else None))
    return groups


# ------------------------------------------------------------------------------ helpers for display

def table_k(table: pd.DataFrame) -> int:
    """The k a table was suppressed with (0 when it was not)."""
    if "suppress_below" not in table or not len(table):
        return 0
    return int(table["suppress_below"].iloc[0])


def mark(reason: str, k: int) -> str:
    """What a masked cell shows: "<k" for a count below k, :data:`SECONDARY_MARK` otherwise."""
    return f"<{k}" if reason == "primary" else SECONDARY_MARK


def count_text(n, k, digits: str = ".12g") -> str:
    """A count as text, "<k" when it is from 1 to k − 1 and suppression is on (k >= 2); whole
    numbers in full ("1000000", never "1e+06"), weighted counts with their decimals."""
    if active(k) and is_small(n, int(k)):
        return f"<{int(k)}"
    if n is None or n is pd.NA or (isinstance(n, float) and math.isnan(n)):
        return ""
    return format(float(n), digits) if digits else str(n)


def footnote(k, lang: str = "en") -> str:
    """"Counts below k are suppressed (shown as <k), with further cells suppressed where a
    total would reveal them (shown as *)." in ``lang``."""
    from .present.catalog import text

    return text("suppress.footnote", lang, k=int(k), mark=SECONDARY_MARK)


def blank_small(frame: pd.DataFrame, columns, k) -> pd.DataFrame:
    """A copy of ``frame`` with the values 1 to k − 1 of ``columns`` blanked (NaN): for the
    count columns of a shared CSV. Unchanged when k < 2."""
    out = frame.copy()
    if not active(k):
        return out
    for column in columns:
        if column in out:
            values = pd.to_numeric(out[column], errors="coerce")
            small = values.ge(1) & values.lt(int(k))
            out[column] = values.astype(float).mask(small)
    return out


# ------------------------------------------------------------------------------ cross-tables

def suppress_crosstab(crosstabs: pd.DataFrame, k) -> pd.DataFrame:
    """:func:`lmlib.crosstab.findings_by` rows with small cells masked: within each column
    (finding × group) the levels are mutually exclusive and add up to the group's size, so a
    single masked cell takes the next smallest non-zero one with it; a group smaller than k is
    masked whole (its size is shown as "<k" in the header). Adds :data:`FLAG_COLUMNS` and
    ``group_suppressed``. Unchanged (a copy) when k < 2."""
    k = check_k(k)
    out = crosstabs.copy()
    if k < 2 or out.empty:
        return out
    out = out.reset_index(drop=True)
    n = pd.to_numeric(out["n"], errors="coerce").astype(float).to_numpy()
    size = pd.to_numeric(out["group_n" if "group_n" in out else "denominator"], errors="coerce").astype(float).to_numpy()
    reason = np.array([""] * len(out), dtype=object)
    small_group = np.array([is_small(s, k) for s in size])
    for i in range(len(out)):
        if is_small(n[i], k):
            reason[i] = "primary"
        elif small_group[i] and n[i] > 0:
            reason[i] = "secondary"
    for _, part in out.groupby(["item", "by_level"], sort=False):
        members = list(part.index)
        masked = [i for i in members if reason[i]]
        candidates = sorted((i for i in members if not reason[i] and n[i] > 0), key=lambda i: (n[i], i))
        if len(masked) == 1 and candidates:
            reason[candidates[0]] = "secondary"
    flagged = reason != ""
    out["n"] = pd.Series(n, dtype=float).mask(flagged).to_numpy()
    out["percent"] = out["percent"].astype(float).mask(flagged)
    if "missing" in out:  # patients of a group without the finding recorded: a count like the others
        missing = pd.to_numeric(out["missing"], errors="coerce").astype(float)
        out["missing"] = missing.mask(missing.map(lambda v: is_small(v, k)) | pd.Series(small_group, index=out.index))
    out["suppressed"] = flagged
    out["suppression"] = reason.astype(str)
    out["suppress_below"] = k
    out["group_suppressed"] = small_group
    return out


# ------------------------------------------------------------------------------ figures, audit

def figure_hides(table: pd.DataFrame, items) -> bool:
    """True when a figure of ``items`` (drawn from a suppressed table) would show a masked
    count: the figure is then left out."""
    if "suppressed" not in table:
        return False
    items = [items] if isinstance(items, str) else list(items)
    related = table["item"].isin(items) | (table["item"].eq("histology") & ("primary_site" in items))
    return bool(table.loc[related, "suppressed"].any())


def counts_hide(counts, k) -> bool:
    """True when any of ``counts`` is from 1 to k − 1 (and suppression is on)."""
    return active(k) and any(is_small(c, int(k)) for c in counts)


def skip_figure(path, k, lang: str = "en") -> str:
    """The Markdown note that replaces a figure left out under suppression; a file of that
    figure from an earlier run (``path``, when given) is deleted, so that no figure with small
    counts stays beside the report."""
    from pathlib import Path

    if path is not None and Path(path).is_file():
        Path(path).unlink()
    from .present.catalog import text

    return text("suppress.figure", lang, k=int(k))


def mask_audit(audit: pd.DataFrame, k) -> pd.DataFrame:
    """The reproduction audit (:func:`lmlib.audit.reproduce.reproduction_audit`) with the
    computed counts from 1 to k − 1 (statistics n, events, censored) and the percentages of
    the same lines shown as "<k"; their status becomes "suppressed" (it would tell the
    count). Unchanged (a copy) when k < 2."""
    k = check_k(k)
    out = audit.copy()
    if k < 2 or out.empty:
        return out
    counts = out["statistic"].isin(["n", "events", "censored"])
    small = counts & pd.to_numeric(out["computed_value"], errors="coerce").map(lambda v: is_small(v, k))
    keys = set(zip(out.loc[small, "section"], out.loc[small, "item"], out.loc[small, "level"]))
    same_line = [(s, i, lv) in keys for s, i, lv in zip(out["section"], out["item"], out["level"])]
    hide = small | (pd.Series(same_line, index=out.index) & out["statistic"].eq("percent"))
    out["computed"] = out["computed"].astype(object).mask(hide, f"<{k}")
    out["computed_value"] = pd.to_numeric(out["computed_value"], errors="coerce").mask(hide)
    out["status"] = out["status"].astype(object).mask(hide, "suppressed")
    if "explanation" in out:
        out["explanation"] = out["explanation"].astype(object).mask(hide, "")
    return out


__all__ = ["FLAG_COLUMNS", "SECONDARY_MARK", "active", "blank_small", "check_k", "count_text",
           "counts_hide", "figure_hides", "footnote", "is_small", "mark", "mask_audit", "mask_reasons", "skip_figure",
           "suppress_crosstab", "suppress_grouped", "suppress_table", "table_k"]
