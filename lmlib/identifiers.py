"""Recognise direct identifiers by their values and headers, without ever repeating them.

The codebook drops the columns it knows as identifiers (name, national ID, record number,
phone, address, e-mail) by their headers. This module catches the rest by what the cells
look like, so that :mod:`lmlib.clean` can drop an unknown column that holds identifiers,
refuse a patient id that is a national ID number, and keep identifier values out of every
problem message:

* **national ID**: a Turkish national ID number (T.C. kimlik no): 11 digits, the first not 0,
  with the official check digits ``d10 = ((d1+d3+d5+d7+d9)·7 − (d2+d4+d6+d8)) mod 10`` and
  ``d11 = (d1+…+d10) mod 10``; a number typed into Excel (``12345678950`` or ``12345678950.0``)
  counts too;
* **e-mail**: ``name@domain.tld``;
* **phone**: Turkish numbers written ``05xx xxx xx xx``, ``0 (212) xxx xx xx``, ``+90 5xx …``,
  ``0090 …`` (spaces, dashes, dots, slashes or brackets between the groups), or a mobile number
  ``5xx xxx xx xx`` without its leading 0 (as Excel stores ``05…`` typed as a number).

Every check normalises first (Unicode NFKC: full-width digits and ``＠`` become ASCII), and a
number is also tried with the spaces, dashes or slashes between its digit groups removed
(``123 456 789 50``), with dots or commas as thousands separators removed (``12.345.678.950``)
and, written in scientific notation (``1.2345678950E10``, as a spreadsheet shows a long number),
as the whole number it stands for.

A patient id that looks like a person's name (two or more words of letters and no digit,
:func:`looks_like_person_name`) is refused too; a file, folder or column header that looks like
an identifier is withheld from every output (:func:`shown_name`, :func:`shown_header`).

Nothing here reads or returns the values themselves: functions answer with kind names
(:data:`KINDS`) and counts, which are safe to print. pandas is imported only by the functions
that take a Series (the report build names its input on every run without pandas).
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
import math
from pathlib import PurePath
import re
from typing import TYPE_CHECKING, Iterable
import unicodedata

from .normalize import match_key

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("national_id", "email", "phone")
NOUNS = {"national_id": "a national ID number", "email": "an e-mail address", "phone": "a phone number",
         "person_name": "a person's name"}

_NATIONAL_ID = re.compile(r"(?<![\d.,])([1-9]\d{10})(?!\d|[.,]0*[1-9])")  # "…950.0" from Excel counts
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")  # "ayşe@örnek.com.tr" too
# 0 / +90 / 0090 / 90, then an area or mobile code 2xx-5xx, then 3 + 2 + 2 digits
_SEP = r"[\s.\-/]*"
_PHONE = re.compile(
    r"(?<![\d+])(?:\+\s*90|0090|90|0)" + _SEP + r"\(?\s*[2-5]\d\d\s*\)?" + _SEP + r"\d{3}" + _SEP + r"\d{2}"
    + _SEP + r"\d{2}(?!\d)"
)
_BARE_MOBILE = re.compile(r"(?<![\d+])5\d\d" + _SEP + r"\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}(?!\d)")
_CANDIDATE = r"\d{9}|[@＠]|\d{3}[\s.()/-]{1,4}\d{3}|\d[.,]\d+[eE]"  # \d: any script's digits
_GROUP_SEPARATORS = re.compile(r"(?<=\d)[\s\-/]+(?=\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+(?![\d])")
_SCIENTIFIC = re.compile(r"(?<![\d.,])[+]?\d+(?:[.,]\d+)?[eE][+]?\d{1,2}(?![\d])")
_WORD = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?"
_PERSON_NAME = re.compile(rf"{_WORD}(?:[\s_]+{_WORD})+")

# Header words that name a direct identifier (matching keys, see lmlib.normalize.match_key):
# an unknown column whose header holds one of them is dropped with a warning too.
HEADER_WORDS = frozenset({
    "tc", "tckn", "kimlik", "identity", "ssn", "name", "names", "surname", "isim", "ismi", "ad", "adi", "soyad",
    "soyadi", "phone", "telephone", "mobile", "tel", "telefon", "telefonu", "gsm", "cep", "email", "mail", "eposta",
    "posta", "address", "adres", "adresi", "protokol", "dosya", "mrn", "arsiv",
})


def is_national_id(digits: str) -> bool:
    """True when ``digits`` (a string of exactly 11 digits) is a valid Turkish national ID number.

    >>> is_national_id("10000000146")
    True
    >>> is_national_id("10000000147")
    False
    """
    if len(digits) != 11 or not digits.isdigit() or digits[0] == "0":
        return False
    d = [int(c) for c in digits]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = sum(d[:10]) % 10
    return d[9] == d10 and d[10] == d11


def _as_text(value) -> str | None:
    """A cell as text; numbers as their integer digits (Excel stores 12345678950 as a float)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    return text or None


def _forms(text: str) -> list[str]:
    """``text`` (NFKC-normalised) and the forms a number in it may take once written out: digit
    groups joined, thousands separators dropped, scientific notation expanded."""
    forms = [text]
    joined = _GROUP_SEPARATORS.sub("", text)
    if joined != text:
        forms.append(joined)
    plain = _THOUSANDS.sub(lambda m: re.sub(r"[.,]", "", m.group(0)), text)
    if plain != text:
        forms.append(plain)
    for match in _SCIENTIFIC.finditer(text):
        try:
            number = Decimal(match.group(0).replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern is a number
            continue
        if number == number.to_integral_value() and number < 10**12:
            forms.append(str(int(number)))
    return forms


def identifier_kinds(value) -> list[str]:
    """The kinds of direct identifier (:data:`KINDS`) that ``value`` holds; [] for none.

    A cell may hold several ("Tel 0532 123 45 67, ayse@example.com"). Dates, ages and codes
    such as "LM-001" hold none. The text is normalised first (see the module's notes).
    """
    text = _as_text(value)
    if text is None:
        return []
    text = unicodedata.normalize("NFKC", text)
    if len(text) < 5:
        return []
    forms = _forms(text)
    kinds = []
    if any(is_national_id(m) for form in forms for m in _NATIONAL_ID.findall(form)):
        kinds.append("national_id")
    if "@" in text and _EMAIL.search(text):
        kinds.append("email")
    if _PHONE.search(text) or any(_BARE_MOBILE.search(form) for form in forms):
        kinds.append("phone")
    return kinds


def looks_like_person_name(value) -> bool:
    """True when ``value`` is two or more words of letters and holds no digit ("Ayşe Yılmaz",
    "AYSE_YILMAZ", "Mehmet Ali Demir"): never a study number.

    >>> looks_like_person_name("Ayşe Yılmaz"), looks_like_person_name("LM-001")
    (True, False)
    """
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFKC", value).strip()
    return bool(_PERSON_NAME.fullmatch(text))


def looks_like_identifier(value) -> bool:
    """True when ``value`` holds a national ID number, an e-mail address or a phone number."""
    return bool(identifier_kinds(value))


def candidates(values: "pd.Series") -> "pd.Series":
    """A fast first pass (vectorised): True for the cells that may hold an identifier (an "@", 9
    digits in a row in any script, groups of 3 digits as a phone number writes them, or a
    number in scientific notation); only these need :func:`identifier_kinds`."""
    return values.astype(str).str.contains(_CANDIDATE, regex=True)


def column_kinds(values: Iterable) -> Counter:
    """How many cells of a column hold each kind of identifier (a Counter of kind -> cells)."""
    import pandas as pd

    counts: Counter = Counter()
    memo: dict = {}
    if isinstance(values, pd.Series):
        values = values[candidates(values).to_numpy(dtype=bool)]
    for value in values:
        try:
            kinds = memo[value]
        except (KeyError, TypeError):
            kinds = identifier_kinds(value)
            try:
                memo[value] = kinds
            except TypeError:
                pass
        counts.update(kinds)
    return counts


def header_names_identifier(header) -> bool:
    """True when a column header contains a word that names a direct identifier
    ("Hasta adı soyadı", "Cep tel", "E-mail adresi"); see :data:`HEADER_WORDS`."""
    return any(word in HEADER_WORDS for word in match_key(header).split())


def describe_kinds(kinds: Iterable[str], lang: str = "en") -> str:
    """The kinds as words for a message: "national ID, phone number" (never a value)."""
    from .present.catalog import text

    return ", ".join(text(f"identifier.{k}", lang) for k in kinds)


def masked(value, label: str = "value not shown: it looks like a direct identifier") -> str | None:
    """``value`` unchanged unless it holds an identifier, else the ``label`` placeholder; for
    problem messages, which must never repeat an identifier."""
    if value is None:
        return None
    return f"[{label}]" if looks_like_identifier(value) else value


WITHHELD_HEADER = "header withheld: it looks like an identifier"


def shown_header(header, position: int) -> str:
    """A column as a message names it: ``'Age'``, or ``column 7 (header withheld: it looks like an
    identifier)`` when the header holds a national ID, phone number or e-mail address (a
    relative's name and phone typed as a header), cut to about 80 characters."""
    from .echo import cut

    if looks_like_identifier(str(header)):
        return f"column {position} ({WITHHELD_HEADER})"
    return repr(cut(header))


def name_is_identifier(name: str) -> bool:
    """True when a file or folder name looks like a direct identifier: it holds a national ID,
    phone number or e-mail address (``Ayse_Yilmaz_12345678950.csv``), or a word that names one
    (``hasta_adi_soyadi.xlsx``, see :data:`HEADER_WORDS`)."""
    stem = PurePath(name).stem if "." in name else name
    spaced = re.sub(r"[_]+", " ", stem)
    return looks_like_identifier(spaced) or looks_like_identifier(stem) or header_names_identifier(spaced)


__all__ = ["HEADER_WORDS", "KINDS", "NOUNS", "WITHHELD_HEADER", "candidates", "column_kinds",
           "describe_kinds", "header_names_identifier", "identifier_kinds", "is_national_id", "looks_like_identifier",
           "looks_like_person_name", "masked", "name_is_identifier", "shown_header"]
