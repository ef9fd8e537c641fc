"""From any DataFrame to the numeric (duration, event[, group][, weight]) frame the statistics use.

Every survival function in :mod:`lmlib.survival` takes a DataFrame and column names and calls
:func:`survival_frame` first, so the coding of events, the handling of missing values and the
checks on durations are the same everywhere (summary, landmarks, risk table, tests, CLI).
The input is never modified.
"""
from __future__ import annotations

import math
from numbers import Number

import numpy as np
import pandas as pd

from ..problems import InputError

DAYS_PER_MONTH = 365.25 / 12  # 30.4375: mean Gregorian month, the usual days -> months factor
DAYS_PER_WEEK = 7.0
UNITS = {"days": 1.0, "weeks": DAYS_PER_WEEK, "months": DAYS_PER_MONTH, "years": 365.25}
EVENT_TEXT = frozenset({"1", "true", "yes"})
CENSORED_TEXT = frozenset({"0", "false", "no"})
OVERALL = "Overall"


def as_text(value) -> str | None:
    """A cell as the text a user would type: ``1.0`` -> ``"1"``, ``True`` -> ``"true"``,
    stripped; ``None``, NaN and blank cells -> ``None``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, Number):
        v = float(value)
        if math.isnan(v):
            return None
        if v.is_integer():
            return str(int(v))
        return repr(v)
    text = str(value).strip()
    return text or None


def as_texts(values: pd.Series) -> pd.Series:
    """:func:`as_text` of every cell (same index). Typed columns (numbers, booleans,
    categories) are converted once per distinct value, so a registry's million rows cost what
    their few distinct values do; object columns, which may mix ``1`` and ``True`` (equal as
    keys, different as text), cell by cell."""
    if values.dtype == object:
        return values.map(as_text)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([as_text(u) for u in uniques] + [None], dtype=object)  # code -1 (missing) -> None
    return pd.Series(table[codes], index=values.index, name=values.name, dtype=object)


def event_indicator(values, event_value=None) -> pd.Series:
    """Code an event column as a nullable boolean Series (True = event, False = censored).

    Parameters
    ----------
    values : Series (or array-like) of the event column, any dtype.
    event_value : optional. When given, a cell is an event when its text (see :func:`as_text`,
        so ``1.0`` reads as ``"1"``) equals ``str(event_value).strip()``, compared exactly; every
        other non-blank cell is censored. When None, ``1``/``true``/``yes`` are events and
        ``0``/``false``/``no`` censored (case-insensitive); any other value is an error rather
        than a silent guess (e.g. R's 1/2 coding needs ``event_value=2``).

    Returns
    -------
    Series of dtype ``boolean`` with ``<NA>`` for blank cells, same index as ``values``.

    Raises
    ------
    InputError
        When ``event_value`` is None and a cell is not one of the recognised codes.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    text = as_texts(s)
    if event_value is not None:
        target = as_text(event_value)
        if target is None:
            raise InputError("the event value is blank")
        return text.eq(target).astype("boolean").mask(text.isna())
    lowered = text.str.lower()
    unknown = sorted(set(lowered.dropna().unique()) - (EVENT_TEXT | CENSORED_TEXT))
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5])
        raise InputError(
            f"event column '{s.name}' has values other than 1/true/yes (event) and 0/false/no "
            f"(censored): {shown}; say which value is the event (event_value / --event-value)"
        )
    return lowered.isin(EVENT_TEXT).astype("boolean").mask(lowered.isna())


def _numeric(series: pd.Series, what: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return pd.to_numeric(series).astype(float)  # numbers already: as_text would give them back
    text = as_texts(series)
    num = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & num.isna()
    if bad.any():
        shown = ", ".join(repr(v) for v in text[bad].unique()[:5])
        raise InputError(f"{what} column '{series.name}' has non-numeric values: {shown}")
    return num.astype(float)


def check_columns(data: pd.DataFrame, *columns) -> None:
    """Raise :class:`InputError` naming every column of ``columns`` (None ignored) not in ``data``."""
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        shown = ", ".join(str(c) for c in list(data.columns)[:12])
        raise InputError(f"column {names} not found; the columns are: {shown}")


def survival_frame(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str | None = None,
    weights_col: str | None = None, event_value=None, unit: str = "days",
) -> pd.DataFrame:
    """The rows usable for survival analysis, as numbers.

    Parameters
    ----------
    data : DataFrame, not modified.
    duration_col : follow-up time, in days (numbers or numeric text), finite and >= 0.
    event_col : event indicator, coded as described in :func:`event_indicator`.
    group_col : optional factor; rows where it is blank are dropped (listwise, as SPSS does:
        they count neither in their group nor in ``Overall``).
    weights_col : optional frequency weights (number of patients a row stands for), >= 0.
    event_value : see :func:`event_indicator`.
    unit : ``"days"`` (default), ``"weeks"`` (days / 7), ``"months"`` (days / 30.4375) or
        ``"years"`` (days / 365.25).

    Returns
    -------
    DataFrame with columns ``duration`` (float, in ``unit``), ``event`` (bool), ``weight``
    (float, 1 without ``weights_col``) and, with ``group_col``, ``group`` (original values);
    rows with a blank duration, event, group or weight are left out; the index is kept.
    """
    check_columns(data, duration_col, event_col, group_col, weights_col)
    if unit not in UNITS:
        raise InputError(f"unknown time unit '{unit}'; expected one of {', '.join(UNITS)}")
    out = pd.DataFrame(index=data.index)
    out["duration"] = _numeric(data[duration_col], "duration")
    out["event"] = event_indicator(data[event_col], event_value)
    out["weight"] = _numeric(data[weights_col], "weights") if weights_col else 1.0
    if group_col:
        groups = data[group_col]
        blank = as_texts(groups).isna()
        out["group"] = groups.where(~blank)
    out = out.dropna()
    if not np.isfinite(out["duration"]).all() or (out["duration"] < 0).any():
        raise InputError(f"duration column '{duration_col}' has negative or infinite values")
    if (out["weight"] < 0).any() or not np.isfinite(out["weight"]).all():
        raise InputError(f"weights column '{weights_col}' has negative or infinite values")
    out["event"] = out["event"].astype(bool)
    out["duration"] = out["duration"] / UNITS[unit]
    return out


def group_order(value):
    """Sort key for group values: numbers (also numeric text, "10" after "9") before other text."""
    text = as_text(value) or ""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def split_groups(frame: pd.DataFrame, overall: bool = True) -> list[tuple[object, pd.DataFrame]]:
    """``(key, rows)`` per group of a :func:`survival_frame`, then ``("Overall", all)``.

    Groups come in category order for a pandas Categorical, else sorted by :func:`group_order`.
    """
    parts: list[tuple[object, pd.DataFrame]] = []
    if "group" in frame.columns:
        parts += list(frame.groupby("group", sort=False, observed=True))
        if isinstance(frame["group"].dtype, pd.CategoricalDtype):
            rank = {c: i for i, c in enumerate(frame["group"].cat.categories)}
            parts.sort(key=lambda kv: rank[kv[0]])
        else:
            parts.sort(key=lambda kv: group_order(kv[0]))
    if overall or not parts:
        parts.append((OVERALL, frame))
    return parts
