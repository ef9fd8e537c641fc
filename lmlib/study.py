"""A study file: the user's headers, spellings, levels and variables, on top of the built-in codebook.

``make report DATA=... STUDY=my_study.yaml`` and ``load_cohort(path, study="my_study.yaml")``.
A study file is YAML in the codebook's own format (``data/codebook.yaml``): a ``variables``
list whose entries are matched to the built-in variables **by name**.

* An entry naming a built-in variable extends it: more ``aliases`` (column headers), more
  ``synonyms`` of a level (``levels: [{name: chemoradiotherapy, synonyms: [Kemoterapi+Radyoterapi]}]``),
  new ``levels`` (with a ``label``; a histology with ``within:`` its primary sites), new
  ``options`` of a multi-response item, extra yes/no spellings (``synonyms: {true: [...],
  false: [...]}``), ``missing_values`` (codes meaning "unknown", such as ``"9"``), ``required``,
  ``label``, ``ordered``; for the cranial nerves, headers of your own per nerve
  (``- {name: cranial_nerves, nerve_aliases: {7: ["CN7 side"]}}``). The same variable may appear
  in several entries (merged in order).
* ``blank: false`` on a yes/no variable (built-in or new) says an empty cell means "no"
  (exports that mark only present findings, "+" or "Var"); on a multi-response item, every
  empty option cell means "not present", also in a row with every option empty. Explicit
  unknowns ("bilinmiyor", "?", ``missing_values``) stay missing.
* An entry with a ``type`` is a new variable (``continuous``, ``integer``, ``categorical``,
  ``boolean``, ``multi_response``, ``date``, ``text``) with a ``label`` and a ``section``
  (``table1``, ``table2`` or ``none``): it becomes rows of that table, after the paper's.
* ``missing_values`` at the top level apply to every column; ``cranial_nerves`` sets the
  group ``rule`` (``all``, the paper's, or ``any``) and may replace the ``groups``.

The file is checked against a JSON Schema (:mod:`lmlib.study_schema`) and against the built-in
codebook (a new variable may not take a built-in name, an alias or spelling may not be taken
twice); every problem is listed in one :class:`StudyError` naming the file, the entry and the
key. The merged codebook's digest covers both files, so a changed study file rebuilds the
reports and never reuses a processed cohort made with another one.
"""
from __future__ import annotations

import copy
import hashlib
from pathlib import Path

from .problems import InputError
from .yamlload import load_yaml

EXTENDABLE = {"aliases", "levels", "options", "synonyms", "missing_values", "required", "label", "ordered",
              "delimiters", "none_synonyms", "unit", "range", "nerve_aliases", "blank"}
NEW_ONLY = {"type", "section", "nested_in"}
BY_TYPE = {  # keys a new variable of each type may have besides name, type, section, label, aliases, required
    "continuous": {"range", "unit", "missing_values"},
    "integer": {"range", "unit", "missing_values"},
    "categorical": {"levels", "missing_values", "ordered", "nested_in"},
    "boolean": {"synonyms", "missing_values", "blank"},
    "multi_response": {"options", "synonyms", "missing_values", "delimiters", "none_synonyms", "blank"},
    "date": {"missing_values"},
    "text": set(),
}
COMMON = {"name", "type", "section", "label", "aliases", "required"}


class StudyError(InputError):
    """A study file that cannot be used; the message lists every problem, each with the
    file, the entry and the key."""


def read_study(path: str | Path) -> tuple[dict, bytes]:
    """The study file parsed (``no``/``yes`` stay text) and its bytes; raises StudyError when
    it is missing or not YAML."""
    path = Path(path)
    if not path.is_file():
        raise StudyError(f"{path}: study file not found")
    raw = path.read_bytes()
    try:
        document = load_yaml(raw)
    except Exception as exc:  # yaml.YAMLError and its marks
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise StudyError(f"{path}: not valid YAML{where}: {problem}; check the indentation and that every "
                         "list item starts with '- '") from None
    if document is None:
        document = {}
    if isinstance(document, dict) and document.get("variables", []) is None:
        document = {k: v for k, v in document.items() if k != "variables"}  # "variables:" with only comments
    if not isinstance(document, dict):
        raise StudyError(f"{path}: expected a mapping with 'variables:' (a list of entries), not "
                         f"{type(document).__name__}")
    return _as_text(document), raw


SPELLING_LISTS = {"aliases", "synonyms", "missing_values", "within", "delimiters", "none_synonyms", "true", "false"}


def _as_text(node, key=None):
    """Whole numbers in lists of spellings become text ("9"), as a person means them; the
    keys ``true``/``false`` of yes/no spellings become text keys for the schema."""
    if isinstance(node, dict):
        named = {("true" if k is True else "false" if k is False else str(k) if isinstance(k, int) else k): v
                 for k, v in node.items()}
        return {k: _as_text(v, k) for k, v in named.items()}
    if isinstance(node, list):
        if key in SPELLING_LISTS:
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else _as_text(v) for v in node]
        return [_as_text(v) for v in node]
    return node


def check_schema(document: dict, path: Path) -> None:
    """Raise StudyError listing every schema error of ``document`` (see :mod:`lmlib.study_schema`)."""
    import jsonschema

    from .study_schema import SCHEMA, describe_error

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise StudyError(_message(path, [describe_error(e, document) for e in errors]))


def _message(path: Path, problems: list[str]) -> str:
    lines = list(dict.fromkeys(problems))
    return "\n".join([f"{path}: {len(lines)} problem(s) in the study file:", *(f"  - {p}" for p in lines)])


# ------------------------------------------------------------------------------ merging

def merge_study(spec: dict, document: dict, path: Path, codebook_class) -> dict:
    """The codebook ``spec`` (not modified) with the study file's entries merged in; raises
    StudyError listing every entry that cannot be merged. ``codebook_class``
    (:class:`lmlib.codebook.Codebook`) checks the merged codebook as a whole."""
    spec = copy.deepcopy(spec)
    problems: list[str] = []
    variables = {v["name"]: v for v in spec["variables"]}
    taken = _taken_names(spec)
    for number, entry in enumerate(document.get("variables", []), start=1):
        where = f'variables entry {number} ("{entry["name"]}")'
        if entry["name"] in variables:  # built in, or new in an earlier entry: extend it
            problems += _extend(variables[entry["name"]], entry, where, spec)
        else:
            found = _new_variable(entry, where, taken, spec)
            problems += found
            if not found:
                variable = _new_spec(entry, spec)
                spec["variables"].append(variable)
                variables[entry["name"]] = variable
    if document.get("missing_values"):
        spec["missing_values"] = [*spec.get("missing_values", []), *document["missing_values"]]
    nerves = document.get("cranial_nerves") or {}
    if nerves:
        merged = dict(spec.get("cranial_nerves", {}))
        if "rule" in nerves:
            merged["rule"] = nerves["rule"]
        if "groups" in nerves:
            names = [g["name"] for g in nerves["groups"]]
            clash = [n for n in names if n in taken or names.count(n) > 1]
            problems += [f"cranial_nerves, groups: the name '{n}' is taken (a variable or another group); choose "
                         "another" for n in dict.fromkeys(clash)]
            merged["groups"] = [{k: v for k, v in g.items()} for g in nerves["groups"]]
        spec["cranial_nerves"] = merged
    problems += _check_claims(spec, document, codebook_class)
    if problems:
        raise StudyError(_message(path, problems))
    return spec


def _taken_names(spec: dict) -> set[str]:
    """Every cleaned column and table item name of the built-in codebook."""
    names = {"n_patients", "cranial_nerve_groups", "row"}
    for var in spec["variables"]:
        names.add(var["name"])
        names |= {f"{var['name']}_{o['name']}" for o in var.get("options", [])}
    nerves = spec.get("cranial_nerves", {})
    names |= {nerves.get("column", "cn_{n}").format(n=n) for n in nerves.get("numbers", [])}
    names |= {g["name"] for g in nerves.get("groups", [])}
    names |= {d["name"] for d in spec.get("derived", [])}
    return names


def _closest_variables(name: str, spec: dict) -> str:
    """" (did you mean histology, Histological type?)" for a name close to a built-in
    variable's name or label; "" when none is."""
    from rapidfuzz import fuzz, process

    from .normalize import match_key

    choices = {}
    for var in spec["variables"]:
        if var.get("identifier"):
            continue
        for text in (var["name"], *var.get("label", {}).values()):
            choices.setdefault(match_key(text), var)
    found = process.extract(match_key(name), list(choices), scorer=fuzz.WRatio, limit=6, score_cutoff=80)
    shown = list(dict.fromkeys(f"{choices[k]['name']} ({choices[k].get('label', {}).get('en', '')})" for k, _, _ in found))
    return f" (did you mean {' or '.join(shown[:3])}?)" if shown else ""


def _new_variable(entry: dict, where: str, taken: set[str], spec: dict) -> list[str]:
    problems = []
    if "type" not in entry:
        return [f"{where}: '{entry['name']}' is not a built-in variable{_closest_variables(entry['name'], spec)}; "
                "to extend a built-in variable write its name; a new variable needs 'type' (one of "
                "continuous, integer, categorical, boolean, multi_response, date, text), 'label' and 'section'"]
    if entry["name"] in taken:
        return [f"{where}, key 'name': '{entry['name']}' is a name the codebook already uses (a derived "
                "variable, an option column or a cranial nerve column); choose another"]
    allowed = COMMON | BY_TYPE[entry["type"]]
    for key in entry:
        if key not in allowed:
            problems.append(f"{where}, key '{key}': not used by a variable of type {entry['type']}; expected "
                            f"some of: {', '.join(sorted(allowed))}")
    for key in ("label", "section"):
        if key not in entry:
            problems.append(f"{where}: '{key}' is missing (a new variable needs it)")
    if entry["type"] == "categorical" and not entry.get("levels"):
        problems.append(f"{where}: 'levels' is missing (a new categorical variable needs its levels)")
    if entry["type"] == "multi_response" and not entry.get("options"):
        problems.append(f"{where}: 'options' is missing (a new multi-response variable needs its options)")
    if entry["type"] in ("date", "text") and entry.get("section") not in (None, "none"):
        problems.append(f"{where}, key 'section': a {entry['type']} variable is not shown in a table; use "
                        "section: none")
    for kind in ("levels", "options"):
        for number, level in enumerate(entry.get(kind, []), start=1):
            if "label" not in level:
                problems.append(f"{where}, {kind} entry {number} (\"{level['name']}\"): 'label' is missing (a new "
                                f"{kind[:-1]} needs it)")
    return problems


def _new_spec(entry: dict, spec: dict) -> dict:
    variable = {k: copy.deepcopy(v) for k, v in entry.items() if k != "synonyms"}
    if variable.get("section") == "none":
        variable.pop("section")
    if entry["type"] in ("boolean", "multi_response"):
        variable["synonyms"] = _yes_no(spec.get("synonym_sets", {}), entry.get("synonyms"))
    if entry["type"] == "multi_response":
        variable.setdefault("delimiters", [";", ",", "/", "+", " ve ", " and "])
    return variable


def _yes_no(sets: dict, extra: dict | None, base=None) -> dict:
    """Explicit {True: [...], False: [...]} spellings: ``base`` (a set name such as ``yes_no``
    or an explicit pair; default ``yes_no``) plus the study's extra spellings."""
    base = base or "yes_no"
    pair = sets.get(base) if isinstance(base, str) else base
    pair = pair or {True: [], False: []}
    return {True: [*pair.get(True, []), *(extra or {}).get("true", [])],
            False: [*pair.get(False, []), *(extra or {}).get("false", [])]}


def _extend(variable: dict, entry: dict, where: str, spec: dict) -> list[str]:
    problems = []
    for key in entry:
        if key in NEW_ONLY:
            problems.append(f"{where}, key '{key}': '{entry['name']}' is a built-in variable, whose {key} cannot be "
                            f"changed; leave '{key}' out to extend it, or give a new variable another name")
        elif key not in EXTENDABLE and key != "name":
            problems.append(f"{where}, key '{key}': cannot be set for a built-in variable")
    if problems:
        return problems
    if "blank" in entry and variable["type"] not in ("boolean", "multi_response"):
        problems.append(f"{where}, key 'blank': 'blank: false' (an empty cell means no) is for a yes/no or "
                        f"multi-response variable; '{entry['name']}' is {variable['type']}")
    for key in ("required", "ordered", "label", "unit", "range", "blank"):
        if key in entry:
            variable[key] = copy.deepcopy(entry[key])
    for key in ("aliases", "missing_values", "delimiters", "none_synonyms"):
        if key in entry:
            variable[key] = [*variable.get(key, []), *entry[key]]
    if "nerve_aliases" in entry:
        if variable["type"] != "nerve_set":
            problems.append(f"{where}, key 'nerve_aliases': only for the cranial nerves (name: cranial_nerves)")
        else:
            merged = {str(k): list(v) for k, v in variable.get("nerve_aliases", {}).items()}
            for number, aliases in entry["nerve_aliases"].items():
                merged[number] = [*merged.get(number, []), *aliases]
            variable["nerve_aliases"] = merged
    if "synonyms" in entry:
        if variable["type"] not in ("boolean", "multi_response"):
            problems.append(f"{where}, key 'synonyms': yes/no spellings are for a yes/no or multi-response variable; "
                            f"for the spellings of a level write them under 'levels'")
        else:
            variable["synonyms"] = _yes_no(spec.get("synonym_sets", {}), entry["synonyms"],
                                           variable.get("synonyms", "yes_no"))
    for kind in ("levels", "options"):
        for number, level in enumerate(entry.get(kind, []), start=1):
            problems += _extend_level(variable, kind, level, f"{where}, {kind} entry {number} (\"{level['name']}\")")
    return problems


def _extend_level(variable: dict, kind: str, level: dict, where: str) -> list[str]:
    fits = {"levels": ("categorical", "nerve_set"), "options": ("multi_response",)}[kind]
    if variable["type"] not in fits:
        other = "levels" if kind == "options" else "options"
        return [f"{where}: '{variable['name']}' has no {kind} (it is {variable['type']}); "
                + (f"write '{other}'" if variable["type"] in ("categorical", "multi_response", "nerve_set")
                   else "remove this entry")]
    existing = {lv["name"]: lv for lv in variable.setdefault(kind, [])}
    found = existing.get(level["name"])
    if found is None:
        if "label" not in level:
            close = ", ".join(existing)
            return [f"{where}: '{level['name']}' is not a {kind[:-1]} of '{variable['name']}', so it is a new one and "
                    f"needs a 'label'; or write one of the existing names: {close}"]
        variable[kind].append(copy.deepcopy(level))
        return []
    for key in ("synonyms", "within", "aliases"):
        if key in level:
            found[key] = [*found.get(key, []), *level[key]]
    if "label" in level:
        found["label"] = {**found.get("label", {}), **level["label"]}
    return []


def _check_claims(spec: dict, document: dict, codebook_class) -> list[str]:
    """Aliases and spellings claimed twice, nested levels within unknown parents, group
    members that are no nerve: the merged codebook's own checks, with the entry named."""
    from .problems import CodebookError

    problems = []
    try:
        codebook = codebook_class(spec)
        codebook.header_targets  # noqa: B018 - raises on an alias claimed twice
    except CodebookError as exc:
        problems.append(_claim_message(str(exc), document))
        return problems
    for var in codebook.variables:
        parent = var.spec.get("nested_in")
        if not parent:
            continue
        try:
            allowed = set(codebook[parent].level_names)
        except KeyError:
            problems.append(f"variable '{var.name}', key 'nested_in': '{parent}' is not a variable")
            continue
        for level in var.levels:
            unknown = [w for w in level.within if w not in allowed]
            if unknown:
                problems.append(f"variable '{var.name}', level '{level.name}', key 'within': {', '.join(unknown)} "
                                f"is not a level of '{parent}' (its levels: {', '.join(sorted(allowed))})")
    numbers = set(codebook.cranial_nerves.get("numbers", []))
    for group in codebook.cranial_nerves.get("groups", []):
        bad = [n for n in group["members"] if n not in numbers]
        if bad:
            problems.append(f"cranial_nerves, group '{group['name']}', key 'members': {bad} are no cranial nerves")
    return problems


def _claim_message(text: str, document: dict) -> str:
    """A codebook check's message with the study entry that caused it named (the spelling
    compared as the matching does: case, accents and punctuation folded)."""
    import re

    from .normalize import match_key

    quoted = {match_key(q) for q in re.findall(r"'([^']*)'", text)}
    for number, entry in enumerate(document.get("variables", []), start=1):
        spellings = [*entry.get("aliases", []), *(s for lv in entry.get("levels", []) + entry.get("options", [])
                                                  for s in lv.get("synonyms", []) + lv.get("aliases", []))]
        for spelling in spellings:
            if match_key(spelling) in quoted:
                return f'variables entry {number} ("{entry["name"]}"), the spelling \'{spelling}\': {text}'
    return text


def study_digest(codebook_sha256: str, study_raw: bytes) -> str:
    """The digest of a codebook merged with a study file: changes with either file."""
    return hashlib.sha256(f"{codebook_sha256}\n".encode() + hashlib.sha256(study_raw).hexdigest().encode()).hexdigest()


def load_study(path: str | Path) -> tuple[dict, bytes]:
    """Read and schema-check a study file; returns (document, bytes)."""
    document, raw = read_study(path)
    check_schema(document, Path(path))
    return document, raw
