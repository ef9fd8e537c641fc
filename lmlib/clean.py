"""Codebook-driven cleaning of a cohort (or screening-log) table.

``clean_table`` maps every input column to a codebook variable by its header aliases, drops
direct identifiers, parses every cell by the variable's type, derives the variables the paper
reports (:mod:`lmlib.derive`) and collects *every* problem as a row of file, row, column,
value and expected. Nothing here modifies its input or reads the clock.

Conventions for blank cells (documented for users in the README):

* a blank required value is an error; a blank optional value is missing (NA);
* multi-response items given as one yes/no column per option: in a row where at least one
  option is filled, a blank option means "not present"; a row with every option blank is
  missing for that item;
* cranial nerves: a blank nerve cell means not involved (exports fill only involved nerves);
* variables with ``blank:`` in the codebook take that value when blank.
"""
from __future__ import annotations

from dataclasses import dataclass
import re

import numpy as np
import pandas as pd

from . import identifiers
from .codebook import Codebook, Variable
from .derive import derive_cohort
from .normalize import match_key, tidy_text
from .parse import CellError, is_blank, parse_bool, parse_date, parse_level, parse_number
from .problems import ProblemLog
from .read import RawTable


@dataclass
class CleanResult:
    """The cleaned table (index: the input's row numbers, named ``row``), every problem found,
    and how each input column was used."""

    data: pd.DataFrame
    problems: pd.DataFrame
    columns: pd.DataFrame

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"]


def map_columns(headers, targets: dict[str, tuple]) -> pd.DataFrame:
    """How each input header maps to the codebook: columns ``input``, ``key``, ``target``
    (a tuple, or None when nothing matches)."""
    rows = [{"input": h, "key": match_key(h), "target": targets.get(match_key(h))} for h in headers]
    return pd.DataFrame(rows, columns=["input", "key", "target"])


def clean_table(
    raw: RawTable, codebook: Codebook, *, table: str = "cohort", data_cut: pd.Timestamp | None = None
) -> CleanResult:
    """Clean ``raw`` (a cohort or, with ``table="screening"``, a screening log).

    Parameters
    ----------
    raw : the table as read by :func:`lmlib.read.read_table`; not modified.
    codebook : the codebook.
    table : ``"cohort"`` or ``"screening"``.
    data_cut : the data cut-off date; dates after it are errors. None: not checked.
    """
    variables = codebook.variables if table == "cohort" else codebook.screening
    targets = codebook.header_targets if table == "cohort" else codebook.screening_header_targets
    log = ProblemLog(raw.name)
    frame = raw.frame
    colmap = map_columns(frame.columns, targets)
    by_target: dict[tuple, list[str]] = {}
    for _, entry in colmap.iterrows():
        if entry["target"] is None:
            kinds = _identifier_column(frame[entry["input"]], entry["input"])
            if kinds:  # never the values: only what they look like
                log.add(None, entry["input"], None, "a column without direct identifiers: it looks like direct "
                        f"identifiers ({kinds}); dropped", "identifier_column", severity="warning")
            elif table == "cohort" and str(entry["input"]).strip() in codebook.derived_names:
                # e.g. a registry file in the cleaned schema (lmlib.scale's Parquet parts)
                log.add(None, entry["input"], None, "only the columns it is derived from (it is computed from "
                        "them; the values given here are not used)", "derived_column", severity="warning")
            else:
                log.add(None, entry["input"], None, "a column the codebook knows (it is left out of the analysis)",
                        "unknown_column", severity="warning")
        else:
            by_target.setdefault(entry["target"], []).append(entry["input"])
    for target, columns in by_target.items():
        if len(columns) > 1:
            log.add(None, " / ".join(columns), None, f"one column for {target[1:]} (these all match it)",
                    "duplicate_column")
    first = {target: columns[0] for target, columns in by_target.items()}

    out: dict[str, pd.Series] = {}
    index = frame.index
    for var in variables:
        if var.identifier:
            continue  # direct identifiers are never copied
        if var.type == "multi_response":
            out.update(_multi_response(frame, var, codebook, first, log))
        elif var.type == "nerve_set":
            out.update(_nerves(frame, var, codebook, first, log))
        else:
            column = first.get(("variable", var.name))
            if column is None:
                out[var.name] = _empty(var, codebook, index)
                derivable = var.spec.get("derive") is not None
                if var.required and not derivable:
                    log.add(None, None, None, f"a column for '{var.label()}' (headers such as "
                            f"{', '.join(var.spec.get('aliases', [])[:3])})", "missing_column")
                continue
            out[var.name] = _parse_column(frame[column], var, codebook, column, log)
            if var.type in ("key", "text"):
                out[var.name] = _drop_identifier_cells(frame[column], out[var.name], var, column, log)
    data = pd.DataFrame(out, index=index)
    data.index.name = "row"
    if table == "cohort":
        data = derive_cohort(data, codebook, log, first, data_cut)
    _check_keys(data, variables, first, log)
    _check_nested(data, variables, first, log)
    colmap["used_as"] = [_describe_target(t) for t in colmap["target"]]
    _hide_identifier_values(log)
    colmap["input"] = _hide_identifier_headers(log, list(frame.columns))
    return CleanResult(data, log.frame(), colmap.drop(columns="target"))


def _identifier_column(cells: pd.Series, header) -> str:
    """What an unknown column's identifiers look like ("national ID, phone number"), from its
    values and its header; "" when it looks like none."""
    counts = identifiers.column_kinds(cells)
    kinds = [k for k in identifiers.KINDS if counts[k]]
    if not kinds and identifiers.header_names_identifier(header):
        kinds = ["header"]
    return identifiers.describe_kinds(kinds)


def _drop_identifier_cells(cells: pd.Series, parsed: pd.Series, var: Variable, column: str,
                           log: ProblemLog) -> pd.Series:
    """Blank the cells of a key or text column that hold a direct identifier. In a key (the
    patient id) each is an error ("patient_id looks like a national ID number: use a study
    number"); in free text a warning. The value is never repeated."""
    maybe = cells[identifiers.candidates(cells).to_numpy(dtype=bool)]
    hits = {row: kinds for row, cell in maybe.items() if (kinds := identifiers.identifier_kinds(cell))}
    if var.type == "key":  # "Ayşe Yılmaz" as the patient id
        hits.update({row: ["person_name"] for row, cell in cells.items()
                     if row not in hits and identifiers.looks_like_person_name(cell)})
    if not hits:
        return parsed
    for row, kinds in hits.items():
        noun = identifiers.NOUNS[kinds[0]]
        if var.type == "key":
            log.add(row, column, None, f"a study number ({var.name} looks like {noun}: use a study number)",
                    "identifier_in_key")
        else:
            log.add(row, column, None, f"text without direct identifiers (it looks like {noun}; the cell is "
                    "dropped)", "identifier_in_text", severity="warning")
    out = parsed.copy()
    out.loc[list(hits)] = None
    return out


def _hide_identifier_values(log: ProblemLog) -> None:
    """Replace, in every problem, a value that looks like a direct identifier (a national ID
    typed into the age column, say) by a placeholder: messages never repeat one."""
    from dataclasses import replace

    log.items[:] = [replace(p, value=identifiers.masked(p.value)) if p.value is not None else p for p in log.items]


def _hide_identifier_headers(log: ProblemLog, headers: list) -> list:
    """Name a column whose header looks like a direct identifier by its position in every
    problem ("column 7 (header withheld: ...)"), and cut long headers to about 80 characters;
    returns the headers as the column map may keep them."""
    from dataclasses import replace

    from .problems import cut

    shown = [identifiers.shown_header(h, i) if identifiers.looks_like_identifier(str(h)) else h
             for i, h in enumerate(headers, start=1)]
    hidden = {str(h): s for h, s in zip(headers, shown) if s is not h}

    def name(column):
        if column is None:
            return None
        text = str(column)
        for header, label in hidden.items():
            text = text.replace(header, label)
        return cut(text)

    log.items[:] = [replace(p, column=name(p.column)) for p in log.items]
    return shown


UNUSED_COLUMN = "not used (unknown column)"  # ``used_as`` of an input column that matched nothing


def _describe_target(target) -> str:
    if target is None:
        return UNUSED_COLUMN
    return ":".join(str(t) for t in target[1:])


def _empty(var: Variable, codebook: Codebook, index) -> pd.Series:
    return _typed(pd.Series([None] * len(index), index=index, dtype=object), var)


def _typed(values: pd.Series, var: Variable) -> pd.Series:
    if var.type == "categorical":
        return pd.Series(pd.Categorical(values, categories=var.level_names), index=values.index)
    if var.type == "boolean":
        return values.astype("boolean")
    if var.type in ("continuous", "integer"):
        return pd.to_numeric(values, errors="coerce").astype(float)
    if var.type == "date":
        return pd.to_datetime(values)
    return values.astype(object)


def _parse_column(cells: pd.Series, var: Variable, codebook: Codebook, column: str, log: ProblemLog) -> pd.Series:
    parser, blank_value = _parser(var, codebook), var.spec.get("blank")
    parsed = []
    memo: dict = {}  # each distinct cell value is parsed once: (value, expected-or-None, rule)
    for row, cell in cells.items():
        try:
            outcome = memo.get(cell)
        except TypeError:  # an unhashable cell
            outcome = None
        if outcome is None:
            outcome = _parse_cell(cell, parser, var, blank_value)
            try:
                memo[cell] = outcome
            except TypeError:
                pass
        value, expected, rule = outcome
        if expected is not None:
            log.add(row, column, None if rule == "missing_value" else cell, expected, rule)
        parsed.append(value)
    return _typed(pd.Series(parsed, index=cells.index, dtype=object), var)


def _parse_cell(cell, parser, var: Variable, blank_value) -> tuple[object, str | None, str | None]:
    """(value, expected, rule) for one cell; ``expected`` is None when the cell is valid."""
    if is_blank(cell):
        if blank_value is not None:
            return blank_value, None, None
        if var.required:
            return None, f"a value for '{var.label()}' (required)", "missing_value"
        return None, None, None
    try:
        value = parser(cell)
    except CellError as err:
        return None, str(err), f"invalid_{var.type}"
    if var.type in ("continuous", "integer") and "range" in var.spec:
        low, high = var.spec["range"]
        if not low <= value <= high:
            return None, f"{var.label()} between {low} and {high}", "out_of_range"
    return value, None, None


def _parser(var: Variable, codebook: Codebook):
    if var.type in ("continuous", "integer"):
        return parse_number
    if var.type == "date":
        return parse_date
    if var.type == "boolean":
        trues, falses = codebook.yes_no(var)
        return lambda cell: parse_bool(cell, trues, falses)
    if var.type == "categorical":
        synonyms = codebook.synonym_map(var)
        levels = [f"{lv.name} ({lv.label['tr']})" if lv.label.get("tr", lv.name) != lv.name else lv.name
                  for lv in var.levels]
        return lambda cell: parse_level(cell, synonyms, levels)
    return tidy_text  # key, text


def _multi_response(frame, var: Variable, codebook: Codebook, first: dict, log: ProblemLog) -> dict:
    index = frame.index
    options = [o.name for o in var.options]
    trues, falses = codebook.yes_no(var)
    per_option = {o: first.get(("option", var.name, o)) for o in options}
    given = {o: c for o, c in per_option.items() if c is not None}
    result = {o: pd.Series(pd.NA, index=index, dtype="boolean") for o in options}
    if given:
        for o in options:
            if o not in given:
                log.add(None, None, None, f"a column for '{var.level_label(o)}' ({var.label()}); "
                        "it is treated as not recorded", "missing_option_column", severity="warning")
        parsed = {}
        for o, column in given.items():
            values = []
            for row, cell in frame[column].items():
                if is_blank(cell):
                    values.append(None)
                    continue
                try:
                    values.append(parse_bool(cell, trues, falses))
                except CellError as err:
                    log.add(row, column, cell, str(err), "invalid_boolean")
                    values.append(None)
            parsed[o] = pd.Series(values, index=index, dtype="boolean")
        filled = pd.concat(parsed, axis=1).notna().any(axis=1)
        for o, series in parsed.items():
            result[o] = series.mask(series.isna() & filled, False)
    delimited = first.get(("variable", var.name))
    if delimited is not None:
        from_text = _split_multi(frame[delimited], var, codebook, delimited, log)
        for o in options:
            if o in given:
                clash = from_text[o].notna() & result[o].notna() & (from_text[o] != result[o])
                for row in index[clash.to_numpy(dtype=bool)]:
                    log.add(row, f"{delimited} / {given[o]}", frame.at[row, delimited],
                            f"'{var.level_label(o)}' coded the same in both columns", "inconsistent_multi_response")
            result[o] = result[o].fillna(from_text[o]) if o in given else from_text[o]
    return {var.option_column(o): s.astype("boolean") for o, s in result.items()}


def _split_multi(cells: pd.Series, var: Variable, codebook: Codebook, column: str, log: ProblemLog) -> dict:
    options = [o.name for o in var.options]
    synonyms = codebook.synonym_map(var)
    none_keys = {match_key(s) for s in var.spec.get("none_synonyms", ["none", "yok"])}
    pattern = "|".join(re.escape(d) for d in sorted(var.spec.get("delimiters", [";", ","]), key=len, reverse=True))
    out = {o: [] for o in options}
    for row, cell in cells.items():
        if is_blank(cell):
            for o in options:
                out[o].append(None)
            continue
        parts = [match_key(p) for p in re.split(pattern, tidy_text(cell).lower()) if match_key(p)]
        chosen, bad = set(), []
        for part in parts:
            if part in synonyms:
                chosen.add(synonyms[part])
            elif part not in none_keys:
                bad.append(part)
        if bad:
            log.add(row, column, cell, f"options of '{var.label()}' among: "
                    + ", ".join(var.level_label(o) for o in options), "invalid_multi_response")
        if chosen and any(p in none_keys for p in parts):
            log.add(row, column, cell, "either 'none' or options, not both", "inconsistent_multi_response")
        for o in options:
            out[o].append(None if bad else (o in chosen))
    return {o: pd.Series(v, index=cells.index, dtype="boolean") for o, v in out.items()}


def _nerves(frame, var: Variable, codebook: Codebook, first: dict, log: ProblemLog) -> dict:
    numbers = codebook.cranial_nerves["numbers"]
    columns = {n: first.get(("nerve", n)) for n in numbers}
    levels = var.level_names
    blank = var.spec.get("blank", "none")
    if not any(columns.values()):
        log.add(None, None, None, f"columns for '{var.label()}' (e.g. 'KS 7' or 'CN VII'); "
                "cranial nerves are treated as not recorded", "missing_column", severity="warning")
        return {codebook.nerve_column(n): _typed(pd.Series([None] * len(frame), index=frame.index), Variable("cn", "categorical", var.spec))
                for n in numbers}
    spec = dict(var.spec, blank=blank, required=False)
    nerve_var = Variable(var.name, "categorical", spec)
    out = {}
    for n in numbers:
        column = columns[n]
        if column is None:
            out[codebook.nerve_column(n)] = pd.Series(pd.Categorical([blank] * len(frame), categories=levels), index=frame.index)
        else:
            out[codebook.nerve_column(n)] = _parse_column(frame[column], nerve_var, codebook, column, log)
    return out


def _check_keys(data: pd.DataFrame, variables, first, log: ProblemLog) -> None:
    for var in variables:
        if var.type != "key" or var.name not in data or not var.required:
            continue
        values = data[var.name]
        dup = values.notna() & values.duplicated(keep=False)
        column = first.get(("variable", var.name), var.name)
        for row in data.index[dup.to_numpy(dtype=bool)]:
            others = [str(r) for r in data.index[(values == values[row]).to_numpy(dtype=bool)] if r != row]
            log.add(row, column, values[row], f"a unique {var.label()} (also on row {', '.join(others)})", "duplicate_id")


def _check_nested(data: pd.DataFrame, variables, first, log: ProblemLog) -> None:
    for var in variables:
        parent = var.spec.get("nested_in")
        if not parent or var.name not in data or parent not in data:
            continue
        allowed = {lv.name: set(lv.within) for lv in var.levels if lv.within}
        column = first.get(("variable", var.name), var.name)
        for row, level, parent_level in zip(data.index, data[var.name], data[parent]):
            if pd.isna(level) or pd.isna(parent_level) or level not in allowed:
                continue
            if parent_level not in allowed[level]:
                log.add(row, column, level, f"a {var.label()} possible for {parent} '{parent_level}'"
                        f" (allowed for: {', '.join(sorted(allowed[level]))})", "inconsistent_nesting")
