"""The Kaplan–Meier benchmarks at registry scale: lmlib's fit from (time, event, count) counts
against lifelines' KaplanMeierFitter and lmlib's fit on the raw rows."""
from __future__ import annotations

from pathlib import Path

from .registry import KM_COLUMNS, WARMUP_ROWS, benchmark, load_columns, measure


def _km_arrays(folder: Path):
    import numpy as np

    frame, load = load_columns(folder, KM_COLUMNS)
    keep = frame["survival_days"].notna() & frame["death"].notna()
    durations = frame.loc[keep, "survival_days"].to_numpy(dtype=float)
    events = frame.loc[keep, "death"].to_numpy(dtype=bool)
    return np.ascontiguousarray(durations), np.ascontiguousarray(events), load


@benchmark("km_lmlib", "km", baselines=("km_lifelines", "km_rows"))
def km_lmlib(folder: Path, size: int) -> dict:
    """lmlib KM (both median conventions, SPSS mean) from (time, event, count) counts, incl. counting."""
    import numpy as np

    from lmlib.scale import km_counts, km_steps_from_counts, summary_from_counts
    from lmlib.survival.steps import km_steps
    from lmlib.survival.summary import summary_row

    durations, events, load = _km_arrays(folder)

    def step(t=durations, e=events):
        counts, _ = km_counts(t, e)
        return counts, summary_from_counts(counts)

    (counts, summary), out = measure(step, lambda: step(durations[:WARMUP_ROWS], events[:WARMUP_ROWS]))
    raw = summary_row(durations, events)
    same_summary = all(np.array_equal([summary[k]], [raw[k]], equal_nan=True) for k in raw)
    a, b = km_steps_from_counts(counts), km_steps(durations, events)
    same_steps = all(np.array_equal(a[c].to_numpy(), b[c].to_numpy()) for c in a.columns)
    return {**out, "load_seconds": load, "distinct_times": int(counts["time"].nunique()),
            "equal_to_raw": bool(same_summary and same_steps), "median_days": summary["median"],
            "median_r_days": summary["median_r"]}


@benchmark("km_rows", "km")
def km_rows(folder: Path, size: int) -> dict:
    """lmlib KM (both median conventions, SPSS mean) fitted on the raw rows."""
    from lmlib.survival.summary import summary_row

    durations, events, load = _km_arrays(folder)
    _, out = measure(lambda: summary_row(durations, events),
                     lambda: summary_row(durations[:WARMUP_ROWS], events[:WARMUP_ROWS]))
    return {**out, "load_seconds": load}


@benchmark("km_lifelines", "km")
def km_lifelines(folder: Path, size: int) -> dict:
    """lifelines KaplanMeierFitter.fit on the raw rows, its median and the median's CI."""
    import warnings

    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    durations, events, load = _km_arrays(folder)

    def step(t=durations, e=events):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kmf = KaplanMeierFitter().fit(t, e)
            return kmf.median_survival_time_, median_survival_times(kmf.confidence_interval_)

    (median, _), out = measure(step, lambda: step(durations[:WARMUP_ROWS], events[:WARMUP_ROWS]))
    return {**out, "load_seconds": load, "median_days": float(median)}
