"""The text catalog: every word a report, a table, a figure, the index and the colophon print,
in English and Turkish, in one file (``texts.yaml`` beside this module), with one lookup.

The model is gtsummary's single translation table: each entry has a key (dotted, its first
part saying where it is used: ``table.``, ``survival.``, ``figure.``, ``notebook.``, ...), the
English and Turkish text and, where a translator needs it, a ``note``. Placeholders are
:meth:`str.format` fields (``{n}``); numbers are formatted before they are passed in
(:mod:`lmlib.present.numbers`), so the catalog never rounds. Variable and level labels are not
here: they stay in the codebook (and a user's study file), the single source of variable truth.

Turkish follows the register of a Turkish medical journal and the source paper's own terms
(medyan, Eksitus, KT ve RT, KS 7-8, %53.1).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
import string

LANGS = ("en", "tr")
CATALOG = Path(__file__).resolve().with_name("texts.yaml")


class CatalogError(ValueError):
    """The catalog file is malformed: a key without a language, or unequal placeholders."""


def check_lang(lang: str) -> str:
    """``lang``, checked: "en" or "tr"."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, not {lang!r}")
    return lang


@lru_cache(maxsize=4)
def load_catalog(path: str | Path = CATALOG) -> dict[str, dict[str, str]]:
    """The catalog as ``{key: {"en": ..., "tr": ..., "note": ...}}`` (read once per file)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader) or {}
    problems = catalog_problems(entries)
    if problems:
        raise CatalogError(f"{path}: " + "; ".join(problems[:10]))
    return entries


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields of a catalog text."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def catalog_problems(entries: dict) -> list[str]:
    """What is wrong with a catalog: keys lacking a language (or empty), and texts whose
    English and Turkish placeholders differ."""
    problems = []
    for key, entry in entries.items():
        if not isinstance(entry, dict):
            problems.append(f"{key}: not a mapping of languages")
            continue
        for lang in LANGS:
            if not isinstance(entry.get(lang), str) or not entry[lang].strip():
                problems.append(f"{key}: no {lang} text")
        unknown = set(entry) - {*LANGS, "note"}
        if unknown:  # e.g. an unquoted text with a comma inside {en: ..., tr: ...}
            problems.append(f"{key}: unknown fields {sorted(unknown)} (quote a text that has a comma)")
        if all(isinstance(entry.get(lang), str) for lang in LANGS):
            if placeholders(entry["en"]) != placeholders(entry["tr"]):
                problems.append(f"{key}: placeholders differ between en and tr")
    return problems


def text(key: str, lang: str = "en", **values) -> str:
    """The catalog's text for ``key`` in ``lang``, with ``values`` filled in.

    >>> text("table.characteristic", "tr")
    'Özellik'

    Raises KeyError for an unknown key and ValueError for an unknown language.
    """
    check_lang(lang)
    try:
        template = load_catalog()[key][lang]
    except KeyError:
        raise KeyError(f"no text {key!r} in the catalog ({CATALOG.name})") from None
    return template.format(**values) if values or "{" in template else template


def has(key: str) -> bool:
    """True when the catalog has ``key``."""
    return key in load_catalog()


def in_sentence(label: str, lang: str = "en") -> str:
    """A label as it reads inside a sentence: its first letter in lower case when the second is
    lower case too ("Primary malignancy origin" -> "primary malignancy origin"; "CSF cytology",
    "MRI field strength" stay), with Turkish's dotted and dotless i ("İ" -> "i", "I" -> "ı")."""
    if len(label) < 2 or not label[1].islower():
        return label
    first = {"İ": "i", "I": "ı"}.get(label[0], label[0].lower()) if lang == "tr" else label[0].lower()
    return first + label[1:]


def translator(lang: str):
    """``text`` bound to one language: ``t = translator("tr"); t("table.characteristic")``."""
    check_lang(lang)
    return lambda key, **values: text(key, lang, **values)
