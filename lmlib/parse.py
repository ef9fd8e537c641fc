"""Parse one cell: numbers, dates, yes/no and coded levels, as hospital exports write them.

Each parser returns the value or raises :class:`CellError` with the text of what was expected;
:mod:`lmlib.clean` turns that into a :class:`~lmlib.problems.Problem` naming row and column.
"""
from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import math
import re

import pandas as pd

from .normalize import match_key

# What an export writes for "not known". Such a cell is missing in every variable type: it never
# takes a column's blank rule ("blank nerve = not involved", "blank option next to filled ones =
# not present"), which is for truly empty cells only. A level or yes/no spelling of the variable
# itself wins (primary site "unknown" is the level "unknown primary"; "-" is a "no" of a yes/no
# column); a dash that is no spelling of the variable is unknown too.
UNKNOWN_KEYS = frozenset({
    "na", "n a", "nan", "nat", "null", "none recorded", "missing", "unknown", "unk", "not known", "nk", "n k",
    "not available", "not recorded", "not assessed", "eksik", "bilinmiyor", "bilinmeyen", "belirsiz",
    "bilgi yok", "kayit yok", "?", "??", ".", "..", "...", "-", "--", "---",
})
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk folded in)
EXCEL_SERIAL_RANGE = (1, 2958465)  # 1900-01-01 .. 9999-12-31
DATE_RANGE = (pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31"))  # within a datetime64[ns]
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class CellError(ValueError):
    """A cell that does not hold what its column expects; ``str(err)`` says what was expected."""


@dataclass(frozen=True)
class DeclaredMissing:
    """A cell its file declares missing: an SPSS user-missing code (``9`` = "Unknown"), kept
    apart from an empty cell so that it is never read as "no" (see :data:`UNKNOWN_KEYS`)."""

    code: str
    label: str = ""

    def __str__(self) -> str:
        return f"{self.code} = {self.label}" if self.label else self.code


def is_empty(value: object) -> bool:
    """True for a truly empty cell: None, NaN, NaT, or an empty or white-space string."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def is_unknown(value: object, extra_keys: frozenset[str] = frozenset()) -> bool:
    """True for a cell that says "not known": a :class:`DeclaredMissing` code, a spelling of
    :data:`UNKNOWN_KEYS` (``Bilinmiyor``, ``?``, ``NA``, ``n/a``, ``-`` ...), or one of
    ``extra_keys`` (matching keys of a study file's ``missing_values``)."""
    if isinstance(value, DeclaredMissing):
        return True
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an SPSS code 9.0 matches a missing value "9"
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        key = match_key(value)
        return key in UNKNOWN_KEYS or key in extra_keys
    return False


def is_blank(value: object) -> bool:
    """True for an empty cell or one that says "not known" (:func:`is_empty` or :func:`is_unknown`)."""
    return is_empty(value) or is_unknown(value)


def parse_number(value: object) -> float:
    """A number; a decimal comma ("55,4") is accepted."""
    if isinstance(value, bool):
        raise CellError("a number")
    if isinstance(value, (int, float)):
        if math.isfinite(value):
            return float(value)
        raise CellError("a finite number")
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if _NUMBER.match(text):
        return float(text.replace(",", "."))
    raise CellError("a number")


def parse_date(value: object) -> pd.Timestamp:
    """A calendar date from dd.mm.yyyy (also with / or -), yyyy-mm-dd, an Excel serial day
    number, or a date/datetime object. Time of day is dropped. Years outside 1678–2261 (what a
    nanosecond timestamp holds, far beyond any clinical date) are refused."""
    day = _parse_date(value)
    if not DATE_RANGE[0] <= day <= DATE_RANGE[1]:
        raise CellError("a real calendar date between the years 1678 and 2261")
    return day


def _parse_date(value: object) -> pd.Timestamp:
    expected = "a date as dd.mm.yyyy, yyyy-mm-dd or an Excel date"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(value).normalize().tz_localize(None) if pd.Timestamp(value).tzinfo else pd.Timestamp(value).normalize()
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _excel_serial(value, expected)
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _excel_serial(float(text), expected)
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(text)
        if not match:
            raise CellError(expected)
        year, month, day = (int(g) for g in match.groups())
    try:
        return pd.Timestamp(dt.date(year, month, day))
    except ValueError:
        raise CellError(f"a real calendar date ({expected})") from None


def _excel_serial(number: float, expected: str) -> pd.Timestamp:
    if not math.isfinite(number) or not EXCEL_SERIAL_RANGE[0] <= number <= EXCEL_SERIAL_RANGE[1]:
        raise CellError(expected)
    return pd.Timestamp(EXCEL_EPOCH + dt.timedelta(days=int(number)))


def parse_level(value: object, synonyms: dict[str, str], levels: list[str]) -> str:
    """The canonical level whose name, label or synonym matches ``value``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an SPSS or Excel code 1.0 matches the synonym "1"
    key = match_key(value)
    if key in synonyms:
        return synonyms[key]
    raise CellError("one of " + ", ".join(levels))


def parse_bool(value: object, trues: set[str], falses: set[str]) -> bool:
    """True or False from yes/no spellings (Evet/Hayır, Var/Yok, 1/0, +/-, ...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = match_key(value)
    if key in trues:
        return True
    if key in falses:
        return False
    raise CellError("yes or no (Evet/Hayır, Var/Yok, Yes/No, 1/0)")


EMPTY, UNKNOWN, VALUE, INVALID = "empty", "unknown", "value", "invalid"


def classify(cell, parser, unknown_keys: frozenset[str] = frozenset(), *,
             spellings_first: bool = True) -> tuple[str, object]:
    """What one cell holds: ``(EMPTY, None)`` for a truly empty cell, ``(UNKNOWN, None)`` for
    "not known" (an SPSS user-missing code, a study file's missing value, or a spelling such as
    ``Bilinmiyor``/``?``/``NA`` that is no spelling of the variable itself), ``(VALUE, value)``,
    or ``(INVALID, what was expected)``. ``spellings_first=False`` (free text, ids): every
    unknown spelling is unknown, as nothing else would reject it."""
    if is_empty(cell):
        return EMPTY, None
    declared = isinstance(cell, DeclaredMissing) or (unknown_keys and is_unknown(cell, unknown_keys)
                                                     and not is_unknown(cell))
    if declared or (not spellings_first and is_unknown(cell)):
        return UNKNOWN, None  # declared by the file or the study: before the variable's spellings
    try:
        return VALUE, parser(cell)
    except CellError as err:
        if is_unknown(cell):
            return UNKNOWN, None
        return INVALID, str(err)
