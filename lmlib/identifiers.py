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
  ``0090 …`` (spaces, dashes, dots, slashes or brackets between the groups), or a 10-digit
  number starting with 5 that Excel stored without its leading 0.

Nothing here reads or returns the values themselves: functions answer with kind names
(:data:`KINDS`) and counts, which are safe to print.
"""
from __future__ import annotations

from collections import Counter
import math
import re
from typing import Iterable

import pandas as pd

from .normalize import match_key

KINDS = ("national_id", "email", "phone")
NOUNS = {"national_id": "a national ID number", "email": "an e-mail address", "phone": "a phone number"}

_NATIONAL_ID = re.compile(r"(?<![\d.,])([1-9]\d{10})(?!\d|[.,]0*[1-9])")  # "…950.0" from Excel counts
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# 0 / +90 / 0090 / 90, then an area or mobile code 2xx-5xx, then 3 + 2 + 2 digits
_SEP = r"[\s.\-/]*"
_PHONE = re.compile(
    r"(?<![\d+])(?:\+\s*90|0090|90|0)" + _SEP + r"\(?\s*[2-5]\d\d\s*\)?" + _SEP + r"\d{3}" + _SEP + r"\d{2}"
    + _SEP + r"\d{2}(?!\d)"
)
_BARE_MOBILE = re.compile(r"5\d{9}")  # Excel drops the leading 0 of 05xx xxx xx xx
_CANDIDATE = r"[0-9]{9}|@|[0-9]{3}[ .()/-]{1,4}[0-9]{3}"

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


def identifier_kinds(value) -> list[str]:
    """The kinds of direct identifier (:data:`KINDS`) that ``value`` holds; [] for none.

    A cell may hold several ("Tel 0532 123 45 67, ayse@example.com"). Dates, ages and codes
    such as "LM-001" hold none.
    """
    text = _as_text(value)
    if text is None or len(text) < 5:
        return []
    kinds = []
    if any(is_national_id(m) for m in _NATIONAL_ID.findall(text)):
        kinds.append("national_id")
    if "@" in text and _EMAIL.search(text):
        kinds.append("email")
    if _PHONE.search(text) or (isinstance(value, (int, float)) and _BARE_MOBILE.fullmatch(text)):
        kinds.append("phone")
    return kinds


def looks_like_identifier(value) -> bool:
    """True when ``value`` holds a national ID number, an e-mail address or a phone number."""
    return bool(identifier_kinds(value))


def candidates(values: pd.Series) -> pd.Series:
    """A fast first pass (vectorised): True for the cells that may hold an identifier (an "@", 9
    digits in a row, or groups of 3 digits as a phone number writes them); only these need
    :func:`identifier_kinds`."""
    return values.astype(str).str.contains(_CANDIDATE, regex=True)


def column_kinds(values: Iterable) -> Counter:
    """How many cells of a column hold each kind of identifier (a Counter of kind -> cells)."""
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


__all__ = ["HEADER_WORDS", "KINDS", "NOUNS", "candidates", "column_kinds", "describe_kinds", "header_names_identifier",
           "identifier_kinds", "is_national_id", "looks_like_identifier", "masked"]
