"""The survival section's fixed conventions (columns, RMST horizon, CI transform, limits) and the
checking of the notebook's parameters, which arrive as strings."""
from __future__ import annotations

import math

import pandas as pd

from ..problems import InputError

DURATION, EVENT = "survival_days", "death"
SECTION = "survival"
OVERALL_ITEM, OVERALL_LEVEL = "overall_survival", "overall"
RMST_TAU_DAYS = 180.0
CI_TRANSFORM = "log-log"  # landmark CIs and figure bands: lifelines', Stata's and SAS's default
PH_TRANSFORM = "rank"
MAX_LEVELS = 12  # a group_by variable with more distinct values is not categorical
MAX_BANDS = 3  # CI bands drawn on a grouped figure only up to this many groups (legibility)
HR_DECIMALS = 2
FIRST = ["section", "item", "level"]


def parse_times(spec: str) -> list[float]:
    """``"30,90,180"`` (commas, semicolons or spaces) -> ``[30.0, 90.0, 180.0]``; blank -> ``[]``."""
    out = []
    for token in str(spec or "").replace(";", ",").replace(" ", ",").split(","):
        if token.strip():
            try:
                value = float(token)
            except ValueError:
                raise InputError(f"not a time in days: {token.strip()!r} (expected e.g. \"30,90,180\")") from None
            if not value >= 0 or math.isinf(value):
                raise InputError(f"times must be finite and >= 0, not {token.strip()!r}")
            out.append(value)
    return out


def parse_names(spec: str) -> list[str]:
    """``"treatment, primary_site"`` -> ``["treatment", "primary_site"]`` (duplicates dropped)."""
    return list(dict.fromkeys(t.strip() for t in str(spec or "").replace(";", ",").split(",") if t.strip()))


TIME_UNITS = ("days", "weeks", "months")


def time_units(time_unit: str) -> tuple[str, ...]:
    """The units shown: ``"days"`` -> ``("days",)``; ``"weeks"`` -> ``("days", "weeks")``;
    ``"months"`` -> ``("days", "months")`` (every number is computed in days; the other unit is
    shown beside them: days / 7 or days / 30.4375)."""
    if time_unit not in TIME_UNITS:
        raise InputError(f"time_unit must be one of {', '.join(TIME_UNITS)}, not {time_unit!r}")
    return ("days",) if time_unit == "days" else ("days", time_unit)


def check_group_by(data: pd.DataFrame, names) -> list[str]:
    """The ``group_by`` columns, checked: present and categorical (at most :data:`MAX_LEVELS` values)."""
    names = parse_names(names) if isinstance(names, str) else list(names)
    for name in names:
        if name not in data.columns:
            shown = ", ".join(map(str, data.columns))
            raise InputError(f"group_by: no column {name!r} in the cohort; columns: {shown}")
        k = data[name].nunique(dropna=True)
        if k > MAX_LEVELS:
            raise InputError(f"group_by: {name!r} has {k} distinct values; group_by takes categorical variables")
    return names
