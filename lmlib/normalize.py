"""Text normalisation for matching Turkish and English spellings.

``match_key`` folds a cell or a column header to a key that is equal for the spellings a
hospital export uses for the same thing: Turkish-aware case folding (İ/i and I/ı all become
``i``, so "İNFRATENTORYAL", "INFRATENTORYAL" and "infratentoryal" agree), Turkish and other
diacritics dropped ("Baş ağrısı" = "bas agrisi"), and every run of punctuation or white space
made one space ("Supra+infra" = "supra / infra" = "supra infra"; "1,5T" = "1.5 t"; "KS7" =
"KS 7": digits and letters are split). A value made
only of punctuation keeps it ("+" and "-" are common yes/no codes).
"""
from __future__ import annotations

from functools import lru_cache
import re
import unicodedata

_TURKISH_FOLD = str.maketrans({"İ": "i", "I": "i", "ı": "i"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACE = re.compile(r"\s+")
_DIGIT_LETTER = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(text: str) -> str:
    # The Turkish dotted/dotless i must be mapped before lower(): "İ".lower() is "i̇".
    text = unicodedata.normalize("NFKC", text).translate(_TURKISH_FOLD)
    return _strip_marks(text.lower()).translate(_TURKISH_FOLD).casefold()


def match_key(value: object) -> str:
    """Return the matching key of ``value`` (any object; ``None`` gives ``""``).

    Idempotent: ``match_key(match_key(x)) == match_key(x)``; never raises.
    """
    if value is None:
        return ""
    return _key(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    folded = _fold(text)
    key = _DIGIT_LETTER.sub(" ", _NOT_ALNUM.sub(" ", folded)).strip()
    if key:
        return key
    # nothing alphanumeric: keep the symbols ("+", "-", "αβ"), without white space
    return _SPACE.sub("", folded)


def tidy_text(value: object) -> str:
    """Trim and unify white space and dashes for display, keeping case and letters."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = _DASHES.sub("-", text).replace("\u00a0", " ")
    return _SPACE.sub(" ", text).strip()
