"""Tables 1 and 2 (and the imaging cross-tabulations) as tidy numeric DataFrames.

The layout is read, never written twice: which items a table holds and in what order comes
from ``data/published.yaml`` (the paper's row order, keys ``item``/``level``), then any other
codebook variable of the same ``section`` as extra rows; levels, labels (en/tr), nesting
(histology within primary site) and the cranial nerve groups come from the codebook.

One row per table line. Columns (:data:`ROW_COLUMNS`): ``section``, ``item``, ``level``
(the published.yaml keys: a level name, ``yes`` for a yes/no item, ``parent:level`` for a
nested level, ``missing``), ``label`` (in the requested language), ``indent`` (0-2),
``kind`` (count, continuous, header, level, nested, yes, option, missing, not_applicable;
``not_in_file`` for an item the file has no column for, one row without counts that the display
turns into a footnote; ``not_recorded`` for an option of a multi-response item the file has no
column for, or no filled cell in, while its other options are counted: see :mod:`lmlib.coverage`),
``multi_response``,
counts (``n``, ``denominator``, ``percent`` in 0-100 unrounded, Wilson ``ci_low``/``ci_high``),
continuous statistics (see :func:`lmlib.describe.continuous_summary`), ``summary`` (mean_sd
or median_iqr) with ``summary_source`` (default or parameter), and the denominator rule
(``denominator_rule`` = the column whose True rows are left out, with its label
``denominator_rule_label``, ``excluded`` = how many). A nested variable that does not apply
within a parent level (codebook ``not_applicable_within``, e.g. the histology of a tumour of
unknown primary) gets one ``not_applicable`` row (level ``parent:not_applicable``) counting
those patients, without a percentage.
Strings such as "17 (53.1%)" are made by :mod:`lmlib.formatting`.

The rows are built from counts: ``data`` is the cleaned cohort (counted here, through the
Series functions of :mod:`lmlib.describe`) or any object with the methods of
:class:`FrameCounts`, such as :class:`lmlib.scale.Aggregates` (counts aggregated from
millions of rows or a Dask cluster): the same layout code gives the same rows.
"""
from __future__ import annotations

import pandas as pd

from . import describe
from .codebook import Codebook, load_codebook
from .coverage import NOT_IN_FILE, NOT_RECORDED
from .published import load_published  # noqa: F401 - re-exported

N_ITEM = "n_patients"
GROUP_ITEM = "cranial_nerve_groups"
NOT_APPLICABLE = "not_applicable"  # kind and level of a nested row whose variable does not apply
SUMMARIES = ("mean_sd", "median_iqr")
DEFAULT_SUMMARY = "mean_sd"  # the paper: mean ± SD (min–max)
# Per-item denominators (the paper: "26 died (100%)" of the 26 patients still followed).
# A codebook variable may state its own with `denominator_excludes: <boolean column>`.
DEFAULT_DENOMINATOR_EXCLUDES = {"vital_status": "lost_to_follow_up"}
CONTINUOUS_TYPES = ("continuous", "integer")
COUNT_FIELDS = ["n", "denominator", "percent", "ci_low", "ci_high"]
ROW_COLUMNS = (["section", "item", "level", "label", "indent", "kind", "multi_response"] + COUNT_FIELDS
               + ["missing", "mean", "sd", "median", "q1", "q3", "min", "max", "shapiro_w", "shapiro_p",
                  "shapiro_note", "integer_valued", "summary", "summary_source", "denominator_rule",
                  "denominator_rule_label", "excluded"])

# Words of the tables: keys of the text catalog (lmlib/present/texts.yaml).
TEXT_KEYS = {"n_patients": "tables.n_patients", "missing": "word.missing", "yes": "word.yes", "no": "word.no",
             "by_nerve": "tables.by_nerve", "nerve": "tables.nerve", "nerve_groups": "tables.nerve_groups",
             "not_applicable": "word.not_applicable", "table": "table.caption"}


def text(key: str, lang: str = "en", **values) -> str:
    """A fixed label of the tables and figures in ``lang`` (en or tr), from the text catalog."""
    from .present.catalog import text as catalog_text

    if key == "table" and "n" in values:
        values = {"number": values.pop("n"), **values}
    return catalog_text(TEXT_KEYS.get(key, key), lang, **values)


def parse_summary(spec: str | dict | None) -> dict[str, str]:
    """Continuous summary choices from a notebook parameter such as ``"age=median_iqr"`` or
    ``"age:median_iqr"`` (the colon form fits in a papermill parameter comment).

    Several are separated by commas; a dict is checked and returned. Raises ValueError for a
    summary other than ``mean_sd`` or ``median_iqr``.
    """
    if not spec:
        return {}
    pairs = spec.items() if isinstance(spec, dict) else \
        (p.replace(":", "=", 1).split("=", 1) for p in spec.split(",") if p.strip())
    out = {}
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"continuous summary {spec!r}: write variable=mean_sd or variable=median_iqr")
        name, choice = (str(x).strip() for x in pair)
        if choice not in SUMMARIES:
            raise ValueError(f"continuous summary for {name!r} must be one of {SUMMARIES}, not {choice!r}")
        out[name] = choice
    return out


# ------------------------------------------------------------------------------ layout

def _derived(codebook: Codebook) -> dict[str, dict]:
    return {d["name"]: d for d in codebook.derived}


def _variable(codebook: Codebook, item: str):
    try:
        return codebook[item]
    except KeyError:
        return None


def item_kind(codebook: Codebook, item: str) -> str:
    """count, continuous, categorical, boolean, multi_response, nerve_set or nerve_groups."""
    if item == N_ITEM:
        return "count"
    if item == GROUP_ITEM:
        return "nerve_groups"
    var = _variable(codebook, item)
    if var is not None:
        return "continuous" if var.type in CONTINUOUS_TYPES else var.type
    derived = _derived(codebook).get(item)
    if derived is None:
        raise KeyError(f"{item!r} is neither a codebook variable nor a derived variable")
    return "continuous" if derived["rule"] in ("age_at_lm_diagnosis", "days_between") else "boolean"


def item_label(codebook: Codebook, item: str, lang: str = "en") -> str:
    """The label of an item (variable, derived variable or group) in ``lang``."""
    if item == N_ITEM:
        return text("n_patients", lang)
    if item == GROUP_ITEM:
        return text("nerve_groups", lang)
    var = _variable(codebook, item)
    if var is not None:
        return var.label(lang)
    return _derived(codebook)[item].get("label", {}).get(lang, item)


def section_items(codebook: Codebook, section: str, published: dict | None = None) -> list[str]:
    """Items of a table in display order: the paper's order (published.yaml), then the other
    codebook variables of ``section`` in codebook order. Nested variables (histology) are
    shown inside their parent and are not listed."""
    items = [N_ITEM]
    if published:
        for entry in [*published.get("continuous", []), *published.get("counts", [])]:
            if entry.get("section") == section and entry["item"] not in items:
                items.append(entry["item"])
    for var in codebook.variables:
        if var.spec.get("section") == section and var.name not in items and var.type not in ("date", "key", "identifier"):
            items.append(var.name)
    nested = {v.name for v in codebook.variables if v.spec.get("nested_in")}
    return [i for i in items if i not in nested]


def denominator_rules(codebook: Codebook, overrides: dict | None = None) -> dict[str, str]:
    """item -> boolean column whose True rows are left out of that item's denominator (and
    numerator); a patient with that column missing stays in."""
    rules = dict(DEFAULT_DENOMINATOR_EXCLUDES)
    rules.update({v.name: v.spec["denominator_excludes"] for v in codebook.variables if v.spec.get("denominator_excludes")})
    rules.update(overrides or {})
    return {k: v for k, v in rules.items() if v}


# ------------------------------------------------------------------------------ counts

class FrameCounts:
    """The counts a table needs, read off the cleaned cohort's rows (the default source).

    :class:`lmlib.scale.Aggregates` has the same methods and returns the same numbers from
    aggregated counts; :func:`section_table` takes either.
    """

    def __init__(self, data: pd.DataFrame):
        self.data = data

    def n_patients(self) -> int:
        return len(self.data)

    def has(self, column: str) -> bool:
        return column in self.data

    def continuous_summary(self, column: str) -> dict:
        return describe.continuous_summary(self.data[column])

    def categorical(self, column: str, levels: list[str], exclude: str | None = None,
                    alpha: float = 0.05) -> tuple[pd.DataFrame, int | None]:
        """Level counts (patients with ``exclude`` True left out) and how many were left out."""
        if exclude is None:
            return describe.categorical_counts(self.data[column], levels, alpha=alpha), None
        left_out = self.data[exclude].fillna(False).astype(bool)
        counts = describe.categorical_counts(self.data[column], levels, denominator_mask=~left_out, alpha=alpha)
        return counts, int(left_out.sum())

    def nested(self, parent: str, child: str, parent_level: str) -> tuple[dict[str, int], int]:
        """Patients per ``child`` level (and with ``child`` missing) within one parent level."""
        within = self.data[child][self.data[parent].astype(object) == parent_level]
        counts = within.dropna().astype(object).map(str).value_counts()
        return {str(k): int(v) for k, v in counts.items()}, int(within.isna().sum())

    def boolean(self, column: str, alpha: float = 0.05) -> pd.DataFrame:
        return describe.boolean_count(self.data[column], alpha=alpha)

    def multi_response(self, columns: dict[str, str], alpha: float = 0.05) -> pd.DataFrame:
        return describe.multi_response_counts(self.data, columns, alpha=alpha)

    def nerve_groups(self, groups: dict[str, list[str]], alpha: float = 0.05,
                     any_of: frozenset[str] = frozenset()) -> pd.DataFrame:
        flags = describe.nerve_groups(self.data, groups, any_of=any_of)
        return describe.multi_response_counts(flags, {g: g for g in groups}, alpha=alpha)

    def nerve_set(self, columns: dict[str, str], alpha: float = 0.05) -> pd.DataFrame:
        flags = describe.nerve_involvement(self.data, columns)
        return describe.multi_response_counts(flags, {c: c for c in columns}, alpha=alpha)


def counts_source(data) -> "FrameCounts":
    """``data`` as a source of counts: a DataFrame is wrapped in :class:`FrameCounts`; an
    object with the same methods (:class:`lmlib.scale.Aggregates`) is used as it is."""
    return FrameCounts(data) if isinstance(data, pd.DataFrame) else data


# ------------------------------------------------------------------------------ rows

def _row(item: str, level: str, label: str, indent: int, kind: str, **values) -> dict:
    return {"item": item, "level": level, "label": label, "indent": indent, "kind": kind, **values}


def _count_rows(item: str, counts: pd.DataFrame, labels: dict[str, str], indent: int, kind: str,
                lang: str, **extra) -> list[dict]:
    rows = []
    for rec in counts.to_dict("records"):
        missing = rec["level"] == describe.MISSING_LEVEL
        label = text("missing", lang) if missing else labels[rec["level"]]
        rows.append(_row(item, rec["level"], label, indent, "missing" if missing else kind,
                         **{k: rec[k] for k in COUNT_FIELDS}, **extra))
    return rows


def _categorical(source, codebook, var, lang, rules, alpha) -> list[dict]:
    extra, exclude = {}, None
    if var.name in rules and source.has(rules[var.name]):
        exclude = rules[var.name]
    counts, excluded = source.categorical(var.name, var.level_names, exclude, alpha)
    if exclude is not None:
        extra = {"denominator_rule": exclude, "excluded": excluded,
                 "denominator_rule_label": item_label(codebook, exclude, lang)}
    rows = [_row(var.name, "", var.label(lang), 0, "header", **extra)]
    labels = {lv.name: lv.label.get(lang, lv.name) for lv in var.levels}
    children = [v for v in codebook.variables if v.spec.get("nested_in") == var.name]
    for rec in _count_rows(var.name, counts, labels, 1, "level", lang, **extra):
        rows.append(rec)
        for child in children if rec["kind"] == "level" else []:
            rows += _nested(source, var, child, rec["level"], int(rec["denominator"]), lang, alpha)
    return rows


def _nested(source, parent, child, parent_level: str, denominator: int, lang, alpha) -> list[dict]:
    """Child levels observed within one parent level; denominator = the parent's (all patients
    with the parent recorded), as the paper prints histology percentages of all 32."""
    counts, missing = source.nested(parent.name, child.name, parent_level)
    rows = []
    for lv in child.levels:
        n = counts.get(lv.name, 0)
        if n and (not lv.within or parent_level in lv.within):
            p = describe.proportion(n, denominator, alpha=alpha)
            rows.append(_row(child.name, f"{parent_level}:{lv.name}", lv.label.get(lang, lv.name), 2, "nested",
                             **{k: p[k] for k in COUNT_FIELDS}))
    if missing and parent_level in child.spec.get("not_applicable_within", ()):
        # e.g. histology of a tumour of unknown primary: a count, but no percentage or CI of a "finding"
        rows.append(_row(child.name, f"{parent_level}:{NOT_APPLICABLE}", child.label(lang), 2, NOT_APPLICABLE,
                         n=missing, denominator=denominator))
    elif missing:
        p = describe.proportion(missing, denominator, alpha=alpha)
        rows.append(_row(child.name, f"{parent_level}:{describe.MISSING_LEVEL}", text("missing", lang), 2, "missing",
                         **{k: p[k] for k in COUNT_FIELDS}))
    return rows


def _multi(item, label, counts, labels, lang, header: bool, not_recorded=()) -> list[dict]:
    """Header, one row per option (in ``labels``' order; an option of ``not_recorded`` as a
    ``not_recorded`` row without counts), then the missing row."""
    rows = [_row(item, "", label, 0, "header", multi_response=True)] if header else []
    counted = {r["level"]: r for r in _count_rows(item, counts, labels, 1, "option", lang, multi_response=True)}
    for option, text in labels.items():
        if option in not_recorded:
            rows.append(_row(item, option, text, 1, NOT_RECORDED, multi_response=True))
        else:
            rows.append(counted.pop(option))
    return rows + list(counted.values())  # the missing row


def group_label(codebook: Codebook, group: dict, lang: str = "en") -> str:
    """A group's label with its rule when it has several nerves: "CN 4–6 (all of 4, 5, 6 involved)"."""
    label = group["label"][lang]
    if len(group["members"]) < 2:
        return label
    members = ", ".join(str(n) for n in group["members"])
    return text(f"tables.group_rule_{codebook.group_rule(group)}", lang, label=label, members=members)


def _not_recorded_options(source, columns: dict[str, str], absent) -> set[str]:
    """Options with no column in the file (``absent``, cleaned column names) or without one
    recorded value while another option has some: counted as "not recorded", never as "no"."""
    empty = {o for o, col in columns.items() if col in absent}
    for option, col in columns.items():
        if option not in empty and int(source.boolean(col)["denominator"].iloc[0]) == 0:
            empty.add(option)
    return set() if len(empty) == len(columns) else empty


def _unrecorded_nerves(source, codebook: Codebook, absent) -> set[str]:
    """Nerve columns the file has no column for (``absent``, cleaned column names), or, read
    off the cohort's rows, without one recorded cell while another nerve has some (a blank
    cell of a nerve column present is "not involved", so only an absent column is empty):
    shown as "not recorded in this file", never as 0."""
    columns = codebook.nerve_columns
    empty = {c for c in columns if c in absent}
    data = getattr(source, "data", None)
    if isinstance(data, pd.DataFrame):
        empty |= {c for c in columns if c in data and data[c].isna().all()}
    return set() if len(empty) == len(columns) else empty


def item_rows(data, codebook: Codebook, item: str, *, lang: str = "en",
              summary: dict | None = None, rules: dict | None = None, previous: str | None = None,
              alpha: float = 0.05, not_in_file=frozenset()) -> list[dict]:
    """The rows of one item (see the module docstring for the columns); ``data`` is the
    cohort or a source of counts (see :func:`counts_source`); ``not_in_file``: cleaned column
    names the file has no column for (:func:`lmlib.coverage.not_in_file`)."""
    source = counts_source(data)
    kind = item_kind(codebook, item)
    label = item_label(codebook, item, lang)
    any_nerve = [d["name"] for d in codebook.derived if d["rule"] == "any_nerve"]
    if item in not_in_file:
        nerves = codebook.nerve_variable
        if nerves is not None and nerves.name in not_in_file and (kind in ("nerve_set", "nerve_groups")
                                                                  or item in any_nerve):
            label = nerves.label(lang)  # no nerve column at all: the whole block is one label, one footnote
        return [_row(item, "", label, 0, NOT_IN_FILE)]
    if kind == "count":
        return [_row(item, "", label, 0, "count", n=source.n_patients())]
    if kind == "continuous":
        stats = source.continuous_summary(item)
        chosen = (summary or {}).get(item)
        return [_row(item, "", label, 0, "continuous", **stats, summary=chosen or DEFAULT_SUMMARY,
                     summary_source="parameter" if chosen else "default")]
    if kind == "categorical":  # a rule on a column the file does not have leaves no one out
        rules = {k: v for k, v in (rules or {}).items() if v not in not_in_file}
        return _categorical(source, codebook, codebook[item], lang, rules, alpha)
    if kind == "boolean":
        if item in any_nerve:  # over the nerves the file records: said in its label when not all twelve
            unrecorded = _unrecorded_nerves(source, codebook, not_in_file)
            numbers = [n for n in codebook.cranial_nerves["numbers"] if codebook.nerve_column(n) not in unrecorded]
            if unrecorded:
                label = text("tables.any_nerve_of", lang, label=label, nerves=", ".join(map(str, numbers)))
        rows = _count_rows(item, source.boolean(item, alpha), {"yes": label}, 0, "yes", lang)
        return [{**r, "indent": 1} if r["kind"] == "missing" else r for r in rows]  # missing row under its item
    if kind == "multi_response":
        var = codebook[item]
        columns = {o.name: var.option_column(o.name) for o in var.options}
        empty = _not_recorded_options(source, columns, not_in_file)
        counts = source.multi_response({o: c for o, c in columns.items() if o not in empty}, alpha)
        return _multi(item, label, counts, {o.name: o.label.get(lang, o.name) for o in var.options}, lang, True,
                      empty)
    if kind == "nerve_groups":
        groups = codebook.cranial_nerves.get("groups", [])
        unrecorded = _unrecorded_nerves(source, codebook, not_in_file)
        # a group with a member nerve not in the file is not recorded, never a count over the others
        empty = {g["name"] for g in groups if g["name"] in not_in_file
                 or any(codebook.nerve_column(n) in unrecorded for n in g["members"])}
        counts = source.nerve_groups({g["name"]: [codebook.nerve_column(n) for n in g["members"]] for g in groups
                                      if g["name"] not in empty},
                                     alpha, any_of=frozenset(g["name"] for g in groups
                                                             if codebook.group_rule(g) == "any"))
        header = previous not in any_nerve  # shown under "CN involvement" when it precedes
        return _multi(item, label, counts, {g["name"]: group_label(codebook, g, lang) for g in groups}, lang, header,
                      empty)
    if kind == "nerve_set":
        numbers = codebook.cranial_nerves["numbers"]
        empty = _unrecorded_nerves(source, codebook, not_in_file)
        cols = {codebook.nerve_column(n): codebook.nerve_column(n) for n in numbers
                if codebook.nerve_column(n) not in empty}
        counts = source.nerve_set(cols, alpha)
        labels = {codebook.nerve_column(n): text("nerve", lang, n=n) for n in numbers}
        return _multi(item, text("by_nerve", lang), counts, labels, lang, True, empty)
    raise ValueError(f"{item!r}: no table layout for type {kind!r}")


def section_table(data, codebook: Codebook | None = None, section: str = "table1", *,
                  summary: dict | str | None = None, lang: str = "en", published: dict | None = None,
                  denominators: dict | None = None, alpha: float = 0.05, not_in_file=None) -> pd.DataFrame:
    """A descriptive table of one codebook ``section`` as a tidy numeric DataFrame.

    Parameters
    ----------
    data : the cleaned cohort (:attr:`lmlib.cohort.Cohort.data`), not modified; or its counts
        (:class:`lmlib.scale.Aggregates`, see :func:`counts_source`).
    codebook : default ``data/codebook.yaml``.
    section : ``table1`` or ``table2``.
    summary : continuous variable -> ``mean_sd`` (default, as the paper) or ``median_iqr``;
        a string such as ``"age=median_iqr"`` is parsed by :func:`parse_summary`.
    lang : ``en`` or ``tr`` labels.
    published : the published numbers (row order); default ``data/published.yaml``.
    denominators : item -> boolean column to leave out of its denominator (None disables),
        on top of :data:`DEFAULT_DENOMINATOR_EXCLUDES` and the codebook.
    alpha : 1 - confidence level of the Wilson intervals.
    not_in_file : the items the cohort file has no column for
        (:attr:`lmlib.cohort.Cohort.not_in_file`): each is one ``not_in_file`` row (a
        footnote once displayed), an option of a multi-response item a ``not_recorded`` row.
        Without it an option with no recorded value is still shown as not recorded when
        another option of its item has values.
    """
    codebook = codebook or load_codebook()
    not_in_file = frozenset(not_in_file or ())
    published = load_published() if published is None else published
    summary = parse_summary(summary)
    items = section_items(codebook, section, published)
    unknown = set(summary) - {i for i in items if item_kind(codebook, i) == "continuous"}
    if unknown:
        raise ValueError(f"continuous summary given for {sorted(unknown)}, not continuous items of {section}")
    rules = denominator_rules(codebook, denominators)
    source = counts_source(data)
    rows, previous = [], None
    for item in items:
        rows += item_rows(source, codebook, item, lang=lang, summary=summary, rules=rules, previous=previous,
                          alpha=alpha, not_in_file=not_in_file)
        previous = item
    table = pd.DataFrame(rows).reindex(columns=ROW_COLUMNS)
    table["section"] = section
    table["multi_response"] = table["multi_response"].astype("boolean").fillna(False).astype(bool)
    for col in ("n", "denominator", "missing", "excluded"):
        table[col] = table[col].astype("Int64")
    return table.reset_index(drop=True)


def has_counts(table: pd.DataFrame, items) -> bool:
    """True when ``table`` counts ``items`` (one item or several: each has level, option, yes,
    nested or continuous rows), False when one is not in the file or not in the table."""
    kinds = ("level", "option", "yes", "nested", "continuous")
    items = [items] if isinstance(items, str) else list(items)
    return all(bool(table.loc[table["item"] == item, "kind"].isin(kinds).any()) for item in items)


def table1(data, codebook: Codebook | None = None, **kwargs) -> pd.DataFrame:
    """Table 1, demographic and clinical data (see :func:`section_table` for the arguments).

    Examples
    --------
    >>> from lmlib import tables
    >>> from lmlib.cohort import load_cohort
    >>> t1 = tables.table1(load_cohort().data)
    >>> female = t1[(t1["item"] == "sex") & (t1["level"] == "female")].iloc[0]
    >>> int(female["n"]), int(female["denominator"]), float(female["percent"])  # the paper: 12 (37.5%)
    (12, 32, 37.5)
    """
    return section_table(data, codebook, "table1", **kwargs)


def table2(data, codebook: Codebook | None = None, **kwargs) -> pd.DataFrame:
    """Table 2, MRI findings (see :func:`section_table` for the arguments).

    Examples
    --------
    >>> from lmlib import tables
    >>> from lmlib.cohort import load_cohort
    >>> t2 = tables.table2(load_cohort().data)
    >>> dura = t2[(t2["item"] == "metastases") & (t2["level"] == "dura")].iloc[0]
    >>> int(dura["n"]), int(dura["denominator"])  # the paper: 7 (21.9%)
    (7, 32)
    """
    return section_table(data, codebook, "table2", **kwargs)
