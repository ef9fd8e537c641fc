"""KMunicate-style table of numbers at risk, censored and with the event at chosen times.

Morris et al. (2019), "Proposals on Kaplan–Meier plots in medical research and a survey of
stakeholder views: KMunicate", BMJ Open 9:e030215.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .data import OVERALL, split_groups, survival_frame

RISK_COLUMNS = ["at_risk", "censored", "events"]


def counts_at(durations, events, times, weights=None) -> pd.DataFrame:
    """Numbers at risk, censored and with the event at each of ``times`` (same unit as durations).

    Convention (a partition: the three columns add up to the number of patients):
    ``at_risk`` = patients still followed at t (follow-up >= t, as R's ``n.risk`` and the
    usual "number at risk"); ``censored`` and ``events`` = cumulative counts *before* t
    (follow-up < t). An event on day t is therefore shown at risk at t and among the events
    from the next tick on. Weighted counts with frequency weights.
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events).astype(bool)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    grid = np.asarray(list(times), dtype=float)
    before = t[None, :] < grid[:, None]
    return pd.DataFrame(
        {
            "at_risk": (~before * w).sum(axis=1),
            "censored": (before * (w * ~e)).sum(axis=1),
            "events": (before * (w * e)).sum(axis=1),
        },
        index=pd.Index(grid, name="time"),
    )


def risk_table(
    data: pd.DataFrame, duration_col: str, event_col: str, times, group_col: str | None = None,
    weights_col: str | None = None, event_value=None, overall: bool = False, unit: str = "days",
) -> pd.DataFrame:
    """KMunicate table: at risk, censored (cumulative) and events (cumulative) at ``times``.

    Parameters
    ----------
    data : DataFrame, not modified.
    duration_col, event_col, group_col, weights_col, event_value, unit : see
        :func:`~lmlib.survival.data.survival_frame`.
    times : the times (in ``unit``) to report, e.g. the ticks of the x axis of the KM plot.
    overall : with ``group_col``, also add the ``"Overall"`` rows.

    Returns
    -------
    DataFrame with a (group, time) MultiIndex and columns ``at_risk``, ``censored``,
    ``events`` (counting rule in :func:`counts_at`). Without ``group_col`` the group is
    ``"Overall"``.
    """
    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value, unit)
    pieces = {}
    for key, sub in split_groups(frame, overall=overall or group_col is None):
        pieces[key] = counts_at(sub["duration"], sub["event"], times, sub["weight"])
    if not pieces:
        return pd.DataFrame(columns=RISK_COLUMNS, index=pd.MultiIndex.from_tuples([], names=["group", "time"]))
    out = pd.concat(pieces, names=["group", "time"])
    return out[RISK_COLUMNS]


def risk_table_wide(table: pd.DataFrame, column: str = "at_risk") -> pd.DataFrame:
    """One count of a :func:`risk_table` as a group × time grid (rows in the table's order)."""
    wide = table[column].unstack("time")
    groups = list(dict.fromkeys(table.index.get_level_values("group")))
    return wide.reindex(groups)


__all__ = ["OVERALL", "RISK_COLUMNS", "counts_at", "risk_table", "risk_table_wide"]
