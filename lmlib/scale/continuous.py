"""Sufficient statistics of one continuous column, chunk by chunk.

Whole-number columns (age in years, days) keep their value counts: from them the mean and SD
are exact integer sums and the quartiles and Shapiro–Wilk are those of the rows
(:func:`lmlib.describe.continuous_from_counts`), whatever the chunking. Other columns keep the
mean and the sum of squared deviations, merged with Chan, Golub & LeVeque's (1979) pairwise
update (numerically stable; the same bits as the rows for one chunk, equal to rounding for
several), min and max, the sorted sample while n <= 5000 (Shapiro–Wilk), and exact quartiles
of the whole column (``numpy.partition`` here; a second pass on Dask, see
:func:`lmlib.scale.distributed.order_statistics`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
import math

import numpy as np
import pandas as pd

from .. import describe

QUANTILE_RANKS = describe.QUARTILES


@dataclass
class Continuous:
    """Sufficient statistics of one continuous column (see the module docstring).

    ``values``/``counts``: value counts, kept while every value is a whole number;
    ``mean``/``m2``: mean and sum of squared deviations (Chan et al. 1979 when merged);
    ``quantiles``: exact (q1, median, q3) of a non-integer column, None until known;
    ``sample``: the sorted values of a non-integer column while n <= 5000 (Shapiro–Wilk).
    """

    n: int
    missing: int
    minimum: float
    maximum: float
    integer: bool
    values: np.ndarray | None
    counts: np.ndarray | None
    mean: float
    m2: float
    quantiles: tuple[float, float, float] | None = None
    sample: np.ndarray | None = None

    def summary(self) -> dict:
        """The :func:`lmlib.describe.continuous_summary` dict."""
        if self.integer or self.n == 0:
            return describe.continuous_from_counts(self.values if self.n else [], self.counts if self.n else [],
                                                   self.missing)
        if self.quantiles is None:
            raise ValueError("the quartiles of a non-integer column need the whole column: aggregate() or "
                             "aggregate_parquet() compute them, merge() alone cannot")
        q1, median, q3 = self.quantiles
        normality = describe.shapiro(self.sample) if self.n <= describe.SHAPIRO_MAX_N \
            else describe.shapiro_skipped(self.n)
        return {"n": self.n, "missing": self.missing, "mean": self.mean, "sd": describe.sd_from_m2(self.m2, self.n),
                "median": median, "q1": q1, "q3": q3, "min": self.minimum, "max": self.maximum,
                **normality, "integer_valued": False}


def value_counts_of_whole_numbers(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and counts of whole numbers: a bincount over the range when it is
    small (one pass, no sort), else ``numpy.unique``."""
    low, high = float(x.min()), float(x.max())
    if high - low < 2**24 and max(abs(low), abs(high)) < 2**53:
        key = x.astype(np.int64)  # exact for whole numbers below 2**53; shifted in place
        key -= int(low)
        counts = np.bincount(key)
        present = np.flatnonzero(counts)
        return low + present.astype(float), counts[present].astype(np.int64)
    values, counts = np.unique(x, return_counts=True)
    return values, counts.astype(np.int64)


def moments_of_counts(values: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """Mean and sum of squared deviations of whole numbers given as value counts (exact sums,
    so the same for any chunking)."""
    n = int(counts.sum())
    total, squares = describe.integer_sums(values, counts)
    return total / n, (n * squares - total * total) / n


def continuous_chunk(series: pd.Series, whole: bool = False) -> Continuous:
    """:class:`Continuous` of one chunk; ``whole=True`` (the chunk is the whole column) also
    computes the exact quartiles of a non-integer column."""
    numeric = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(numeric)
    x = numeric[present] if not present.all() else numeric
    missing = int(numeric.size - x.size)
    if x.size == 0:
        return Continuous(0, missing, math.nan, math.nan, True, np.empty(0), np.empty(0, dtype=np.int64),
                          math.nan, 0.0, None, np.empty(0))
    integer = describe.is_integer_valued(x)
    if integer:  # the value counts hold everything; moments only for a merge with non-integer chunks
        values, counts = value_counts_of_whole_numbers(x)
        mean, m2 = moments_of_counts(values, counts)
    else:
        values, counts = None, None
        mean, m2 = describe.float_moments(x)
    out = Continuous(int(x.size), missing, float(x.min()), float(x.max()), integer, values, counts, mean, m2)
    if not integer:
        out.sample = np.sort(x) if x.size <= describe.SHAPIRO_MAX_N else None
        if whole:
            out.quantiles = tuple(exact_quantiles(x))
    return out


def exact_quantiles(x: np.ndarray) -> list[float]:
    """SPSS's (type 6) quartiles of ``x`` from its order statistics (``numpy.partition``:
    linear time), the same bits as :func:`lmlib.describe.continuous_summary`."""
    n = x.size
    ranks = sorted({min(max(k, 0), n - 1) for p in QUANTILE_RANKS
                    for k in (math.floor(n * p + p - 1), math.floor(n * p + p - 1) + 1)})
    part = np.partition(x, ranks)
    return describe.type6_quantiles(lambda k: part[k], n)


def merge_continuous(a: Continuous, b: Continuous) -> Continuous:
    """Two chunks' statistics as one (counts added, moments by Chan et al.'s update)."""
    if a.n == 0 or b.n == 0:
        keep = b if a.n == 0 else a
        return replace(keep, missing=a.missing + b.missing)
    n = a.n + b.n
    delta = b.mean - a.mean
    mean = a.mean + delta * b.n / n
    m2 = a.m2 + b.m2 + delta * delta * a.n * b.n / n
    integer = a.integer and b.integer
    values = counts = None
    if integer:
        values, inverse = np.unique(np.concatenate([a.values, b.values]), return_inverse=True)
        counts = np.bincount(inverse, weights=np.concatenate([a.counts, b.counts])).astype(np.int64)
    sample = None
    if not integer and n <= describe.SHAPIRO_MAX_N:
        sample = np.sort(np.concatenate([_as_sample(a), _as_sample(b)]))
    return Continuous(n, a.missing + b.missing, min(a.minimum, b.minimum), max(a.maximum, b.maximum), integer,
                      values, counts, mean, m2, None, sample)


def _as_sample(part: Continuous) -> np.ndarray:
    return np.repeat(part.values, part.counts) if part.integer else part.sample
