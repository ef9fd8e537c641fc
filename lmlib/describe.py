"""Descriptive statistics of a cohort: numbers only, no formatting.

Every function takes a DataFrame (or Series) and column names, never modifies its input and
returns plain numbers (dicts or numeric DataFrames). Turning them into "17 (53.1%)" is the
job of :mod:`lmlib.formatting`.

Conventions
-----------
* Percentages are in percent units (0-100) and unrounded: ``100 * n / denominator``.
* Confidence intervals of proportions are Wilson score intervals (Wilson 1927), computed by
  ``statsmodels.stats.proportion.proportion_confint(method="wilson")``, in percent units.
* Quartiles use SPSS's default definition for EXAMINE/Explore ("weighted average at
  x(n+1)p", Hyndman & Fan 1996 type 6, numpy ``method="weibull"``), because the paper's
  statistics were made with SPSS 24.
* Normality: Shapiro–Wilk W test (Shapiro & Wilk 1965), ``scipy.stats.shapiro``, on the sorted
  sample; needs n >= 3 and is not computed above n = 5000 (:data:`SHAPIRO_MAX_N`, where scipy's
  p-value is no longer accurate); ``shapiro_note`` then says so.
* Mean and SD of integer-valued data are exact: integer sums, one correctly rounded division
  (so any partition of the rows into chunks gives the same bits); other data: numpy's
  ``mean`` and ``std(ddof=1)``.
* Multi-response items (symptoms, metastasis sites, cranial nerves): each option is counted
  as a percentage of the patients with the item recorded, so options do not sum to 100%.

Every count function has a count-based twin (``*_from_counts``) that takes the counts
instead of the rows: the Series functions count and call it, and :mod:`lmlib.scale` calls it
with counts aggregated from millions of rows (or a Dask cluster), so both give the same rows.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
import math

import numpy as np
import pandas as pd

QUARTILE_METHOD = "weibull"  # Hyndman & Fan type 6 = SPSS EXAMINE default (HAVERAGE)
QUARTILES = (0.25, 0.5, 0.75)
MISSING_LEVEL = "missing"
SHAPIRO_MAX_N = 5000  # scipy.stats.shapiro: "For N > 5000, computed p-value may not be accurate"
SHAPIRO_NOTE = "not computed: n = {n} > {limit} (scipy.stats.shapiro's p-value is not accurate above {limit})"

CONTINUOUS_FIELDS = ("n", "missing", "mean", "sd", "median", "q1", "q3", "min", "max",
                     "shapiro_w", "shapiro_p", "shapiro_note", "integer_valued")
COUNT_COLUMNS = ["level", "n", "denominator", "percent", "ci_low", "ci_high"]


def wilson_ci(count: int, nobs: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score confidence interval of a proportion, in percent units.

    Parameters
    ----------
    count : number of patients with the finding.
    nobs : denominator (patients).
    alpha : 1 - confidence level (default 0.05 for a 95% interval).

    Returns
    -------
    (low, high) in percent (0-100); (nan, nan) when ``nobs`` is 0.

    References
    ----------
    Wilson EB (1927) J Am Stat Assoc 22:209-212; via statsmodels ``proportion_confint``.
    """
    if nobs <= 0:
        return (math.nan, math.nan)
    from statsmodels.stats.proportion import proportion_confint  # scipy and statsmodels: only when used

    low, high = proportion_confint(int(count), int(nobs), alpha=alpha, method="wilson")
    return (100.0 * float(low), 100.0 * float(high))


def proportion(count: int, denominator: int, level: str = "yes", alpha: float = 0.05) -> dict:
    """One count as a row: level, n, denominator, percent (0-100, unrounded) and Wilson CI."""
    percent = 100.0 * count / denominator if denominator else math.nan
    low, high = wilson_ci(count, denominator, alpha)
    return {"level": level, "n": int(count), "denominator": int(denominator), "percent": percent,
            "ci_low": low, "ci_high": high}


def continuous_summary(values: pd.Series) -> dict:
    """n, missing, mean, SD, median, quartiles, range and Shapiro–Wilk of one variable.

    Parameters
    ----------
    values : numeric Series (its unit is kept: years in, years out).

    Returns
    -------
    dict with ``n`` (non-missing), ``missing``, ``mean``, ``sd`` (sample SD, ddof = 1),
    ``median``, ``q1``, ``q3`` (SPSS's type 6 quartiles), ``min``, ``max``, ``shapiro_w`` and
    ``shapiro_p`` (NaN when n < 3, all values are equal or n > :data:`SHAPIRO_MAX_N`),
    ``shapiro_note`` (why it is missing above that limit, else None) and ``integer_valued``
    (True when every value is a whole number, so a range is shown without decimals).
    Integer-valued data go through :func:`continuous_from_counts` (exact sums).
    """
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    x = numeric.dropna().to_numpy()
    missing = int(numeric.isna().sum())
    if x.size and is_integer_valued(x):
        distinct, counts = np.unique(x, return_counts=True)
        return continuous_from_counts(distinct, counts, missing)
    out = {"n": int(x.size), "missing": missing}
    if x.size == 0:
        out.update({k: math.nan for k in CONTINUOUS_FIELDS[2:-2]})
        out.update({"shapiro_note": None, "integer_valued": False})
        return out
    ordered = np.sort(x)
    mean, m2 = float_moments(x)
    q1, median, q3 = type6_quantiles(lambda k: ordered[k], x.size)
    out.update({"mean": mean, "sd": sd_from_m2(m2, x.size), "median": median, "q1": q1, "q3": q3,
                "min": float(ordered[0]), "max": float(ordered[-1]), **shapiro(ordered),
                "integer_valued": False})
    return out


def is_integer_valued(x: np.ndarray) -> bool:
    """True when every value of the float array ``x`` (no NaN) is a finite whole number."""
    return bool(np.all(np.isfinite(x)) and np.array_equal(x, np.floor(x)))


def float_moments(x: np.ndarray) -> tuple[float, float]:
    """Mean and sum of squared deviations of a float array, the way ``numpy.std`` forms them
    (so ``sd_from_m2`` gives ``np.std(x, ddof=1)`` bit for bit)."""
    mean = float(np.mean(x))
    deviation = x - mean
    return mean, float(np.sum(deviation * deviation))


def sd_from_m2(m2: float, n: int) -> float:
    """Sample SD (ddof = 1) from the sum of squared deviations; NaN when n < 2."""
    return float(np.sqrt(m2 / (n - 1))) if n > 1 else math.nan


def type6_quantiles(order_statistic, n: int, probs: Sequence[float] = QUARTILES) -> list[float]:
    """Hyndman & Fan type 6 quantiles (SPSS HAVERAGE, numpy ``method="weibull"``).

    Parameters
    ----------
    order_statistic : function k -> the (k+1)-th smallest value (0-based k), e.g. indexing
        a sorted array, or a lookup in value counts.
    n : sample size (>= 1).
    probs : probabilities in [0, 1].

    Returns
    -------
    list of floats: x_(j) + g (x_(j+1) - x_(j)) with j + g = (n + 1) p, clamped to the
    sample's range, interpolated as numpy does (so the bits equal ``np.percentile``).
    """
    out = []
    for p in probs:
        virtual = n * p + p - 1  # numpy's _compute_virtual_index with alpha = beta = 0
        below = math.floor(virtual)
        lo, hi = min(max(below, 0), n - 1), min(max(below + 1, 0), n - 1)
        gamma = virtual - below if 0 <= virtual < n - 1 else 0.0
        a, b = float(order_statistic(lo)), float(order_statistic(hi))
        diff = b - a
        out.append(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return out


def shapiro_skipped(n: int) -> dict:
    """The Shapiro–Wilk fields of a sample too large for the test (n > :data:`SHAPIRO_MAX_N`)."""
    return {"shapiro_w": math.nan, "shapiro_p": math.nan,
            "shapiro_note": SHAPIRO_NOTE.format(n=n, limit=SHAPIRO_MAX_N)}


def shapiro(ordered: np.ndarray) -> dict:
    """Shapiro–Wilk W and p of a sorted sample: NaN for n < 3 or no spread, and NaN with a
    ``shapiro_note`` above :data:`SHAPIRO_MAX_N` (never silently). The sample is sorted
    because scipy subtracts its middle element before sorting, so the bits of W depend on the
    row order otherwise."""
    n = ordered.size
    if n > SHAPIRO_MAX_N:
        return shapiro_skipped(n)
    if n >= 3 and ordered[-1] > ordered[0]:
        from scipy import stats

        result = stats.shapiro(ordered)
        return {"shapiro_w": float(result.statistic), "shapiro_p": float(result.pvalue), "shapiro_note": None}
    return {"shapiro_w": math.nan, "shapiro_p": math.nan, "shapiro_note": None}


def integer_sums(values, counts) -> tuple[int, int]:
    """Exact Σ c·v and Σ c·v² (Python ints) of whole-number ``values`` with ``counts``: int64
    dot products when they cannot overflow, else Python integers."""
    v = np.asarray(values, dtype=float)
    c = np.asarray(counts, dtype=np.int64)
    if v.size == 0:
        return 0, 0
    largest, n = float(np.max(np.abs(v))), int(c.sum())
    if largest * largest * max(n, 1) < 2.0**62:
        whole = v.astype(np.int64)
        return int(np.dot(whole, c)), int(np.dot(whole * whole, c))
    whole = [int(x) for x in v]
    return (sum(x * int(k) for x, k in zip(whole, c)), sum(x * x * int(k) for x, k in zip(whole, c)))


def continuous_from_counts(values, counts, missing: int = 0) -> dict:
    """:func:`continuous_summary` of integer-valued data given as value counts.

    Parameters
    ----------
    values : distinct whole numbers (float or int array), increasing.
    counts : number of patients with each value (int, > 0).
    missing : patients without a value.

    Returns
    -------
    The :func:`continuous_summary` dict. Mean and SD are exact (integer sums, then one
    correctly rounded division: var = (n Σx² − (Σx)²) / (n (n − 1))); quartiles are read off
    the cumulative counts; Shapiro–Wilk runs on the expanded sorted sample when n <= 5000.
    Value counts are sufficient for all of it, so this is what aggregated data use.
    """
    values = np.asarray(values, dtype=float)
    counts = np.asarray(counts, dtype=np.int64)
    keep = counts > 0
    values, counts = values[keep], counts[keep]
    n = int(counts.sum())
    out = {"n": n, "missing": int(missing)}
    if n == 0:
        out.update({k: math.nan for k in CONTINUOUS_FIELDS[2:-2]})
        out.update({"shapiro_note": None, "integer_valued": False})
        return out
    if values.size > 1 and np.any(np.diff(values) <= 0):
        raise ValueError("values must be distinct and increasing")
    total, squares = integer_sums(values, counts)
    cumulative = np.cumsum(counts)
    at = lambda k: values[int(np.searchsorted(cumulative, k, side="right"))]  # noqa: E731
    q1, median, q3 = type6_quantiles(at, n)
    sample = shapiro(np.repeat(values, counts)) if n <= SHAPIRO_MAX_N else shapiro_skipped(n)
    out.update({
        "mean": total / n,  # int / int: correctly rounded
        "sd": math.sqrt((n * squares - total * total) / (n * (n - 1))) if n > 1 else math.nan,
        "median": median, "q1": q1, "q3": q3,
        "min": float(values[0]), "max": float(values[-1]),
        **sample, "integer_valued": True,
    })
    return out


def categorical_counts(values: pd.Series, levels: list[str] | None = None, *,
                       denominator_mask: pd.Series | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Counts of each level of a categorical variable, in the given level order.

    Parameters
    ----------
    values : the variable (categorical, object or boolean).
    levels : levels in display order (default: the Categorical's categories, else sorted
        observed values). Levels with no patient are kept with n = 0.
    denominator_mask : boolean Series; only patients where it is True count, in the
        numerator and in the denominator (e.g. patients not lost to follow-up). Default: all.
    alpha : for the Wilson interval.

    Returns
    -------
    DataFrame with columns level, n, denominator, percent, ci_low, ci_high. The denominator
    of a level row is the number of patients with a recorded value (within the mask). When
    values are missing, a last row ``level="missing"`` counts them, with the number of
    patients (within the mask) as its denominator. See :func:`categorical_from_counts`.
    """
    if denominator_mask is not None:
        values = values[denominator_mask.fillna(False).astype(bool)]
    if levels is None:
        levels = list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) \
            else sorted(values.dropna().unique().tolist(), key=str)
    text = values.astype(object).where(values.notna())
    counts = text.dropna().map(str).value_counts()
    return categorical_from_counts(counts.to_dict(), [str(level) for level in levels],
                                   int(text.isna().sum()), alpha=alpha)


def categorical_from_counts(counts: Mapping[str, int], levels: Sequence[str], missing: int = 0, *,
                            alpha: float = 0.05) -> pd.DataFrame:
    """:func:`categorical_counts` from counts: level -> patients (every recorded value, also
    levels not listed), the levels to show in order, and the patients with no value."""
    recorded = int(sum(int(v) for v in counts.values()))
    rows = [proportion(int(counts.get(level, 0)), recorded, level, alpha) for level in levels]
    if missing:
        rows.append(proportion(int(missing), recorded + int(missing), MISSING_LEVEL, alpha))
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def boolean_count(values: pd.Series, *, alpha: float = 0.05) -> pd.DataFrame:
    """Patients with a yes/no finding: a ``yes`` row and, when present, a ``missing`` row.

    The denominator of ``yes`` is the patients with the item recorded.
    """
    recorded = values.dropna()
    yes = int(recorded.astype(bool).sum())
    return boolean_from_counts(yes, len(recorded) - yes, int(values.isna().sum()), alpha=alpha)


def boolean_from_counts(yes: int, no: int, missing: int = 0, *, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`boolean_count` from the numbers of yes, no and missing."""
    rows = [proportion(int(yes), int(yes) + int(no), "yes", alpha)]
    if missing:
        rows.append(proportion(int(missing), int(yes) + int(no) + int(missing), MISSING_LEVEL, alpha))
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def multi_response_counts(data: pd.DataFrame, columns: dict[str, str], *, alpha: float = 0.05) -> pd.DataFrame:
    """Counts of a multi-response item: one row per option, percentages of patients.

    Parameters
    ----------
    data : the cohort.
    columns : option name -> boolean column, in display order.

    Returns
    -------
    DataFrame (level, n, denominator, percent, ci_low, ci_high). Each option is counted among
    the patients with that option recorded (available cases, option by option: a patient whose
    seizure status is unknown still counts for headache), so the percentages do not sum to 100
    and the denominators differ only where an option is missing. A ``missing`` row counts the
    patients with no option recorded at all. See :func:`multi_response_from_counts`.
    """
    block = data[list(columns.values())]
    known = block.notna()
    yes = {option: int(block[col].fillna(False).astype(bool).sum()) for option, col in columns.items()}
    recorded = {option: int(known[col].sum()) for option, col in columns.items()}
    return multi_response_from_counts(yes, recorded, int((~known.any(axis=1)).sum()), len(block), alpha=alpha)


def multi_response_from_counts(yes: Mapping[str, int], recorded: Mapping[str, int], missing: int, total: int, *,
                               alpha: float = 0.05) -> pd.DataFrame:
    """:func:`multi_response_counts` from counts: option -> patients with it, option ->
    patients with it recorded (its denominator), the patients with no option recorded, and
    all patients (the missing row's denominator)."""
    rows = [proportion(int(n), int(recorded[option]), option, alpha) for option, n in yes.items()]
    if missing:
        rows.append(proportion(int(missing), int(total), MISSING_LEVEL, alpha))
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def involved(values: pd.Series, not_involved: str = "none") -> pd.Series:
    """Whether a cranial nerve is involved (either side) from its per-nerve column.

    Accepts the codebook's side levels (``none`` = not involved; left, right, bilateral,
    side_unknown = involved) or a boolean column. Returns a nullable boolean Series.
    """
    recorded = values.dropna()
    if isinstance(values.dtype, pd.BooleanDtype) or values.dtype == bool or (
            len(recorded) and all(isinstance(v, (bool, np.bool_)) for v in recorded)):
        return values.astype("boolean")
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    known = values.notna()
    out[known] = values[known].astype(str) != not_involved
    return out


def nerve_involvement(data: pd.DataFrame, nerve_columns: dict[str, str]) -> pd.DataFrame:
    """Per-nerve involvement (either side) as nullable booleans, columns named by the keys."""
    return pd.DataFrame({name: involved(data[col]) for name, col in nerve_columns.items()}, index=data.index)


def nerve_groups(data: pd.DataFrame, groups: dict[str, list[str]], any_of=frozenset()) -> pd.DataFrame:
    """The cranial nerve groups, derived from per-nerve columns.

    Parameters
    ----------
    data : the cohort.
    groups : group name -> per-nerve columns. A patient counts in a group when *every* nerve
        of the group is involved (either side), the reading of "CN 4–6" that reproduces the
        paper's counts (see the codebook); or, for a group named in ``any_of``, when at least
        one is.
    any_of : the groups counted with the "any" rule.

    Returns
    -------
    DataFrame of nullable booleans, one column per group (NA when a member nerve is missing).
    """
    out = {}
    for name, cols in groups.items():
        members = pd.DataFrame({c: involved(data[c]) for c in cols}, index=data.index)
        out[name] = kleene(members, "any" if name in any_of else "all")
    return pd.DataFrame(out, index=data.index)


def kleene(flags: pd.DataFrame, rule: str) -> pd.Series:
    """Row-wise "all" or "any" of nullable boolean columns in three-valued (Kleene) logic: a
    known False decides "all" (and a known True decides "any") whatever the unknown members
    are; NA only when the unknown members could still change the answer."""
    yes, no = flags.eq(True), flags.eq(False)
    unknown = flags.isna().any(axis=1)
    if rule == "any":
        value, decided = yes.any(axis=1), yes.any(axis=1) | ~unknown
    else:
        value, decided = yes.all(axis=1), no.any(axis=1) | ~unknown
    return value.astype("boolean").mask(~decided)
