"""Multi-response items (symptoms, accompanying metastases): one yes/no column per option, or one
delimited column ("Baş ağrısı, kusma"), or both.

A truly empty option cell in a row where another option is filled (with a value or an explicit
unknown) means "not present"; an unknown one (``Bilinmiyor``, ``?``, an SPSS user-missing code) stays missing; a row with every
option empty is missing for the item. An option without a column is not recorded in this file
(:mod:`lmlib.coverage`); an unrecognised yes/no column among the option columns only tells a
filled row from an empty one.
"""
from __future__ import annotations

import re

import pandas as pd

from .codebook import Codebook, Variable
from .normalize import match_key, tidy_text
from .parse import INVALID, UNKNOWN, VALUE, classify, is_empty, is_unknown, parse_bool
from .problems import ProblemLog


def multi_response(frame, var: Variable, codebook: Codebook, first: dict, log: ProblemLog,
                    unmatched=()) -> dict:
    index = frame.index
    options = [o.name for o in var.options]
    trues, falses = codebook.yes_no(var)
    per_option = {o: first.get(("option", var.name, o)) for o in options}
    given = {o: c for o, c in per_option.items() if c is not None}
    result = {o: pd.Series(pd.NA, index=index, dtype="boolean") for o in options}
    if given:
        markers = _block_neighbours(frame, list(given.values()), unmatched, trues | falses) \
            if len(given) < len(options) else []
        for o in options:
            if o not in given:
                seen = f"; column {', '.join(repr(m) for m in markers)} among them only tells a filled row " \
                       "from an empty one" if markers else ""
                log.add(None, None, None, f"a column for '{var.level_label(o)}' ({var.label()}); it is not "
                        f"recorded in this file, the other options are counted as given{seen}",
                        "missing_option_column", severity="warning")
        parsed, unknown = {}, {}
        parse = lambda cell: parse_bool(cell, trues, falses)  # noqa: E731
        missing_keys = codebook.missing_keys(var)
        for o, column in given.items():
            values, unknowns = [], []
            for row, cell in frame[column].items():
                state, value = classify(cell, parse, missing_keys)
                if state == INVALID:
                    log.add(row, column, cell, value, "invalid_boolean")
                values.append(value if state == VALUE else None)
                unknowns.append(state == UNKNOWN)
            parsed[o] = pd.Series(values, index=index, dtype="boolean")
            unknown[o] = pd.Series(unknowns, index=index, dtype=bool)
        # a truly empty option next to a filled one is "not present"; an unknown one stays missing.
        # An explicit "unknown" fills its row too: whoever wrote it went through the row.
        filled = pd.concat(parsed, axis=1).notna().any(axis=1) | pd.concat(unknown, axis=1).any(axis=1)
        for marker in markers:  # an unrecognised yes/no column among the options: filled rows only
            filled |= frame[marker].map(lambda cell: not is_empty(cell)).astype(bool)
        for o, series in parsed.items():
            result[o] = series.mask(series.isna() & filled & ~unknown[o], False)
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


def _block_neighbours(frame: pd.DataFrame, columns: list[str], unmatched, yes_no_keys: set[str]) -> list[str]:
    """Unrecognised columns inside the run of a multi-response item's option columns, or
    right next to it, whose every filled cell is a yes/no spelling: most likely an option whose
    header nobody recognised. Their cells never count as an option; they only tell a row where
    some option is filled (so its blank options mean "not present") from an empty one."""
    order = list(frame.columns)
    positions = sorted(order.index(c) for c in columns)
    first, last = positions[0] - 1, positions[-1] + 1
    found = []
    for position in range(max(first, 0), min(last, len(order) - 1) + 1):
        column = order[position]
        if column not in unmatched:
            continue
        cells = [c for c in frame[column] if not is_empty(c)]
        if cells and all(match_key(c) in yes_no_keys for c in cells):
            found.append(column)
    return found


def _split_multi(cells: pd.Series, var: Variable, codebook: Codebook, column: str, log: ProblemLog) -> dict:
    options = [o.name for o in var.options]
    synonyms = codebook.synonym_map(var)
    none_keys = {match_key(s) for s in var.spec.get("none_synonyms", ["none", "yok"])}
    pattern = "|".join(re.escape(d) for d in sorted(var.spec.get("delimiters", [";", ","]), key=len, reverse=True))
    out = {o: [] for o in options}
    missing_keys = codebook.missing_keys(var)
    for row, cell in cells.items():
        if is_empty(cell) or is_unknown(cell, missing_keys):
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
