"""The columns of an export that matched no known header: the closest known variables (by header
and by values) and a variable of their own with a guessed type."""
from __future__ import annotations

import pandas as pd

from ..clean import UNUSED_COLUMN
from ..codebook import Codebook
from ..normalize import match_key
from ..parse import CellError, is_empty, is_unknown, parse_date, parse_number
from ..suggest import closest_headers, study_line, target_label, yaml_text
from .common import as_spelling, slug

NEW_LEVELS_MAX = 12  # a column with more distinct texts than this is suggested as free text
SURE = 85  # a known header this close: no variable of its own is suggested besides it


def _values(cells: pd.Series) -> list[str]:
    """The filled, known cells as text (dates as yyyy-mm-dd)."""
    out = []
    for c in cells:
        if is_empty(c) or is_unknown(c):
            continue
        if hasattr(c, "strftime"):
            out.append(c.strftime("%Y-%m-%d"))
        elif isinstance(c, float) and c.is_integer():
            out.append(f"{int(c)}")
        else:
            out.append(str(c).strip())
    return out


def guess_variable(header: str, cells: pd.Series, codebook: Codebook, taken: set[str]) -> str | None:
    """A new variable for an unmatched column, as one line of YAML: its type guessed from the
    cells (integer, continuous, date, boolean, categorical), or None for free text."""
    values = _values(cells)
    if not values:
        return None
    name = slug(header)
    while name in taken:
        name += "_2"
    label = yaml_text(header)
    head = f"- {{name: {name}, section: table1, label: {{en: {label}, tr: {label}}}, aliases: [{yaml_text(header)}], "
    trues, falses = _yes_no_keys(codebook)
    if set(values) <= {"0", "1"} or all(match_key(v) in trues | falses for v in set(values)):
        empty = len(cells) - len(values)
        if empty and all(match_key(v) in trues for v in set(values)):  # "+" or "Var", else empty
            return head + (f"type: boolean}}   # only \"yes\" recorded, {empty} empty cell(s): if an empty cell "
                           "means no, add blank: false")
        return head + "type: boolean}"  # 0/1 and yes/no columns are yes/no, not numbers
    numbers = []
    for value in values:
        try:
            numbers.append(parse_number(value))
        except CellError:
            break
    if len(numbers) == len(values):
        kind = "integer" if all(float(v).is_integer() for v in numbers) else "continuous"
        low, high = min(numbers), max(numbers)
        shown = lambda v: f"{int(v)}" if float(v).is_integer() else f"{v:g}"  # noqa: E731
        return head + f"type: {kind}, range: [{shown(low)}, {shown(high)}]}}"
    try:
        [parse_date(v) for v in values]
        return head.replace("section: table1", "section: none") + "type: date}"
    except CellError:
        pass
    distinct = list(dict.fromkeys(values))
    if len(distinct) <= NEW_LEVELS_MAX:
        levels = ", ".join(f"{{name: {slug(v)}, label: {{en: {yaml_text(v)}, tr: {yaml_text(v)}}}, "
                           f"synonyms: [{yaml_text(v)}]}}" for v in sorted(distinct, key=match_key))
        return head + f"type: categorical, levels: [{levels}]}}"
    return None


def _yes_no_keys(codebook: Codebook) -> tuple[set[str], set[str]]:
    sets = codebook.spec.get("synonym_sets", {}).get("yes_no", {True: [], False: []})
    return {match_key(s) for s in sets[True]}, {match_key(s) for s in sets[False]}


def _unknown_columns(frame: pd.DataFrame, result, cb: Codebook, picks: dict | None = None) -> list[list[str]]:
    """A block per column that matched nothing; ``picks`` gets header -> the target the column
    most likely is (a close header whose values fit, or a variable by its values)."""
    blocks = []
    taken = {v.name for v in cb.variables} | cb.derived_names
    for header, used in zip(result.columns["input"], result.columns["used_as"]):
        if used != UNUSED_COLUMN:
            continue
        rule = result.problems.loc[result.problems["column"] == header, "rule"]
        if "identifier_column" in set(rule):
            continue  # dropped as direct identifiers: never suggested
        values = _values(frame[header])
        counts = pd.Series(values, dtype=object).value_counts()
        shown = ", ".join(f"{v} ({n})" for v, n in counts.head(6).items()) + (", ..." if len(counts) > 6 else "")
        lines = [f"# ---- Column {yaml_text(header)} matched no known header ({len(values)} filled cells"
                 + (f": {shown}" if shown else "") + ")."]
        matches = _level_named(header, frame[header], cb) + closest_headers(header, cb)
        matches += [m for m in _by_values(frame[header], cb) if m.target not in {x.target for x in matches}]
        fitting = sorted(((m, _fits(frame[header], m.target, cb)) for m in matches), key=lambda pair: not pair[1])
        matches, fits = [m for m, _ in fitting], [fit for _, fit in fitting]  # those whose values fit first
        if matches:
            lines.append("# Closest known variables: " + "; ".join(f"{m.label} {m.score:.0f}%" for m in matches) + ".")
            for m, fit in zip(matches, fits):
                line = study_line(header, m.target, cb.nerve_variable.name if cb.nerve_variable else "cranial_nerves")
                if line:
                    doubt = "" if fit else " (but none of its values is a value of that: probably not)"
                    lines.append(f"# It is {m.label}{doubt}:")
                    lines.append(f"# {line}")
        sure = bool(matches) and matches[0].score >= SURE and fits[0]
        by_value = next((m for m in matches if "(by its values" in m.label), None)
        pick = matches[0] if sure else by_value
        if pick is not None and picks is not None:
            picks[header] = pick.target
        new = guess_variable(header, frame[header], cb, taken) if not sure else None
        if new:
            lines.append("# Or a variable of your own (check its type, section table1/table2/none and labels):")
            lines.append(f"# {new}")
        if not matches and not new:
            lines.append("# Nothing close, and free text: it is left out unless you map it.")
        blocks.append(lines)
    return blocks


def _by_values(cells: pd.Series, cb: Codebook) -> list:
    """Categorical variables most of whose spellings the column's values are (a "Pathology"
    column of Adeno, IDC, SCLC, NOS is the histology): a :class:`lmlib.suggest.Match` each,
    its score the percentage of the column's distinct values that are spellings of it, when
    that is at least half of them (and two values or more)."""
    from ..suggest import Match

    values = [match_key(as_spelling(c)) for c in cells if not is_empty(c) and not is_unknown(c)]
    distinct = set(values)
    found = []
    key = next((v for v in cb.of_type("key") if v.required), None)
    texts = [v for v in values if not v.replace(" ", "").isdigit()]
    if key is not None and len(values) > 1 and len(distinct) == len(values) == len(texts) \
            and len(values) >= 0.9 * len(cells):
        found.append(Match(key.name, ("variable", key.name), f"{target_label(cb, ('variable', key.name))} (by its "
                           "values: every one different)", 80))
    for var in cb.of_type("categorical"):
        synonyms = cb.synonym_map(var)
        known = sum(d in synonyms for d in distinct)
        if known >= 2 and known * 2 >= len(distinct):
            found.append(Match(var.name, ("variable", var.name), f"{target_label(cb, ('variable', var.name))} "
                               f"(by its values: {known} of {len(distinct)})", round(100 * known / len(distinct))))
    return sorted(found, key=lambda m: -m.score)[:2]


def _level_named(header: str, cells: pd.Series, cb: Codebook) -> list:
    """A yes/no column named after one level of a two-level variable ("Ex (E/H)": "ex" is a
    spelling of died, E/H are yes/no): that variable, its yes spellings that level and its no
    spellings the other, as a :class:`lmlib.suggest.Match` (score 90) whose target carries
    them, ``("variable", name, ((level, spellings), (other, spellings)))``."""
    from ..suggest import Match, word_agreement

    values = set(_values(cells))
    trues, falses = _yes_no_keys(cb)
    yes = sorted(v for v in values if match_key(v) in trues)
    no = sorted(v for v in values if match_key(v) in falses)
    if not yes or len(yes) + len(no) != len(values):
        return []
    key, found = match_key(header), []
    for var in cb.of_type("categorical"):
        if len(var.levels) != 2 or var.name in cb.derived_names:
            continue
        for level, other in (var.levels, var.levels[::-1]):
            spellings = (level.name, *level.label.values(), *level.synonyms)
            named = [t for t in spellings if word_agreement(key, match_key(t)) == (100, True)]
            if named:
                target = ("variable", var.name, ((level.name, tuple(yes)), (other.name, tuple(no))))
                said = f"{', '.join(yes)} = {var.level_label(level.name)}" + (
                    f", {', '.join(no)} = {var.level_label(other.name)}" if no else "")
                found.append(Match(named[0], target, f"{target_label(cb, target)} (by its header and yes/no values: "
                                   f"{yaml_text(named[0])} is {var.level_label(level.name)}; {said})", 90))
                break
    return found


def _fits(cells: pd.Series, target: tuple, cb: Codebook) -> bool:
    """Whether some filled cell of the column is a value of ``target`` (a level of a
    categorical variable, yes/no for an option or a yes/no variable, a number, a date): a
    header that merely sounds like a known one ("Karnofsky performance status" is not the vital
    status) does not fit."""
    from ..parse import parse_bool, parse_level

    values = [c for c in cells if not is_empty(c) and not is_unknown(c)][:200]
    if not values or target[0] == "nerve" or len(target) > 2 and target[0] == "variable":
        return True  # (a variable with the column's values as its spellings: they fit)
    var = cb[target[1]]
    kind = "boolean" if target[0] == "option" else var.type
    if kind == "categorical":
        synonyms = cb.synonym_map(var)
        test = lambda c: parse_level(c, synonyms, [])  # noqa: E731
    elif kind in ("boolean", "multi_response"):
        trues, falses = cb.yes_no(var)
        test = (lambda c: parse_bool(c, trues, falses)) if kind == "boolean" else None  # noqa: E731
    elif kind in ("continuous", "integer"):
        test = parse_number
    elif kind == "date":
        test = parse_date
    else:
        return True
    if test is None:  # a delimited multi-response column: its options are spelled in the text
        return True
    for cell in values:
        try:
            test(cell)
            return True
        except CellError:
            continue
    return False
