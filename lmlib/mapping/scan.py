"""Scan an export: read and clean it as ``make report`` would (leniently), and collect the
suggestion blocks of the draft (:mod:`.columns`, :mod:`.values`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..clean import clean_table
from ..codebook import Codebook, load_codebook
from ..read import read_table
from ..suggest import yaml_text
from .columns import _unknown_columns
from .values import _unknown_values


@dataclass
class Scan:
    """What :func:`scan` found: the input, the codebook used, the cleaning's column map and
    problems, and the draft's parts."""

    source: Path
    n: int
    columns: pd.DataFrame
    problems: pd.DataFrame
    codebook: Codebook
    blocks: list[list[str]] = field(default_factory=list)  # suggestion blocks, comment lines


def scan(path: str | Path, study: str | Path | None = None, codebook: str | Path | None = None) -> Scan:
    """Read and clean ``path`` leniently with the codebook (and ``study``) and collect the
    suggestions of the draft study file."""
    cb = load_codebook(codebook, study=study)
    raw = read_table(path, header_keys=cb.header_targets.keys())
    result = clean_table(raw, cb)
    found = Scan(Path(path), len(raw.frame), result.columns, result.problems, cb)
    picks: dict[str, tuple] = {}
    found.blocks += _unknown_columns(raw.frame, result, cb, picks)
    # the values (and nesting) of the columns as if mapped as suggested: one round, not two
    assumed = _assuming(cb, picks)
    values_from = clean_table(raw, assumed) if assumed is not None else result
    found.blocks += _unknown_values(raw.frame, values_from, assumed or cb, set(picks))
    found.blocks += _other_problems(result, cb)
    found.blocks += _empty_means_no(values_from)
    return found


def _empty_means_no(result) -> list[list[str]]:
    """The study-file line ``blank: false`` (commented out) for every yes/no or option column
    with only "yes" recorded and empty cells left missing (the cleaning's ``only_yes`` warnings)."""
    import re

    found = result.problems[result.problems["rule"] == "only_yes"]
    lines = {}
    for column, expected in zip(found["column"], found["expected"]):
        entry = re.search(r"- \{name: [a-z0-9_]+, blank: false\}", expected)
        if entry:
            lines.setdefault(entry.group(0), []).append(column)
    if not lines:
        return []
    return [["# ---- Only \"yes\" recorded, the other cells empty (now counted as missing, so the item shows "
             "100%): if an empty cell means \"no\" in your export, uncomment:",
             *(f"# {entry}   # {', '.join(yaml_text(c) for c in columns)}" for entry, columns in lines.items())]]


def _assuming(cb: Codebook, picks: dict[str, tuple]) -> Codebook | None:
    """The codebook with each picked column's suggested mapping added (as a study file would);
    None when there is none, or when the mappings clash."""
    from ..study import StudyError, merge_study

    nerve = cb.nerve_variable.name if cb.nerve_variable else "cranial_nerves"
    entries = []
    for header, target in picks.items():
        if target[0] == "variable":
            entries.append({"name": target[1], "aliases": [header]})
            if len(target) > 2:  # and spellings of its levels
                entries[-1]["levels"] = [{"name": level, "synonyms": list(spellings)} for level, spellings in target[2]
                                         if spellings]
        elif target[0] == "option":
            entries.append({"name": target[1], "options": [{"name": target[2], "aliases": [header]}]})
        else:
            entries.append({"name": nerve, "nerve_aliases": {str(target[1]): [header]}})
    if not entries:
        return None
    try:
        return Codebook(merge_study(cb.spec, {"variables": entries}, Path("the suggestions"), Codebook), cb.path,
                        f"{cb.sha256}+suggestions")
    except StudyError:
        return None


def _other_problems(result, cb: Codebook) -> list[list[str]]:
    problems = result.problems
    used = {str(u) for u in result.columns["used_as"]}
    lines = []
    missing = [v for v in cb.variables if v.required and not v.identifier and v.name not in used
               and v.spec.get("derive") is None and not all(s in used for s in v.spec.get("derivable_from", ["-"]))]
    for var in missing:
        lines.append(f"# Required, not found: {var.label()} (name: {var.name}); if your file has it under another "
                     f"header: - {{name: {var.name}, aliases: [\"<your header>\"]}}")
    for rule, text in (("duplicate_column", "Two columns for one variable"),):
        for expected in problems.loc[problems["rule"] == rule, "expected"]:
            lines.append(f"# {text}: {expected}")
    bad = problems[problems["rule"].isin(["invalid_continuous", "invalid_integer", "invalid_date", "out_of_range"])]
    for (column, rule), group in bad.groupby(["column", "rule"], sort=False):
        values = ", ".join(yaml_text(v) for v in group["value"].dropna().unique()[:5])
        lines.append(f"# Column {yaml_text(column)}: {len(group)} cell(s) {rule.replace('_', ' ')} ({values}): "
                     "a code meaning unknown goes in missing_values; a mistyped cell is fixed in a copy of the export")
    return [["# ---- Other findings:", *lines]] if lines else []
