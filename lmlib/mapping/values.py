"""The values of an export that matched no level: their closest levels, the study-file lines that
make them spellings or new levels (a new histology ``within:`` its primary sites), numeric codes
to fill in, and known levels found under new parent levels."""
from __future__ import annotations

import re

import pandas as pd

from ..codebook import Codebook
from ..normalize import match_key
from ..parse import is_empty
from ..suggest import closest_levels, level_line, target_label, yaml_text
from .common import as_spelling, target_of, slug

LIKELY = 90  # a level this close is offered before a new level


def _unknown_values(frame: pd.DataFrame, result, cb: Codebook, assumed=frozenset()) -> list[list[str]]:
    """Suggestions for the values that matched no level, by column and value (``assumed``:
    columns read as their suggested mapping, said so in their block's title)."""
    problems = result.problems
    used = dict(zip(result.columns["input"], result.columns["used_as"]))
    blocks = []
    invalid = problems[problems["rule"].isin(["invalid_categorical", "invalid_boolean", "invalid_multi_response"])]
    nerves = invalid["column"].map(lambda c: str(used.get(c, "")).isdigit()).astype(bool)
    if nerves.any():  # the nerve columns share their spellings: one block for all of them
        group = invalid[nerves]
        var = cb.nerve_variable
        counts = group["value"].map(as_spelling).value_counts()
        lines = [f"# ---- Cranial nerve columns ({', '.join(yaml_text(c) for c in dict.fromkeys(group['column']))}): "
                 f"{len(counts)} value(s) match no spelling.", _known_levels(var)]
        for value, n in counts.items():
            lines += _value_lines(value, int(n), var, "invalid_categorical", frame, None, result, cb)
        blocks.append(lines)
    for column, group in invalid[~nerves].groupby("column", sort=False):
        target = used.get(column, "")
        var = cb[str(target).split(":")[0]]
        rule = group["rule"].iloc[0]
        if rule == "invalid_multi_response":  # the parts of the cells that no option spells
            parts = [p for cell in group["value"] for p in _parts(cell, var) if match_key(p) not in cb.synonym_map(var)]
            counts = pd.Series(parts, dtype=object).value_counts()
        else:
            counts = group["value"].map(as_spelling).value_counts()
        mapped = " if you map it as suggested above" if column in assumed else ""
        lines = [f"# ---- Column {yaml_text(column)} ({target_label(cb, target_of(target))}{mapped}): "
                 f"{len(counts)} value(s) match no spelling.", _known_levels(var)]
        if var.type == "categorical" and all(re.fullmatch(r"-?\d+", str(v)) for v in counts.index):
            lines += _code_table(var, counts)  # numeric codes without value labels: say which is which
        else:
            for value, n in counts.items():
                lines += _value_lines(value, int(n), var, rule, frame, column, result, cb)
        blocks.append(lines)
    for column, used_as in used.items():  # a known level under a parent value that is itself new
        var = next((v for v in cb.variables if v.name == str(used_as) and v.spec.get("nested_in")), None)
        if var is not None:
            lines = _nesting_of(frame, column, var, result, cb, cb.synonym_map(var), new_parents_only=True)
            if lines:
                blocks.append([f"# ---- Column {yaml_text(column)} ({target_label(cb, ('variable', var.name))}): "
                               "known levels under new parent levels.", *lines])
    nesting = problems[problems["rule"] == "inconsistent_nesting"]
    for column, group in nesting.groupby("column", sort=False):
        var = cb[str(used.get(column, "histology")).split(":")[0]]
        parent = var.spec.get("nested_in")
        lines = [f"# ---- Column {yaml_text(column)}: levels found with a {cb[parent].label()} they are not "
                 "listed under."]
        for level_label, rows in group.groupby("value")["row"]:
            level = next(lv for lv in var.levels if var.level_label(lv.name) == level_label)
            parents = sorted({str(result.data.at[r, parent]) for r in rows if pd.notna(result.data.at[r, parent])})
            lines.append(f"#   {level_label} with {', '.join(cb[parent].level_label(p) for p in parents)} "
                         f"({len(rows)} row(s)):")
            lines.append(f"# - {{name: {var.name}, levels: [{{name: {level.name}, within: [{', '.join(parents)}]}}]}}")
        blocks.append(lines)
    return blocks


def _code_table(var, counts: pd.Series) -> list[str]:
    """For numeric codes with no value labels: one line with every level and a "?" for its code,
    to fill in from the export's data dictionary (a code for a level of your own is a new level)."""
    codes = ", ".join(f"{v} ({n} rows)" for v, n in counts.items())
    levels = ", ".join(f"{{name: {lv.name}, synonyms: [\"?\"]}}" for lv in var.levels)
    return [f"#   Numeric codes {codes}: put each code in place of a \"?\" (from your data dictionary), delete the",
            "#   levels without one, and add a level of your own for a code none of them is, e.g. "
            f"{{name: colon, label: {{en: Colon, tr: Kolon}}, synonyms: [\"5\"]}}:",
            f"# - {{name: {var.name}, levels: [{levels}]}}"]


def _known_levels(var) -> str:
    """The variable's levels as a comment, with the names a study-file line uses."""
    kind = "options" if var.type == "multi_response" else "levels"
    if var.type == "boolean":
        return "#   (a yes/no variable)"
    shown = ", ".join(f"{lv.label.get('en', lv.name)} ({lv.name})" for lv in (var.options if kind == "options"
                                                                             else var.levels))
    return f"#   Its {kind} (name in brackets): {shown}."


def _parts(cell, var) -> list[str]:
    """The parts of a delimited multi-response cell, as written (see lmlib.clean._split_multi)."""
    pattern = "|".join(re.escape(d) for d in sorted(var.spec.get("delimiters", [";", ","]), key=len, reverse=True))
    none = {match_key(s) for s in var.spec.get("none_synonyms", [])}
    return [p.strip() for p in re.split(pattern, str(cell), flags=re.IGNORECASE) if match_key(p) and match_key(p) not in none]


def _nesting_of(frame, column, var, result, cb: Codebook, synonyms: dict, new_parents_only: bool = False) -> list[str]:
    """For a nested variable: its known levels found under a parent level they are not listed
    ``within`` (adenocarcinoma of a new colon primary). ``new_parents_only``: only rows whose
    parent value is itself new (the cleaning reports the others)."""
    parent = var.spec.get("nested_in")
    if not parent:
        return []
    allowed = {lv.name: set(lv.within) for lv in var.levels if lv.within}
    found: dict[str, dict[str, int]] = {}
    for row, cell in frame[column].items():
        level = synonyms.get(match_key(as_spelling(cell))) if not is_empty(cell) else None
        if level not in allowed or (new_parents_only and pd.notna(result.data.at[row, parent])):
            continue
        for name in _within(var, cell, frame, column, result, cb, [row]):
            if name not in allowed[level]:
                found.setdefault(level, {}).setdefault(name, 0)
                found[level][name] += 1
    lines = []
    for level, parents in found.items():
        where = ", ".join(f"{p} ({n} row(s))" for p, n in parents.items())
        lines.append(f"#   {var.level_label(level)} is found with {where}, where it is not listed; to allow it "
                     "(a new parent level only if you add it as one):")
        lines.append(f"# - {{name: {var.name}, levels: [{{name: {level}, within: [{', '.join(parents)}]}}]}}")
    return lines


def _value_lines(value, n: int, var, rule: str, frame, column, result, cb: Codebook, rows=None) -> list[str]:
    noun = "row" if n == 1 else "rows"
    if rule == "invalid_boolean":
        trues, falses = cb.yes_no(var)
        yes = max((m.score for m in closest_levels(value, _pseudo(trues, "true"))), default=0)
        no = max((m.score for m in closest_levels(value, _pseudo(falses, "false"))), default=0)
        order = ["true", "false"] if yes >= no else ["false", "true"]
        lines = [f"#   {yaml_text(value)} ({n} {noun}): yes or no?"]
        lines += [f"# - {{name: {var.name}, synonyms: {{{side}: [{yaml_text(value)}]}}}}" for side in order]
        return lines
    matches = closest_levels(value, var)
    close = "; ".join(f"{m.label} {m.score:.0f}%" for m in matches) or "none"
    lines = [f"#   {yaml_text(value)} ({n} {noun}): closest levels: {close}"]
    spellings = []
    for m in matches[:2]:
        spellings.append(f"#   a spelling of {m.label}:")
        spellings.append(f"# {level_line(var, m.target, value)}")
    new = []
    if var.type != "nerve_set":
        kind = "options" if var.type == "multi_response" else "levels"
        within = _within(var, value, frame, column, result, cb, rows)
        extra = f", within: [{', '.join(within)}]" if within else ""
        new.append(f"#   a new {kind[:-1]} of its own (give it an English label; the name is only internal"
                   + (", as are the names in within:" if within else "") + "):")
        new.append(f"# - {{name: {var.name}, {kind}: [{{name: {slug(value)}, label: {{en: {yaml_text(value)}, "
                   f"tr: {yaml_text(value)}}}, synonyms: [{yaml_text(value)}]{extra}}}]}}")
    # a close spelling first; else the new level first (words in common are not the same level)
    likely = bool(matches) and matches[0].score >= LIKELY
    return lines + (spellings + new if likely else new + spellings)


def _pseudo(keys: set[str], name: str):
    """The yes or the no spellings as a one-level variable, for :func:`closest_levels`."""
    from ..codebook import Variable

    return Variable(name, "categorical", {"levels": [{"name": name, "label": {"en": name}, "synonyms": sorted(keys)}]})


def _within(var, value, frame, column, result, cb: Codebook, rows=None) -> list[str]:
    """For a new nested level (a histology): the parent levels of the rows it occurs in, as
    names (a parent value that is itself new gets the name a new level of it would have)."""
    parent = var.spec.get("nested_in")
    if not parent:
        return []
    if rows is None:
        problems = result.problems
        rows = problems[(problems["column"] == column) & (problems["value"].map(as_spelling) == str(value))]["row"]
    names = []
    for row in rows:
        level = result.data.at[row, parent] if row in result.data.index else None
        if pd.notna(level):
            names.append(str(level))
        else:
            parent_column = next((c for c, u in zip(result.columns["input"], result.columns["used_as"]) if u == parent), None)
            if parent_column is not None and not is_empty(frame.at[row, parent_column]):
                names.append(slug(frame.at[row, parent_column]))
    return sorted(set(names))
