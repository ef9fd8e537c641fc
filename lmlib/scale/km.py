"""Kaplan–Meier from (time, event, count) aggregates, equal to the fit on the raw rows.

The KM step table needs, per distinct time, the number of deaths and of patients leaving the
risk set; patients per (time, event) hold exactly that. :func:`km_counts` counts them in one
pass (whole-day times: a ``bincount`` of ``2 * (day - first day) + event``, no sort), and
:mod:`lmlib.survival` takes the counts as frequency weights. The weighted sums are sums of
whole numbers, exact in floating point, so every step, median (SPSS's and R's conventions)
and CI is the same float as from the raw rows (checked with ``numpy.array_equal``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..survival.steps import km_steps
from ..survival.summary import summary_row, survival_summary

KM_COLUMNS = ["time", "event", "count"]
BINCOUNT_RANGE = 2**24  # whole-number times spanning fewer values are counted without sorting


def _events(values) -> np.ndarray:
    """Events as int8: 1 event, 0 censored, -1 missing (boolean, nullable boolean or 0/1)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.BooleanDtype):
        return s.to_numpy(dtype=np.int8, na_value=-1)
    if s.dtype == bool:
        return s.to_numpy().astype(np.int8)
    numeric = pd.to_numeric(s, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    if not np.isin(numeric[~np.isnan(numeric)], (0.0, 1.0)).all():
        raise ValueError(f"event column {s.name!r} must be boolean or 0/1")
    return np.where(np.isnan(numeric), -1, numeric).astype(np.int8)


def km_counts(durations, events) -> tuple[pd.DataFrame, int]:
    """Patients per (time, event), in one pass.

    Parameters
    ----------
    durations : follow-up times (e.g. days), float; finite and >= 0.
    events : True/1 for the event (death), False/0 censored; nullable.

    Returns
    -------
    (counts, missing): DataFrame ``time`` (float), ``event`` (bool), ``count`` (int64) sorted by
    time then event, and the number of rows left out for a missing time or event (as
    :func:`lmlib.survival.survival_frame` leaves them out).

    Raises
    ------
    ValueError for a negative or infinite time.
    """
    t = pd.to_numeric(pd.Series(durations) if not isinstance(durations, pd.Series) else durations,
                      errors="raise").to_numpy(dtype=float, na_value=np.nan)
    e = _events(events)
    keep = ~np.isnan(t) & (e >= 0)
    missing = int(t.size - keep.sum())
    if missing:
        t, e = t[keep], e[keep]
    if t.size == 0:
        return pd.DataFrame({"time": np.empty(0), "event": np.empty(0, dtype=bool),
                             "count": np.empty(0, dtype=np.int64)}), missing
    if not np.isfinite(t).all() or t.min() < 0:
        raise ValueError("durations must be finite and non-negative")
    low, high = float(t.min()), float(t.max())
    if high - low < BINCOUNT_RANGE and np.array_equal(t, np.floor(t)):
        key = t.astype(np.int64)  # in place from here: one integer array of the rows' size
        key -= int(low)
        key *= 2
        key += e
        counts = np.bincount(key)
        present = np.flatnonzero(counts)
        time, event = low + (present // 2).astype(float), (present % 2).astype(bool)
        count = counts[present].astype(np.int64)
    else:
        times, inverse = np.unique(t, return_inverse=True)
        counts = np.bincount(inverse.astype(np.int64) * 2 + e, minlength=2 * times.size)
        present = np.flatnonzero(counts)
        time, event, count = times[present // 2], (present % 2).astype(bool), counts[present].astype(np.int64)
    return pd.DataFrame({"time": time, "event": event, "count": count}), missing


def merge_km_counts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Several chunks' (time, event, count) tables as one (counts added, sorted)."""
    frame = pd.concat(parts, ignore_index=True)
    out = frame.groupby(["time", "event"], sort=True)["count"].sum().reset_index()
    out["count"] = out["count"].astype(np.int64)
    return out[KM_COLUMNS]


def km_steps_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """The KM step table (:func:`lmlib.survival.km_steps`) of (time, event, count) rows."""
    return km_steps(counts["time"], counts["event"], counts["count"])


def summary_from_counts(counts: pd.DataFrame, alpha: float = 0.05) -> dict:
    """Median (SPSS's and R's conventions, with their CIs) and mean survival of (time, event,
    count) rows: :func:`lmlib.survival.summary.summary_row` with the counts as weights."""
    return summary_row(counts["time"], counts["event"], counts["count"], alpha)


def survival_summary_from_aggregates(aggregates, alpha: float = 0.05, unit: str = "days") -> pd.DataFrame:
    """:func:`lmlib.survival.survival_summary` of the aggregated (time, event) counts: the
    same table (index ``Overall``) as on the raw rows' duration and event columns.

    Examples
    --------
    >>> from lmlib import scale
    >>> from lmlib.cohort import load_cohort
    >>> from lmlib.survival import survival_summary
    >>> data = load_cohort().data
    >>> scale.survival_summary_from_aggregates(scale.aggregate(data)).equals(
    ...     survival_summary(data, "survival_days", "death"))
    True
    """
    if aggregates.km is None:
        raise ValueError("these aggregates hold no Kaplan–Meier counts (plan km=None or columns absent)")
    return survival_summary(aggregates.km, "time", "event", weights_col="count", unit=unit, alpha=alpha)
