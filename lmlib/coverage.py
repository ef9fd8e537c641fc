"""What a cohort file records: the items it has no column for, and the items missing for every patient.

Two different facts, never confused with a count of zero:

* **not in this file**: the export has no column for a variable (field strength), for one
  option of a multi-response item (a headache column under a header nobody recognised), or
  for an item derived from one (isolated LM needs every metastasis site). Found from how the
  input's columns were used (:attr:`lmlib.cohort.Cohort.columns`), so it is known before any
  value is read. The tables leave such a variable out with one footnote and show such an
  option as "not recorded in this file"; the other options keep their counts.
* **100% missing**: the column is there but not one cell holds a known value (all empty or
  "unknown"). The load warns (rule ``all_missing``), ``make report`` says it loudly, and the
  report shows a notice above the table (:func:`empty_items`, said by
  :func:`lmlib.present.descriptive.notice_lines`).

Numbers and names here; the words are in the text catalog.
"""
from __future__ import annotations

import pandas as pd

from .codebook import Codebook

NOT_IN_FILE = "not_in_file"  # a table row kind: the item has no column in this file
NOT_RECORDED = "not_recorded"  # a table row kind: one option of a multi-response item has none
NOT_APPLICABLE = "not_applicable"  # lmlib.tables.NOT_APPLICABLE: a nested variable that does not apply
GROUP_ITEM = "cranial_nerve_groups"  # lmlib.tables.GROUP_ITEM (not imported: tables imports this)

def _used(columns: pd.DataFrame) -> set[str]:
    """The ``used_as`` targets of the input's columns (``age``, ``symptoms:headache``, ``7``)."""
    return {str(u) for u in columns["used_as"]} if "used_as" in columns else set()


def not_in_file(columns: pd.DataFrame, codebook: Codebook) -> list[str]:
    """Cleaned columns and table items that no input column stands for.

    Parameters
    ----------
    columns : how each input column was used (:attr:`lmlib.cohort.Cohort.columns`: ``input``,
        ``used_as`` as ``variable``, ``variable:option`` or the nerve number).
    codebook : the codebook the cohort was cleaned with.

    Returns
    -------
    Names, in codebook order: variables (``field_strength``), option columns of a
    multi-response item (``symptoms_headache``; the item itself when every option is absent),
    the nerve set with its derived items (``cranial_nerves``, ``cn_any``, the groups item) when
    no nerve has a column, else each nerve without one (``cn_4``) and each group with such a
    member nerve (``cn_group_4_6``; the groups item too when that is every group), and
    the derived variables whose source is absent (``isolated_lm`` when a metastasis site is).
    A variable derived when its column is absent (age from a birth date, vital status from a
    death date) counts as present when its sources are.
    """
    used = _used(columns)
    absent: list[str] = []
    derived = {d["name"]: d for d in codebook.derived}
    for var in codebook.variables:
        if var.identifier or var.type in ("identifier", "key"):
            continue
        if var.type == "multi_response":
            delimited = var.name in used
            missing = [o.name for o in var.options if not delimited and f"{var.name}:{o.name}" not in used]
            absent += [var.option_column(o) for o in missing]
            if len(missing) == len(var.options):
                absent.append(var.name)
        elif var.type == "nerve_set":
            numbers = codebook.cranial_nerves.get("numbers", [])
            groups = codebook.cranial_nerves.get("groups", [])
            recorded = {n for n in numbers if str(n) in used}
            if not recorded:
                absent += [var.name, GROUP_ITEM, *codebook.nerve_columns,
                           *(d["name"] for d in codebook.derived if d["rule"] == "any_nerve"),
                           *(g["name"] for g in groups)]
            else:  # some nerves: the others, and each group with one of them, are not in this file
                absent += [codebook.nerve_column(n) for n in numbers if n not in recorded]
                partial = [g["name"] for g in groups if not set(g["members"]) <= recorded]
                absent += partial
                if groups and len(partial) == len(groups):
                    absent.append(GROUP_ITEM)
        elif var.name not in used:
            sources = derivable_from(var, codebook)
            if not (sources and all(s in used for s in sources)):
                absent.append(var.name)
    for name, spec in derived.items():
        if name in absent or spec["rule"] in ("any_nerve", "age_at_lm_diagnosis"):
            continue
        if spec["rule"] == "none_of":
            var = codebook[spec["from"][0]]
            if any(var.option_column(o.name) in absent for o in var.options):
                absent.append(name)
        elif spec["rule"] == "days_between":  # from the start to the first end date given
            start, *ends = spec["from"]
            if start in absent or all(e in absent for e in ends):
                absent.append(name)
        elif spec["rule"] == "event_flag":
            if all(s in absent for s in spec["from"]):
                absent.append(name)
    return list(dict.fromkeys(absent))


def derivable_from(var, codebook: Codebook) -> list[str]:
    """The variables ``var`` is derived from when its own column is absent: the ``from`` of
    its ``derive`` rule (age: birth date and LM diagnosis date), or its ``derivable_from``."""
    rule = var.spec.get("derive")
    for spec in codebook.derived:
        if rule and spec["rule"] == rule:
            return list(spec["from"])
    return list(var.spec.get("derivable_from", []))


def empty_items(table: pd.DataFrame) -> pd.DataFrame:
    """Items of a tidy table (:mod:`lmlib.tables`) that are missing for every patient.

    Returns a DataFrame with ``item``, ``label`` and ``n`` (the patients, all missing), one row
    per item, in table order; empty when every item has a recorded value or the table has no
    patient. An item not in the file (row kind ``not_in_file``) is not listed: it is said in a
    footnote, not in a notice.
    """
    count = table.loc[table["kind"] == "count", "n"]
    total = int(count.iloc[0]) if len(count) else 0
    rows = []
    if total == 0:
        return pd.DataFrame(rows, columns=["item", "label", "n"])
    for item, group in table.groupby("item", sort=False):
        kinds = set(group["kind"])
        if NOT_IN_FILE in kinds or "count" in kinds:
            continue
        label = group["label"].iloc[0]
        if "continuous" in kinds:
            r = group.iloc[0]
            empty = int(r["n"]) == 0 and int(r["missing"]) == total
        else:
            top = group[(group["kind"] == "missing") & (group["indent"] <= 1)]
            nested = group[(group["kind"] == "missing") & (group["indent"] == 2)]
            not_applicable = group.loc[group["kind"] == NOT_APPLICABLE, "n"]
            counted = group[~group["kind"].isin(["header", "missing", NOT_RECORDED, NOT_APPLICABLE])]
            if len(top):
                empty = int(top["n"].sum()) == total
            else:  # a nested variable (histology) shows its missing rows under each parent level
                empty = len(nested) > 0 and int(nested["n"].sum() + not_applicable.sum()) == total and counted.empty
        if empty:
            rows.append({"item": item, "label": label, "n": total})
    return pd.DataFrame(rows, columns=["item", "label", "n"])
