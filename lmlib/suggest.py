"""The closest known headers and levels of what matched nothing, with a similarity score, and the
study-file line that would map it (as OHDSI WhiteRabbit/Usagi suggest mappings for a person to
confirm: nothing here is ever applied by itself).

Similarity (0–100) is computed between matching keys (:func:`lmlib.normalize.match_key`: case,
accents and punctuation folded), the best alias per variable or spelling per level kept: RapidFuzz's
``WRatio`` for headers (a header is often a part of a longer one: "Kontrast paterni"), the mean of
``WRatio`` and the plain Levenshtein ``ratio`` for levels, so that "Chemotherapy + radiotherapy" is
closer to chemoradiotherapy than to chemotherapy, which it merely contains. Used by the messages of
:mod:`lmlib.clean` and by ``python -m lmlib map`` (:mod:`lmlib.mapping`).

Character similarity alone is fooled by words that say little ("Karaciğer met." is 86% "dura met";
"RT" is inside "KT ve RT"), so it is combined with the words themselves (:func:`word_agreement`):
generic words (:data:`GENERIC_WORDS`: met, metastaz, tümör, karsinom, hücreli, cell, tarihi, ...)
and single letters ("(E/H)") are set aside; a known spelling one of whose other words the text
lacks scores at most :data:`PARTIAL` (never suggested), and the score is the mean of the character
score and the share of the words of both that the other has ("Supra + infratentoryal" is closer
to supratentorial + infratentorial than to infratentorial).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
import os

from rapidfuzz import fuzz, process

from .codebook import ROMAN, Codebook, Variable
from .normalize import match_key

CUTOFF = 75  # header scores below this are not suggested ("KPS" is not "KS 10")
LEVEL_CUTOFF = 65  # level scores below this are not suggested ("Melanoma (skin)" is skin at 69)
WITHIN = 10  # nor those more than this below the best
LIMIT = 3
PARTIAL = 60  # the most a known spelling scores when the text lacks one of its words: below both cutoffs
GENERIC_WORDS = frozenset({  # matching keys of words that name no particular thing here
    "met", "meta", "metastaz", "metastazi", "metastazlar", "metastazlari", "metastasis", "metastases",
    "metastatic", "metastatik", "tumor", "tumour", "tumoru", "tumors", "tumours", "carcinoma", "karsinom",
    "karsinomu", "hucreli", "hucre", "cell", "cells", "bozuklugu", "bozukluk", "degisikligi", "tarihi", "tarih",
    "date", "of", "and", "or", "the", "ve", "veya", "ile", "rapor", "raporu", "report", "sonuc", "sonucu", "result"})
WORD_SIMILAR = 88  # two words of five letters or more this close are one ("infratentoryal", "infratentorial")


@dataclass(frozen=True)
class Match:
    """A suggestion: the known spelling, what it stands for (``target`` as in
    :attr:`lmlib.codebook.Codebook.header_targets`, or a level name), its label and the score."""

    text: str
    target: tuple | str
    label: str
    score: float


def _aliases(codebook: Codebook) -> dict[str, tuple[str, tuple]]:
    """Matching key -> (a header as written, its target), for every known header."""
    found: dict[str, tuple[str, tuple]] = {}

    def add(alias: str, target: tuple) -> None:
        found.setdefault(match_key(alias), (alias, target))

    for var in codebook.variables:
        if var.identifier:
            continue
        for alias in (*var.spec.get("aliases", []), var.name):
            add(alias, ("variable", var.name))
        for option in var.spec.get("options", []):
            for alias in (*option.get("aliases", []), *option.get("suggested_aliases", []),
                          option.get("label", {}).get("tr", ""),
                          option.get("label", {}).get("en", "")):
                if alias:
                    add(alias, ("option", var.name, option["name"]))
        if var.type == "nerve_set":
            prefixes = var.spec.get("alias_prefixes", [])
            for n in codebook.cranial_nerves.get("numbers", []):
                for prefix in prefixes[:1] + prefixes[2:3]:  # "CN 7", "KS 7": enough to be recognised
                    add(f"{prefix.upper()} {n}", ("nerve", n))
                add(f"CN {ROMAN[n].upper()}", ("nerve", n))
    return found


@lru_cache(maxsize=16)
def _alias_index(codebook: Codebook) -> tuple[list[str], list[tuple[str, tuple]]]:
    found = _aliases(codebook)
    return list(found), list(found.values())


def _both(labels: dict, fallback: str) -> str:
    en = labels.get("en", fallback)
    tr = labels.get("tr", en)
    return en if tr == en else f"{en} / {tr}"


def target_label(codebook: Codebook, target: tuple) -> str:
    """What a header stands for, in English and Turkish: "Sex / Cinsiyet", "Headache / Baş
    ağrısı (Clinical symptoms)", "CN 7"."""
    if target[0] == "nerve":
        return f"CN {target[1]} / KS {target[1]}"
    var = codebook[target[1]]
    if target[0] == "option":
        option = next(o for o in var.options if o.name == target[2])
        return f"{_both(option.label, option.name)} ({var.label().split(' (')[0]})"
    return _both(var.spec.get("label", {}), var.name)


def _best(scored: list, key) -> list:
    """The first of each ``key``, within :data:`WITHIN` points of the best score."""
    out, seen = [], set()
    top = scored[0][1] if scored else 0
    for item in scored:
        k = key(item)
        if k in seen or item[1] < top - WITHIN:
            continue
        seen.add(k)
        out.append(item)
    return out


def distinctive_words(key: str) -> list[str]:
    """The words of a matching key that name something: not generic, not a single letter."""
    return [w for w in key.split() if w not in GENERIC_WORDS and not (len(w) == 1 and w.isalpha())]


def _has_word(word: str, words: list[str], compact: str) -> bool:
    """Whether ``word`` is among ``words``: the same, one the start of the other (of four letters
    or more: "supra", "parankimal"; or ``word`` itself, however short: "bas" in "basagrisi"),
    spelled :data:`WORD_SIMILAR` alike, or inside the other text written without spaces."""
    for other in words:
        if word == other:
            return True
        short, long = sorted((word, other), key=len)
        if short.isalpha() and long.startswith(short) and (len(short) >= 4 or short == word):
            return True
        stem = len(os.path.commonprefix([word, other]))
        if stem >= 4 and 3 * stem >= 2 * len(short):  # one stem, other endings: "almadi", "almayan"
            return True
        if min(len(word), len(other)) >= 5 and fuzz.ratio(word, other) >= WORD_SIMILAR:
            return True
    if len(word) >= 4 and word in compact:
        return True
    # a compound written as words or the other way ("chemoradiotherapy", "chemotherapy radiotherapy")
    return len(word) >= 8 and word[:4] in compact and fuzz.ratio(word, compact) >= 80


def word_agreement(text: str, known: str, implied: frozenset = frozenset()) -> tuple[float, bool]:
    """(the share of the distinctive words of both matching keys that the other has, 0–100;
    whether ``text`` has every distinctive word of ``known``). Keys of generic words only are
    compared word for word; generic words alone on one side agree with nothing. ``implied``:
    words the column already says (a value of the Tedavi column needs no "tedavi")."""
    mine = [w for w in distinctive_words(text) if w not in implied]
    theirs = [w for w in distinctive_words(known) if w not in implied]
    if not mine and not theirs:
        mine, theirs = text.split(), known.split()
    if not mine or not theirs:
        return 0.0, False
    found = sum(_has_word(w, mine, text.replace(" ", "")) for w in theirs)
    have = sum(_has_word(w, theirs, known.replace(" ", "")) for w in mine)
    return 100 * (found + have) / (len(mine) + len(theirs)), found == len(theirs)


def _with_words(text: str, known: str, characters: float, score_cutoff, implied=frozenset()) -> float:
    """The character score combined with :func:`word_agreement` (see the module docstring)."""
    words, complete = word_agreement(text, known, implied)
    score = (characters + words) / 2 if complete else min(characters, PARTIAL)
    return score if score_cutoff is None or score >= score_cutoff else 0.0


def header_score(a: str, b: str, *, processor=None, score_cutoff=None) -> float:
    """``WRatio``, but the plain ``ratio`` against a header of three characters or fewer ("id",
    "no", "ks"), which a partial match would find inside almost any header ("CN3 side");
    combined with the words of both (:func:`word_agreement`)."""
    score = fuzz.ratio(a, b) if min(len(a), len(b)) <= 3 else fuzz.WRatio(a, b)
    return _with_words(a, b, score, score_cutoff)


def closest_headers(header: str, codebook: Codebook, limit: int = LIMIT, cutoff: float = CUTOFF) -> list[Match]:
    """Up to ``limit`` known headers closest to ``header``, one per target, best first."""
    keys, values = _alias_index(codebook)
    key = match_key(header)
    if not key:
        return []
    scored = process.extract(key, keys, scorer=header_score, limit=max(limit * 8, 20), score_cutoff=cutoff)
    best = _best(scored, lambda item: values[item[2]][1])[:limit]
    return [Match(values[i][0], values[i][1], target_label(codebook, values[i][1]), round(float(score)))
            for _, score, i in best]


def level_score(a: str, b: str, *, processor=None, score_cutoff=None, implied=frozenset()) -> float:
    """The mean of RapidFuzz's ``WRatio`` and ``ratio``, combined with the words of both (see
    the module docstring)."""
    return _with_words(a, b, (fuzz.WRatio(a, b) + fuzz.ratio(a, b)) / 2, score_cutoff, implied)


def _column_words(var: Variable) -> frozenset:
    """The words of a variable's name, labels and headers: what a value of its column need not say."""
    texts = (var.name, *var.spec.get("aliases", []), *var.spec.get("label", {}).values())
    return frozenset(w for text in texts for w in match_key(text).split())


def closest_levels(value, var: Variable, limit: int = LIMIT, cutoff: float = LEVEL_CUTOFF) -> list[Match]:
    """Up to ``limit`` levels (or options) of ``var`` whose name, labels or synonyms are
    closest to ``value``, one per level, best first."""
    spellings, levels = [], []
    for level in var.levels or var.options:
        for text in (level.name, *level.label.values(), *level.synonyms):
            spellings.append(match_key(text))
            levels.append(level)
    key = match_key(value)
    if not key or not spellings:
        return []
    scorer = partial(level_score, implied=_column_words(var))
    scored = process.extract(key, spellings, scorer=scorer, limit=max(limit * 8, 20), score_cutoff=cutoff)
    best = _best(scored, lambda item: levels[item[2]].name)[:limit]
    return [Match(levels[i].label.get("tr", levels[i].name), levels[i].name, _both(levels[i].label, levels[i].name),
                  round(float(score))) for _, score, i in best]


def yaml_text(value) -> str:
    """A spelling as a YAML flow scalar (double-quoted, escaped): safe whatever it holds."""
    import json

    return json.dumps(str(value), ensure_ascii=False)


def study_line(header: str, target: tuple, nerves: str = "cranial_nerves") -> str:
    """The study-file entry that maps the column ``header`` to ``target`` (one line of YAML under
    ``variables:``); ``nerves``: the name of the codebook's nerve variable."""
    if target[0] == "variable" and len(target) > 2:  # with spellings of its levels: ((level, spellings), ...)
        levels = ", ".join(f"{{name: {level}, synonyms: [{', '.join(map(yaml_text, spellings))}]}}"
                           for level, spellings in target[2] if spellings)
        return f"- {{name: {target[1]}, aliases: [{yaml_text(header)}], levels: [{levels}]}}"
    if target[0] == "variable":
        return f"- {{name: {target[1]}, aliases: [{yaml_text(header)}]}}"
    if target[0] == "option":
        return f"- {{name: {target[1]}, options: [{{name: {target[2]}, aliases: [{yaml_text(header)}]}}]}}"
    return f"- {{name: {nerves}, nerve_aliases: {{{target[1]}: [{yaml_text(header)}]}}}}"


def level_line(var: Variable, level: str, value) -> str:
    """The study-file entry that makes ``value`` a spelling of ``level`` of ``var``."""
    kind = "options" if var.type == "multi_response" else "levels"
    return f"- {{name: {var.name}, {kind}: [{{name: {level}, synonyms: [{yaml_text(value)}]}}]}}"


def header_hint(header: str, codebook: Codebook) -> str:
    """"; did you mean Headache / Baş ağrısı (Clinical symptoms) (95%)?; to map it, add under
    'variables:' in your study file: - {...}" or "" when nothing is close."""
    matches = closest_headers(header, codebook)
    if not matches:
        return ""
    shown = " or ".join(f"{m.label} ({m.score:.0f}%)" for m in matches)
    nerve = codebook.nerve_variable
    line = study_line(header, matches[0].target, nerve.name if nerve else "cranial_nerves")
    add = f"; to map it, add under 'variables:' in your study file: {line}" if line else ""
    return f"; did you mean {shown}?{add}"


def level_hint(value, var: Variable) -> str:
    """"; closest: Adenocarcinoma / Adenokarsinom (88%)" or ""."""
    matches = closest_levels(value, var)
    if not matches:
        return ""
    return "; closest: " + ", ".join(f"{m.label} ({m.score:.0f}%)" for m in matches)
