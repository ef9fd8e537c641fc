"""``python -m lmlib map FILE [--study S]``: a scan of an export and a draft study file.

The export is read and cleaned as ``make report`` would (leniently, with the study file ``S``
when given); what did not fit becomes suggestions, commented out, for a person to confirm
(OHDSI WhiteRabbit and Usagi do the same for a source database):

* every column, with the variable it was matched to;
* a column that matched nothing: the closest known headers with scores (the study-file line
  that maps it), and a new variable of its own with a guessed type (KPS: integer);
* a value that matched no level: its count, its closest levels with scores, the line that
  makes it a spelling of one of them and the line that makes it a new level (a new histology
  ``within:`` the primary sites it occurs with);
* yes/no spellings no yes/no list knows, cells that are no number or date, required columns
  not found, and the variables the file does not have.

The draft is valid YAML as it is (the entries of ``S`` active, every suggestion a comment).
Nothing here is ever applied by itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import json
from pathlib import Path
import re

import pandas as pd

from .clean import UNUSED_COLUMN, clean_table
from .codebook import Codebook, load_codebook
from .normalize import match_key
from .parse import CellError, is_empty, is_unknown, parse_date, parse_number
from .read import read_table
from .suggest import closest_headers, closest_levels, level_line, study_line, target_label, yaml_text

NEW_LEVELS_MAX = 12  # a column with more distinct texts than this is suggested as free text
SURE = 85  # a known header this close: no variable of its own is suggested besides it
LIKELY = 90  # a level this close is offered before a new level
PLAIN_UNSAFE = {"yes", "no", "on", "off", "y", "n", "true", "false", "null"}  # quoted even as names


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
    return found


def _assuming(cb: Codebook, picks: dict[str, tuple]) -> Codebook | None:
    """The codebook with each picked column's suggested mapping added (as a study file would);
    None when there is none, or when the mappings clash."""
    from .study import StudyError, merge_study

    nerve = cb.nerve_variable.name if cb.nerve_variable else "cranial_nerves"
    entries = []
    for header, target in picks.items():
        if target[0] == "variable":
            entries.append({"name": target[1], "aliases": [header]})
        elif target[0] == "option":
            entries.append({"name": target[1], "options": [{"name": target[2], "aliases": [header]}]})
        else:
            entries.append({"name": nerve, "nerve_aliases": {str(target[1]): [header]}})
    if not entries:
        return None
    try:
        return Codebook(merge_study(cb.spec, {"variables": entries}, Path("the suggestions")), cb.path,
                        f"{cb.sha256}+suggestions")
    except StudyError:
        return None


# ------------------------------------------------------------------------------ columns

def slug(text) -> str:
    """A variable or level name from a header or value: "KPS" -> "kps", "Taşlı yüzük" -> "tasli_yuzuk"."""
    name = re.sub(r"[^a-z0-9]+", "_", match_key(text)).strip("_") or "x"
    return name if name[0].isalpha() else f"x_{name}"


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
        matches = closest_headers(header, cb)
        matches += [m for m in _by_values(frame[header], cb) if m.target not in {x.target for x in matches}]
        fits = [_fits(frame[header], m.target, cb) for m in matches]
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
    from .suggest import Match

    values = [match_key(_code(c)) for c in cells if not is_empty(c) and not is_unknown(c)]
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


def _fits(cells: pd.Series, target: tuple, cb: Codebook) -> bool:
    """Whether some filled cell of the column is a value of ``target`` (a level of a
    categorical variable, yes/no for an option or a yes/no variable, a number, a date): a
    header that merely sounds like a known one ("Karnofsky performance status" is not the vital
    status) does not fit."""
    from .parse import parse_bool, parse_level

    values = [c for c in cells if not is_empty(c) and not is_unknown(c)][:200]
    if not values or target[0] == "nerve":
        return True
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


# ------------------------------------------------------------------------------ values

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
        counts = group["value"].map(_code).value_counts()
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
            counts = group["value"].map(_code).value_counts()
        mapped = " if you map it as suggested above" if column in assumed else ""
        lines = [f"# ---- Column {yaml_text(column)} ({target_label(cb, _target(target))}{mapped}): "
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


def _code(value):
    """A cell as a spelling: an SPSS or Excel code 1.0 is written "1" (as it is matched)."""
    text = str(value)
    return text[:-2] if re.fullmatch(r"-?\d+\.0", text) else text


def _target(used: str) -> tuple:
    parts = str(used).split(":")
    if parts[0].isdigit():
        return ("nerve", int(parts[0]))
    return ("option", *parts) if len(parts) == 2 else ("variable", parts[0])


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
        level = synonyms.get(match_key(_code(cell))) if not is_empty(cell) else None
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
    from .codebook import Variable

    return Variable(name, "categorical", {"levels": [{"name": name, "label": {"en": name}, "synonyms": sorted(keys)}]})


def _within(var, value, frame, column, result, cb: Codebook, rows=None) -> list[str]:
    """For a new nested level (a histology): the parent levels of the rows it occurs in, as
    names (a parent value that is itself new gets the name a new level of it would have)."""
    parent = var.spec.get("nested_in")
    if not parent:
        return []
    if rows is None:
        problems = result.problems
        rows = problems[(problems["column"] == column) & (problems["value"].map(_code) == str(value))]["row"]
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


# ------------------------------------------------------------------------------ the draft

def _entries(study: Path | None) -> dict:
    if study is None:
        return {}
    from .study import load_study

    document, _ = load_study(study)
    return document


def _dump(value) -> str:
    """One YAML flow value (strings JSON-quoted, so "no" stays a string)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    plain = re.fullmatch(r"[a-z][a-z0-9_]*", str(value)) and str(value) not in PLAIN_UNSAFE
    return str(value) if plain else yaml_text(value)


def draft(found: Scan, study: str | Path | None = None, command: str = "python -m lmlib map") -> str:
    """The draft study file's text (see the module docstring)."""
    document = _entries(Path(study) if study else None)
    cb = found.codebook
    lines = [f"# Study file for lm-analysis, drafted by `{command}` from {found.source.name}",
             f"# ({found.n} rows, {len(found.columns)} columns). The format is the codebook's own: README, "
             "'Your own cohort'.",
             "#",
             "# Every suggestion below is commented out. Uncomment the lines you agree with (delete '# ' at the",
             "# start and keep the two spaces before '- '), change names and labels as you like, and delete the",
             "# rest. Then: make report DATA=... STUDY=<this file>. `make study` again shows what is still",
             "# unmatched; your entries are kept (comments are not).",
             "#", "# Columns recognised (header -> variable):"]
    identifiers = {v.name for v in cb.variables if v.identifier}
    for header, used in zip(found.columns["input"], found.columns["used_as"]):
        if used in identifiers:
            lines.append(f"#   {yaml_text(header)} -> {_describe(cb, used)}: a direct identifier, dropped when read")
        elif used != UNUSED_COLUMN:
            lines.append(f"#   {yaml_text(header)} -> {_describe(cb, used)}")
    absent = set(_absent(found))
    missing = [f"{v.label()} ({v.name}" + (f"; options {', '.join(o.name for o in v.options)})" if v.options else ")")
               for v in cb.variables if v.name in absent and v.spec.get("section") in ("table1", "table2")]
    options = [f"{o.label.get('en', o.name)} ({v.name}, option {o.name})" for v in cb.variables
               for o in v.options if v.option_column(o.name) in absent and v.name not in absent]
    if missing or options:
        lines.append("# Not in this file (left out of the tables, with a footnote), with the names a study-file line "
                     "uses: " + "; ".join(missing + options))
        lines.append("#   If your file has one under another header: - {name: <name>, aliases: [\"<your header>\"]}, "
                     "or for an option: - {name: <variable>, options: [{name: <option>, aliases: [\"<your header>\"]}]}")
    lines += ["", "study_file: 1"]
    missing = document.get("missing_values")
    lines.append(f"missing_values: {_dump(missing)}" if missing else
                 '# missing_values: ["9"]   # codes meaning "unknown" in every column (Bilinmiyor, ?, NA, - already are)')
    nerves = document.get("cranial_nerves")
    lines.append(f"cranial_nerves: {_dump(nerves)}" if nerves else
                 "# cranial_nerves: {rule: any}   # count a patient in a nerve group (CN 4-6) when ANY of its nerves "
                 "is involved; the paper's rule is all")
    lines.append("variables:")
    for entry in document.get("variables", []):
        lines.append(f"  - {_dump(entry)}")
    for block in found.blocks:
        lines.append("")
        lines += [f"  {line}" for line in block]
    if not document.get("variables") and not found.blocks:
        lines.append("  # nothing to add: every column and value is known")
    return "\n".join(lines) + "\n"


def _absent(found: Scan) -> list[str]:
    from .coverage import not_in_file

    return not_in_file(found.columns, found.codebook)


def _describe(cb: Codebook, used: str) -> str:
    try:
        return target_label(cb, _target(used))
    except (KeyError, StopIteration):
        return str(used)
