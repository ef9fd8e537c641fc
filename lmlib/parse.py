"""Parse one cell: numbers, dates, yes/no and coded levels, as hospital exports write them.

Each parser returns the value or raises :class:`CellError` with the text of what was expected;
:mod:`lmlib.clean` turns that into a :class:`~lmlib.problems.Problem` naming row and column.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

from .normalize import match_key

MISSING_KEYS = {"", "na", "n a", "nan", "null", "missing", "eksik", "bilinmiyor", "?", ".", "nat"}
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk folded in)
EXCEL_SERIAL_RANGE = (1, 2958465)  # 1900-01-01 .. 9999-12-31
DATE_RANGE = (pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31"))  # within a datetime64[ns]
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class CellError(ValueError):
    """A cell that does not hold what its column expects; ``str(err)`` says what was expected."""


def is_blank(value: object) -> bool:
    """True for None, NaN, NaT, empty or white-space cells and the usual missing-value codes."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    if isinstance(value, str):
        return match_key(value) in MISSING_KEYS
    return False


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
