"""Landmark analysis: survival by a grouping that is only known after baseline (e.g. treatment).

Comparing survival by treatment counted from LM diagnosis carries immortal-time bias: a
patient must survive long enough to start treatment to be counted as treated. The landmark
method (Anderson, Cain & Gelber 1983, J Clin Oncol 1:710–719; Dafni 2011, Circ Cardiovasc
Qual Outcomes 4:363–371) fixes a landmark time L, keeps the patients still at risk at L
(follow-up >= L: alive and under observation; those who died or were censored before L are
left out and counted), groups them by the treatment received by L, and compares survival
counted from L (time − L). A patient whose treatment started after L belongs to the group
``untreated`` at the landmark.

The codebook marks such groupings ``post_baseline: true`` (see
:func:`post_baseline_variables`), so that a report can say so beside any comparison by them
and offer this analysis.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..problems import InputError
from .compare import TestResult, logrank
from .data import _numeric, survival_frame
from .summary import survival_summary

GROUP, TIME, EVENT = "landmark_group", "time_from_landmark", "event"


def post_baseline_variables(codebook) -> list[str]:
    """The codebook variables flagged ``post_baseline: true`` (known only after baseline)."""
    return [v.name for v in codebook.variables if v.post_baseline]


@dataclass
class LandmarkAnalysis:
    """``landmark`` (the durations' unit), ``n`` (patients before the landmark), ``n_at_risk``
    (kept: follow-up >= landmark), ``n_died_before`` and ``n_censored_before`` (left out),
    ``data`` (the kept patients: ``time_from_landmark``, ``event``, ``landmark_group``,
    ``weight``, original index), ``summary`` (:func:`~lmlib.survival.summary.survival_summary`
    of survival from the landmark by group) and ``logrank`` (across the groups at the landmark)."""

    landmark: float
    n: float
    n_at_risk: float
    n_died_before: float
    n_censored_before: float
    data: pd.DataFrame
    summary: pd.DataFrame
    logrank: TestResult


def landmark_data(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str, landmark: float, *,
    start_col: str | None = None, untreated="none", weights_col: str | None = None, event_value=None,
) -> pd.DataFrame:
    """The patients at risk at ``landmark``, with time counted from it and their group at it.

    Parameters
    ----------
    data : DataFrame, not modified. duration_col, event_col, weights_col, event_value: see
        :func:`~lmlib.survival.data.survival_frame` (durations in days, or any unit, the same
        as ``landmark`` and ``start_col``).
    group_col : the grouping as recorded (e.g. treatment); rows where it is blank are dropped.
    landmark : L, >= 0.
    start_col : optional time from the origin to the start of the treatment (blank: never
        started). A patient whose start is blank or after L is in group ``untreated`` at L.
        Without it, the recorded group is taken as known at L (say so when reporting).
    untreated : the group of patients not (yet) treated at L.

    Returns
    -------
    DataFrame indexed like ``data`` (kept rows only) with :data:`TIME`, :data:`EVENT`,
    :data:`GROUP` and ``weight``.
    """
    if not landmark >= 0:
        raise InputError(f"the landmark must be a time >= 0, not {landmark!r}")
    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value)
    group = frame["group"].astype(object)
    if start_col is not None:
        start = _numeric(data.loc[frame.index, start_col], "treatment start")
        group = group.where(start.le(landmark).fillna(False), untreated)
    kept = frame["duration"] >= landmark
    return pd.DataFrame({TIME: frame.loc[kept, "duration"] - landmark, EVENT: frame.loc[kept, "event"],
                         GROUP: group[kept], "weight": frame.loc[kept, "weight"]})


def landmark_analysis(
    data: pd.DataFrame, duration_col: str, event_col: str, group_col: str, landmark: float, *,
    start_col: str | None = None, untreated="none", weights_col: str | None = None, event_value=None,
    alpha: float = 0.05,
) -> LandmarkAnalysis:
    """Survival from ``landmark`` by the group at the landmark, with a log-rank test (see
    :func:`landmark_data` for the arguments and the module docstring for the method).

    Examples
    --------
    Six patients, landmark at day 30: the two who died before it are left out, the others are
    compared by the treatment they had by then, with time counted from day 30.

    >>> import pandas as pd
    >>> from lmlib.survival import landmark_analysis
    >>> data = pd.DataFrame({"days": [10, 20, 40, 60, 90, 120], "death": [1, 1, 1, 1, 0, 1],
    ...                      "treatment": ["none", "ct", "ct", "none", "ct", "none"]})
    >>> la = landmark_analysis(data, "days", "death", "treatment", 30)
    >>> la.n_at_risk, la.n_died_before, sorted(la.data["time_from_landmark"])
    (4.0, 2.0, [10.0, 30.0, 60.0, 90.0])
    """
    frame = survival_frame(data, duration_col, event_col, group_col, weights_col, event_value)
    kept = landmark_data(data, duration_col, event_col, group_col, landmark, start_col=start_col,
                         untreated=untreated, weights_col=weights_col, event_value=event_value)
    before = frame.drop(index=kept.index)
    weights = "weight"
    summary = survival_summary(kept, TIME, EVENT, GROUP, weights_col=weights, alpha=alpha)
    test = logrank(kept, TIME, EVENT, GROUP, weights_col=weights)
    return LandmarkAnalysis(
        float(landmark), float(frame["weight"].sum()), float(kept["weight"].sum()),
        float((before["weight"] * before["event"]).sum()), float((before["weight"] * ~before["event"]).sum()),
        kept, summary, test)

