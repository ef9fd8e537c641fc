"""Kaplan–Meier curves as lifelines objects, one per group, from any DataFrame."""
from __future__ import annotations

import pandas as pd

from .data import split_groups, survival_frame


def fit_km(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str | None = None,
    weights_col: str | None = None, event_value=None, unit: str = "days", alpha: float = 0.05,
    overall: bool = True,
) -> dict:
    """Fit a :class:`lifelines.KaplanMeierFitter` overall and for each group.

    Parameters
    ----------
    data : DataFrame, not modified; any columns, not only the study codebook's.
    duration_col : follow-up time in days; ``unit="months"`` (days / 30.4375) or ``"years"``
        rescales it.
    event_col, group_col, weights_col, event_value : see
        :func:`~lmlib.survival.data.survival_frame`.
    alpha : 1 − confidence level of lifelines' pointwise band (log-log, "exponential Greenwood").
    overall : with ``group_col``, also fit the pooled curve (key ``"Overall"``, last).

    Returns
    -------
    dict {group value: fitted KaplanMeierFitter}, groups sorted, labelled by their value.
    """
    from lifelines import KaplanMeierFitter

    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value, unit)
    fits = {}
    for key, sub in split_groups(frame, overall=overall):
        kmf = KaplanMeierFitter(alpha=alpha, label=str(key))
        weights = sub["weight"] if weights_col else None
        fits[key] = kmf.fit(sub["duration"], sub["event"], weights=weights)
    return fits
