"""The JSON Schema of a study file (:mod:`lmlib.study`), and its errors in words a user can act on.

A study file is YAML in the codebook's own format. The schema checks the shape (known keys,
types, allowed values); :mod:`lmlib.study` then checks what needs the built-in codebook (which
names are built in, which aliases and spellings are taken). Every message names the file, the
entry (``variables`` entry 3, "kps") and the key.
"""
from __future__ import annotations

from rapidfuzz import process

NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
LEVEL_NAME = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.]*$"}
TEXTS = {"type": "array", "items": {"type": "string", "minLength": 1}}
LABEL = {"type": "object", "properties": {"en": {"type": "string", "minLength": 1},
                                          "tr": {"type": "string", "minLength": 1}},
         "required": ["en"], "additionalProperties": False}
YES_NO = {"type": "object", "properties": {"true": TEXTS, "false": TEXTS}, "additionalProperties": False}
LEVEL = {
    "type": "object",
    "properties": {"name": LEVEL_NAME, "label": LABEL, "synonyms": TEXTS, "within": TEXTS},
    "required": ["name"], "additionalProperties": False,
}
OPTION = {
    "type": "object",
    "properties": {"name": NAME, "label": LABEL, "aliases": TEXTS, "synonyms": TEXTS},
    "required": ["name"], "additionalProperties": False,
}
NEW_TYPES = ["continuous", "integer", "categorical", "boolean", "multi_response", "date", "text"]
SECTIONS = ["table1", "table2", "none"]
VARIABLE_KEYS = {
    "name": NAME,
    "type": {"enum": NEW_TYPES},
    "section": {"enum": SECTIONS},
    "label": LABEL,
    "aliases": TEXTS,
    "levels": {"type": "array", "items": LEVEL},
    "options": {"type": "array", "items": OPTION},
    "synonyms": YES_NO,
    "missing_values": TEXTS,
    "required": {"type": "boolean"},
    "ordered": {"type": "boolean"},
    "range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    "unit": LABEL,
    "delimiters": TEXTS,
    "none_synonyms": TEXTS,
    "nested_in": NAME,
    "blank": {"const": False},
    "nerve_aliases": {"type": "object", "propertyNames": {"pattern": "^([1-9]|1[0-2])$"},
                      "additionalProperties": TEXTS},
}
VARIABLE = {"type": "object", "properties": VARIABLE_KEYS, "required": ["name"], "additionalProperties": False}
GROUP = {
    "type": "object",
    "properties": {"name": NAME, "label": LABEL, "rule": {"enum": ["all", "any"]},
                   "members": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 12},
                               "minItems": 1}},
    "required": ["name", "members", "label"], "additionalProperties": False,
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "lm-analysis study file",
    "type": "object",
    "properties": {
        "study_file": {"type": "integer", "enum": [1]},
        "missing_values": TEXTS,
        "variables": {"type": "array", "items": VARIABLE},
        "cranial_nerves": {"type": "object", "properties": {"rule": {"enum": ["all", "any"]},
                                                            "groups": {"type": "array", "items": GROUP}},
                           "additionalProperties": False},
    },
    "additionalProperties": False,
}


def _where(path, document) -> str:
    """The entry an error is in, in words: ``variables entry 3 ("kps"), levels entry 2``."""
    parts, node = [], document
    for key in path:
        if isinstance(key, int):
            name = node[key].get("name") if isinstance(node[key], dict) else None
            parts[-1] = f"{parts[-1]} entry {key + 1}" + (f' ("{name}")' if name else "")
        else:
            parts.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return ", ".join(parts) or "the top level"


def _allowed(schema: dict) -> list[str]:
    return list(schema.get("properties", {}))


def describe_error(error, document) -> str:
    """One line for one :mod:`jsonschema` error: where, which key, what was expected."""
    path = list(error.absolute_path)
    key = path[-1] if path and not isinstance(path[-1], int) else None
    where = _where(path[:-1] if key is not None else path, document)
    if error.validator == "additionalProperties":
        where = _where(path, document)
        allowed = _allowed(error.schema)
        extra = sorted(set(error.instance) - set(allowed), key=str)
        lines = []
        for key in extra:
            close = process.extractOne(str(key), allowed, score_cutoff=70)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            lines.append(f"{where}: unknown key '{key}'{hint}; expected one of: {', '.join(allowed)}")
        return "; ".join(lines)
    if error.validator == "required":
        where = _where(path, document)
        return f"{where}: {error.message.replace(' is a required property', '')} is missing (it is required)"
    shown = repr(error.instance) if len(repr(error.instance)) <= 60 else repr(error.instance)[:57] + "..."
    expected = {
        "enum": lambda: "one of " + ", ".join(str(v) for v in error.validator_value),
        "type": lambda: {"string": "text (in quotes if it looks like a number or a date)", "array": "a list [...]",
                         "object": "a mapping (key: value)", "boolean": "true or false", "integer": "a whole number",
                         "number": "a number"}.get(str(error.validator_value), str(error.validator_value)),
        "pattern": lambda: "a name of lower-case letters, digits and _ (starting with a letter)",
        "minLength": lambda: "a non-empty text",
        "minItems": lambda: f"at least {error.validator_value} item(s)",
        "maxItems": lambda: f"at most {error.validator_value} item(s)",
        "minimum": lambda: f"at least {error.validator_value}",
        "maximum": lambda: f"at most {error.validator_value}",
        "const": lambda: "false (blank: false: an empty cell means no)" if error.validator_value is False
        else repr(error.validator_value),
    }.get(error.validator, lambda: error.message)()
    if error.validator == "enum":
        close = process.extractOne(str(error.instance), [str(v) for v in error.validator_value], score_cutoff=70)
        expected += f" (did you mean '{close[0]}'?)" if close else ""
    at = f", key '{key}'" if key is not None else ""
    return f"{where}{at}: {shown} is not valid; expected {expected}"
