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
* cranial nerves: a blank cell of a nerve column means not involved (exports fill only involved
  nerves); a nerve without a column is not recorded in this file (missing, never "not involved");
* variables with ``blank:`` in the codebook take that value when blank (a study file's
  ``blank: false``: an empty yes/no cell, or an empty option cell, means "no");
* a yes/no column (or an option column) whose recorded values are all "yes" while some empty
  cells stay missing gets a warning (rule ``only_yes``): its 100% is most likely an export that
  marks present findings only, and the warning gives the study-file line that says so.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import identifiers
from .codebook import Codebook, Variable, describe_target
from .derive import derive_cohort
from .normalize import match_key, tidy_text
from .multi_response import multi_response
from .parse import EMPTY, INVALID, UNKNOWN, VALUE, CellError, classify, is_empty, parse_bool, parse_date, parse_level, parse_number
from .problems import ProblemLog
from .read import RawTable
from .suggest import header_hint, level_hint


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
    for row, note in getattr(raw, "notes", ()):
        log.add(row, None, None, note, "totals_row", severity="warning")
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
                hint = header_hint(entry["input"], codebook) if table == "cohort" else ""
                log.add(None, entry["input"], None, "a column the codebook knows (it is left out of the analysis)"
                        + hint, "unknown_column", severity="warning")
        else:
            by_target.setdefault(entry["target"], []).append(entry["input"])
    for target, columns in by_target.items():
        if len(columns) > 1:
            shown = ("both " if len(columns) == 2 else "each of ") + " and ".join(f"'{c}'" for c in columns)
            log.add(None, " / ".join(columns), None, f"one column for '{describe_target(variables, target)}' "
                    f"({shown} match it): keep one, or give the other its own variable in a study file",
                    "duplicate_column")
    first = {target: columns[0] for target, columns in by_target.items()}

    out: dict[str, pd.Series] = {}
    index = frame.index
    for var in variables:
        if var.identifier:
            continue  # direct identifiers are never copied
        if var.type == "multi_response":
            unmatched = [c for c, t in zip(colmap["input"], colmap["target"]) if t is None]
            out.update(multi_response(frame, var, codebook, first, log, unmatched))
        elif var.type == "nerve_set":
            out.update(_nerves(frame, var, codebook, first, log))
        else:
            column = first.get(("variable", var.name))
            sources = var.spec.get("derivable_from", [])
            derivable = bool(sources) and all(("variable", s) in first for s in sources)
            if column is None:
                out[var.name] = _empty(var, codebook, index)
                if var.required and not derivable and var.spec.get("derive") is None:
                    log.add(None, None, None, _missing_column(var, codebook, first), "missing_column")
                continue
            if derivable and var.required:  # a blank cell is completed (or reported) by lmlib.derive
                var = Variable(var.name, var.type, {**var.spec, "required": False})
            out[var.name] = _parse_column(frame[column], var, codebook, column, log)
            if var.type in ("key", "text"):
                out[var.name] = _drop_identifier_cells(frame[column], out[var.name], var, column, log)
    data = pd.DataFrame(out, index=index)
    data.index.name = "row"
    if table == "cohort":
        _warn_all_missing(data, codebook, first, log)
        _warn_only_yes(frame, data, codebook, first, log)
    if table == "cohort":
        data = derive_cohort(data, codebook, log, first, data_cut)
    _check_keys(data, variables, first, log)
    _check_nested(data, variables, first, log)
    colmap["used_as"] = [_describe_target(t) for t in colmap["target"]]
    _hide_identifier_values(log)
    colmap["input"] = _hide_identifier_headers(log, list(frame.columns))
    return CleanResult(data, log.frame(), colmap.drop(columns="target"))


def _missing_column(var: Variable, codebook: Codebook, first: dict) -> str:
    """What a missing required column's error expects, with what cannot be derived without it
    (one message for the cause, never one per row)."""
    aliases = ", ".join(f"'{a}'" for a in var.spec.get("aliases", [])[:3])
    needs = [d["label"]["en"] for d in codebook.derived if var.name in d.get("from", [])
             and ("variable", d["name"]) not in first]
    needs = [f"'{n}'" for n in dict.fromkeys(needs)]
    consequence = f"; without it {' and '.join(needs)} cannot be derived for any patient" if needs else ""
    return f"a column for '{var.label()}' (headers such as {aliases}){consequence}"


def _warn_all_missing(data: pd.DataFrame, codebook: Codebook, first: dict, log: ProblemLog) -> None:
    """A warning (rule ``all_missing``) for every input column whose cleaned values are all
    missing: the column is there, but no cell holds a known value."""
    if data.empty:
        return
    for target, column in first.items():
        if target[0] == "nerve":
            cleaned, label = [codebook.nerve_column(target[1])], f"CN {target[1]}"
        elif target[0] == "option":
            var = codebook[target[1]]
            cleaned, label = [var.option_column(target[2])], f"{var.level_label(target[2])} ({var.label()})"
        else:
            var = codebook[target[1]]
            if var.identifier or var.type in ("key", "identifier", "text"):
                continue
            cleaned = [var.option_column(o.name) for o in var.options] if var.type == "multi_response" else [var.name]
            label = var.label()
        if all(c in data and data[c].isna().all() for c in cleaned):
            log.add(None, column, None, f"values for '{label}': none of its {len(data)} cells holds a known value "
                    "(100% missing)", "all_missing", severity="warning")


def _warn_only_yes(frame: pd.DataFrame, data: pd.DataFrame, codebook: Codebook, first: dict,
                   log: ProblemLog) -> None:
    """A warning (rule ``only_yes``) for every yes/no column, and every option column of a
    multi-response item, whose recorded values are all "yes" while at least one truly empty
    cell stays missing after cleaning: shown as "n/n (100%)" with the empty cells as missing,
    which is wrong when the export marks present findings only. The message names the counts
    and the study-file line that makes an empty cell "no" (``blank: false``)."""
    for target, column in first.items():
        if target[0] == "variable" and codebook[target[1]].type == "boolean":
            var = codebook[target[1]]
            cleaned, label = data[var.name], var.label()
        elif target[0] == "option":
            var = codebook[target[1]]
            cleaned = data[var.option_column(target[2])]
            label = f"{var.level_label(target[2])} ({var.label()})"
        else:
            continue
        if var.spec.get("blank") is not None:
            continue  # the codebook or the study file already says what an empty cell means
        trues, falses = codebook.yes_no(var)
        parse = lambda cell: parse_bool(cell, trues, falses)  # noqa: E731
        missing_keys, memo = codebook.missing_keys(var), {}

        def state(cell):  # each distinct cell classified once (a registry has millions of rows)
            try:
                return memo[cell]
            except KeyError:
                memo[cell] = classify(cell, parse, missing_keys)
                return memo[cell]
            except TypeError:  # an unhashable cell
                return classify(cell, parse, missing_keys)
        states = [state(cell) for cell in frame[column]]
        recorded = [value for state, value in states if state == VALUE]
        empty_missing = int(sum(state == EMPTY and pd.isna(value)
                                for (state, _), value in zip(states, cleaned.astype(object))))
        if not recorded or not all(v is True for v in recorded) or empty_missing == 0:
            continue
        yes = len(recorded)
        log.add(None, column, None, f"some 'no' among the values of '{label}': its {yes} recorded value(s) are "
                f"all 'yes' and {empty_missing} empty cell(s) are counted as missing, so it shows as {yes}/{yes} "
                f"(100%); if an empty cell means 'no' in your export, add under 'variables:' in your study file: "
                f"- {{name: {var.name}, blank: false}}", "only_yes", severity="warning")


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
            log.add(row, column, None, f"a study number ({var.label()} looks like {noun}: use a study number)",
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
    unknown = codebook.missing_keys(var)
    parsed = []
    memo: dict = {}  # each distinct cell value is parsed once: (value, expected-or-None, rule)
    for row, cell in cells.items():
        try:
            outcome = memo.get(cell)
        except TypeError:  # an unhashable cell
            outcome = None
        if outcome is None:
            outcome = _parse_cell(cell, parser, var, blank_value, unknown)
            try:
                memo[cell] = outcome
            except TypeError:
                pass
        value, expected, rule = outcome
        if expected is not None:
            log.add(row, column, None if rule == "missing_value" and is_empty(cell) else cell, expected, rule)
        parsed.append(value)
    return _typed(pd.Series(parsed, index=cells.index, dtype=object), var)


def _parse_cell(cell, parser, var: Variable, blank_value, unknown_keys=frozenset()) -> tuple[object, str | None, str | None]:
    """(value, expected, rule) for one cell; ``expected`` is None when the cell is valid."""
    state, value = classify(cell, parser, unknown_keys, spellings_first=var.type not in ("key", "text"))
    if state == EMPTY and blank_value is not None:
        return blank_value, None, None  # a truly empty cell only: "unknown" never takes the blank rule
    if state in (EMPTY, UNKNOWN):
        if var.required:
            return None, f"a value for '{var.label()}' (required)", "missing_value"
        return None, None, None
    if state == INVALID:
        return None, value, f"invalid_{var.type}"
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
        levels = [_level_text(lv) for lv in var.levels]

        def parse(cell):
            try:
                return parse_level(cell, synonyms, levels)
            except CellError as err:  # say which levels it is closest to
                raise CellError(f"{err}{level_hint(cell, var)}") from None
        return parse
    return tidy_text  # key, text


def _level_text(level) -> str:
    """A level as messages name it: its English label, with the Turkish one when it differs."""
    en = level.label.get("en", level.name)
    tr = level.label.get("tr", en)
    return f"{en} ({tr})" if tr != en else en


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
        if column is None:  # not in this file (lmlib.coverage): never "not involved"
            out[codebook.nerve_column(n)] = pd.Series(pd.Categorical([None] * len(frame), categories=levels),
                                                      index=frame.index)
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
                parent_var = next(v for v in variables if v.name == parent)
                allowed_for = ", ".join(sorted(parent_var.level_label(p) for p in allowed[level]))
                line = f"- {{name: {var.name}, levels: [{{name: {level}, within: [{parent_level}]}}]}}"
                log.add(row, column, var.level_label(level), f"a {var.label()} possible for "
                        f"{parent_var.label()} '{parent_var.level_label(parent_level)}' (allowed for: {allowed_for}; "
                        f"to allow it, add under 'variables:' in your study file: {line})", "inconsistent_nesting")
