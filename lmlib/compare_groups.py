"""Tables 1 and 2 split by a grouping variable, with a test per item: numbers only.

:func:`compare_groups` counts each group with the table code itself
(:func:`lmlib.tables.section_table` on the group's counts, aggregated by
:func:`lmlib.scale.aggregate`, which gives the rows of the row path exactly and is ~50 times
faster at 1e6 patients), so the rows, levels, labels, denominators and missing rows of a
grouped table are those of the ungrouped one; the contingency tables of the tests are read
off those counts (only continuous items go back to the values). Which test each item gets, the standardized mean differences and the q-values
are defined in :mod:`lmlib.group_tests`.

The frame is long (tidy): one row per (table row, group), with ``group`` = a level of ``by``
or :data:`OVERALL` (all patients with ``by`` recorded, so Overall is the sum of the groups;
patients without a ``by`` value are left out, as gtsummary does, and counted in
``frame.attrs["by_missing"]``). Pivot on ``group`` for a wide table.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import describe, group_tests, tables
from .codebook import Codebook, load_codebook
from .coverage import NOT_IN_FILE, NOT_RECORDED

OVERALL = "overall"
TEST_COLUMNS = ["test_unit", "test", "statistic", "df", "df2", "p", "q", "smd", "smallest_expected", "test_note",
                "test_reason"]
GROUP_COLUMNS = ["group", "group_label", "group_n"]
COUNTED_KINDS = ("level", "nested", "yes", "option", "missing")
GROUPING_TYPES = ("categorical", "boolean")


def grouping_levels(data: pd.DataFrame, codebook: Codebook, by: str, lang: str = "en") -> dict[str, str]:
    """The groups of ``by`` that have patients, in the codebook's order: level -> label.

    ``by`` is a categorical variable (levels and labels from the codebook) or a yes/no one
    (codebook or derived), whose groups are ``no`` and ``yes``.

    Raises
    ------
    ValueError : ``by`` is not a column of ``data``, or not a categorical or yes/no variable.
    """
    if by not in data.columns:
        raise ValueError(f"grouping variable {by!r} is not a column of the cohort")
    kind = tables.item_kind(codebook, by)
    if kind not in GROUPING_TYPES:
        raise ValueError(f"grouping variable {by!r} is {kind}; expected a categorical or yes/no variable")
    if kind == "boolean":
        flags = data[by].astype("boolean")
        labels = {"no": tables.text("no", lang), "yes": tables.text("yes", lang)}
        present = {"no": bool((flags == False).any()), "yes": bool((flags == True).any())}  # noqa: E712
        return {k: v for k, v in labels.items() if present[k]}
    var = codebook[by]
    counts = data[by].value_counts()  # per category or distinct value: fast at registry size
    observed = {str(k) for k, n in counts.items() if n > 0}
    return {lv.name: lv.label.get(lang, lv.name) for lv in var.levels if lv.name in observed}


def group_masks(data: pd.DataFrame, codebook: Codebook, by: str, levels) -> dict[str, pd.Series]:
    """Boolean row masks of each group of :func:`grouping_levels`."""
    if tables.item_kind(codebook, by) == "boolean":
        flags = data[by].astype("boolean")
        return {k: (flags == (k == "yes")).fillna(False).astype(bool) for k in levels}
    values = data[by]
    if isinstance(values.dtype, pd.CategoricalDtype):  # compare the codes, not a million strings
        names = [str(c) for c in values.cat.categories]
        codes = values.cat.codes.to_numpy()
        return {k: pd.Series(codes == names.index(k), index=data.index) for k in levels}
    text = values.astype(object).where(values.notna())
    return {k: (text.astype(str) == k) & text.notna() for k in levels}


def compare_groups(data: pd.DataFrame, codebook: Codebook | None = None, by: str = "primary_site", *,
                   section: str = "table1", tests="nonparametric", adjust: str | None = None,
                   summary=None, lang: str = "en", published: dict | None = None,
                   denominators: dict | None = None, alpha: float = 0.05,
                   expected_min: float = group_tests.EXPECTED_MIN, not_in_file=None) -> pd.DataFrame:
    """A descriptive table (``section`` of the codebook) by the groups of ``by``, with tests.

    Parameters
    ----------
    data : the cleaned cohort, not modified.
    codebook : default ``data/codebook.yaml``; any categorical or yes/no variable can be ``by``.
    by : the grouping variable (e.g. ``primary_site``, ``treatment``, ``hydrocephalus``).
    section : ``table1`` or ``table2`` (the items and their order, as :func:`lmlib.tables.section_table`).
    tests : ``"nonparametric"`` (Mann–Whitney / Kruskal–Wallis for continuous items),
        ``"parametric"`` (Welch t / one-way ANOVA), or a dict item -> one of them (items not
        named: nonparametric). Categorical items: χ² or the exact test, see
        :mod:`lmlib.group_tests`.
    adjust : ``None``, ``"bh"`` (Benjamini–Hochberg q-values) or ``"holm"``, over the tests of
        this table (one p per test unit).
    summary, lang, published, denominators, alpha, not_in_file : as
        :func:`lmlib.tables.section_table` (an item the file has no column for is one
        ``not_in_file`` row per group, an option without one a ``not_recorded`` row; neither is tested).
    expected_min : an expected count below this sends a categorical item to the exact test.

    Returns
    -------
    DataFrame with the columns of :data:`lmlib.tables.ROW_COLUMNS` (counts, percentages and
    Wilson CIs, continuous statistics, per group), then ``group`` (a level of ``by`` or
    ``"overall"``), ``group_label`` (the codebook's label of the level; None for Overall,
    whose word comes from the presentation layer's catalog), ``group_n`` (patients in the
    group), and the test of the row's test unit, the same on every group's row:
    ``test_unit`` (the item, or ``item:option`` for an option of a multi-response item, which
    is tested on its own; NaN for rows without a test such as the patient count and a
    multi-response header), ``test``, ``statistic``, ``df``, ``df2``, ``p``, ``q`` (adjusted
    p, NaN without ``adjust``), ``smd`` (tableone's SMD; the mean of the pairwise SMDs with
    more than two groups), ``smallest_expected`` (smallest expected count of a categorical
    test: below 5 the exact test is used), ``test_note`` (why this test, or why none) and
    ``test_reason`` (why none, as a code of :data:`lmlib.group_tests.REASONS`; "" when tested).
    ``by`` itself (and a variable nested in it) is not tested.
    ``frame.attrs``: ``by``, ``groups`` (level -> label), ``by_missing`` (patients left out),
    ``tests``, ``adjust``.
    """
    codebook = codebook or load_codebook()
    published = tables.load_published() if published is None else published
    if adjust not in (None,) + group_tests.ADJUSTMENTS:
        raise ValueError(f"adjust must be None or one of {group_tests.ADJUSTMENTS}, not {adjust!r}")
    levels = grouping_levels(data, codebook, by, lang)
    if OVERALL in levels:
        raise ValueError(f"grouping variable {by!r} has a level named {OVERALL!r}")
    masks = group_masks(data, codebook, by, levels)
    recorded = pd.concat(masks.values(), axis=1).any(axis=1) if masks else pd.Series(False, index=data.index)
    options = dict(summary=summary, lang=lang, published=published, denominators=denominators, alpha=alpha,
                   not_in_file=not_in_file)
    from .scale import aggregate, make_plan

    plan = make_plan(codebook, published=published, denominators=denominators, sections=(section,), km=None)
    needed = [c for c in plan.columns if c in data.columns]

    def table(mask: pd.Series) -> pd.DataFrame:  # the table code on the group's counts
        rows = data.loc[mask.to_numpy(), needed]
        return tables.section_table(aggregate(rows, codebook, plan=plan), codebook, section, **options)

    overall = table(recorded)
    parts = {OVERALL: overall}
    for level, mask in masks.items():
        parts[level] = _aligned(table(mask), overall, codebook, alpha)
    results = _tests(data, codebook, by, parts, masks, tests, expected_min)
    frames = []
    labels = {OVERALL: None, **levels}  # "Overall" is the renderer's word
    sizes = {OVERALL: int(recorded.sum()), **{k: int(m.sum()) for k, m in masks.items()}}
    for group in [*levels, OVERALL]:
        frame = parts[group].copy()
        frame["group"], frame["group_label"], frame["group_n"] = group, labels[group], sizes[group]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    unit = _test_units(overall, codebook, by)
    out["test_unit"] = np.tile(unit.to_numpy(dtype=object), len(frames))
    tested = pd.DataFrame.from_dict(results, orient="index", columns=TEST_COLUMNS[1:])
    if adjust and len(tested):
        tested["q"] = group_tests.adjust_p(tested["p"].to_numpy(), adjust)
    out = out.join(tested, on="test_unit")
    out = out.reindex(columns=list(tables.ROW_COLUMNS) + GROUP_COLUMNS + TEST_COLUMNS)
    out.attrs.update({"by": by, "groups": dict(levels), "by_missing": int((~recorded).sum()),
                      "tests": tests, "adjust": adjust})
    return out


# ------------------------------------------------------------------------------ alignment

def _aligned(group: pd.DataFrame, overall: pd.DataFrame, codebook: Codebook, alpha: float) -> pd.DataFrame:
    """A group's table on the overall table's rows: a row the group lacks (a nested level or a
    missing row nobody in the group has) gets n = 0 over the denominator of its item's rows
    in that group (its parent's for a nested item)."""
    keys = ["item", "level"]
    out = overall[keys].merge(group, on=keys, how="left", validate="one_to_one")
    out["section"] = overall["section"].to_numpy()
    for col in ("label", "indent", "kind", "multi_response"):
        out[col] = overall[col].to_numpy()
    absent = out["kind"].isin(COUNTED_KINDS) & out["n"].isna()
    for i in np.flatnonzero(absent.to_numpy()):
        den = _item_denominator(group, codebook, out.at[i, "item"])
        filled = describe.proportion(0, den, out.at[i, "level"], alpha)
        for col in tables.COUNT_FIELDS:
            out.at[i, col] = filled[col]
    for col in ("n", "denominator", "missing", "excluded"):
        out[col] = out[col].astype("Int64")
    return out


def _item_denominator(frame: pd.DataFrame, codebook: Codebook, item: str) -> int:
    rows = frame[(frame["item"] == item) & frame["kind"].isin(COUNTED_KINDS[:-1]) & frame["denominator"].notna()]
    if len(rows):
        return int(rows["denominator"].iloc[0])
    parent = codebook[item].spec.get("nested_in") if item in {v.name for v in codebook.variables} else None
    return _item_denominator(frame, codebook, parent) if parent else 0


# ------------------------------------------------------------------------------ tests

def _test_units(overall: pd.DataFrame, codebook: Codebook, by: str) -> pd.Series:
    """The test a row belongs to: the item; ``item:option`` for an option row; NaN for none."""
    units = []
    nested = {v.name for v in codebook.variables if v.spec.get("nested_in") == by}
    for item, level, kind in overall[["item", "level", "kind"]].itertuples(index=False):
        if kind in ("count", NOT_IN_FILE, NOT_RECORDED) or item == by or item in nested:
            units.append(math.nan)
        elif kind == "option":
            units.append(f"{item}:{level}")
        elif kind in ("header", "missing") and overall.loc[overall["item"] == item, "kind"].eq("option").any():
            units.append(math.nan)  # a multi-response item is tested option by option
        else:
            units.append(item)
    return pd.Series(units, index=overall.index, dtype=object)


def _tests(data, codebook, by, parts, masks, tests, expected_min) -> dict[str, tuple]:
    overall = parts[OVERALL]
    groups = list(masks)
    out = {}
    for unit in _test_units(overall, codebook, by).dropna().unique():
        item, _, option = unit.partition(":")
        kinds = set(overall.loc[overall["item"] == item, "kind"])
        if "continuous" in kinds:
            kind = tests.get(item, group_tests.NONPARAMETRIC) if isinstance(tests, dict) else tests
            values = pd.to_numeric(data[item], errors="coerce")
            samples = [values[masks[g]].to_numpy(dtype=float) for g in groups]
            result = group_tests.continuous_test(samples, kind)
            smd = group_tests.mean_pairwise(group_tests.pairwise(samples, group_tests.smd_continuous))
        else:
            counts = _contingency(parts, groups, item, option, kinds)
            result = group_tests.categorical_test(counts, expected_min=expected_min)
            smd = group_tests.mean_pairwise(group_tests.pairwise(list(counts.T), group_tests.smd_categorical))
        out[unit] = (result.test, result.statistic, result.df, result.df2, result.p, math.nan, smd,
                     result.smallest_expected, result.note, result.reason)
    return out


def _contingency(parts, groups, item, option, kinds) -> np.ndarray:
    """Levels × groups counts of a test unit, read off the groups' table rows (recorded values
    only: missing rows are not part of a test)."""
    columns = []
    for g in groups:
        rows = parts[g][parts[g]["item"] == item]
        if option:  # one option of a multi-response item: yes / no
            row = rows[rows["level"] == option].iloc[0]
            columns.append([int(row["denominator"]) - int(row["n"]), int(row["n"])])
        elif "yes" in kinds:  # a yes/no item
            row = rows[rows["kind"] == "yes"].iloc[0]
            columns.append([int(row["denominator"]) - int(row["n"]), int(row["n"])])
        elif "nested" in kinds:  # a nested item: its levels summed over the parent levels
            nested = rows[rows["kind"] == "nested"]
            child = nested["level"].str.partition(":")[2]
            columns.append(nested.groupby(child, sort=False)["n"].sum())
        else:
            columns.append(rows.loc[rows["kind"] == "level", "n"].astype(int).to_numpy())
    if "nested" in kinds and not option and "yes" not in kinds:
        frame = pd.concat(columns, axis=1).fillna(0)
        return frame.to_numpy(dtype=np.int64)
    return np.asarray(columns, dtype=np.int64).T
