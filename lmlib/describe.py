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
* Normality: Shapiro–Wilk W test (Shapiro & Wilk 1965), ``scipy.stats.shapiro``; needs n >= 3.
* Multi-response items (symptoms, metastasis sites, cranial nerves): each option is counted
  as a percentage of the patients with the item recorded, so options do not sum to 100%.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

QUARTILE_METHOD = "weibull"  # Hyndman & Fan type 6 = SPSS EXAMINE default (HAVERAGE)
MISSING_LEVEL = "missing"

CONTINUOUS_FIELDS = ("n", "missing", "mean", "sd", "median", "q1", "q3", "min", "max",
                     "shapiro_w", "shapiro_p", "integer_valued")
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
    ``shapiro_p`` (NaN when n < 3 or all values are equal) and ``integer_valued`` (True when
    every value is a whole number, so a range is shown without decimals).
    """
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    x = numeric.dropna().to_numpy()
    out = {"n": int(x.size), "missing": int(numeric.isna().sum())}
    if x.size == 0:
        out.update({k: math.nan for k in CONTINUOUS_FIELDS[2:-1]})
        out["integer_valued"] = False
        return out
    q1, median, q3 = np.percentile(x, [25, 50, 75], method=QUARTILE_METHOD)
    if x.size >= 3 and np.ptp(x) > 0:
        result = stats.shapiro(x)
        w, p = float(result.statistic), float(result.pvalue)
    else:
        w, p = math.nan, math.nan
    out.update({
        "mean": float(np.mean(x)),
        "sd": float(np.std(x, ddof=1)) if x.size > 1 else math.nan,
        "median": float(median), "q1": float(q1), "q3": float(q3),
        "min": float(np.min(x)), "max": float(np.max(x)),
        "shapiro_w": w, "shapiro_p": p,
        "integer_valued": bool(np.all(np.equal(np.mod(x, 1), 0))),
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
    patients (within the mask) as its denominator.
    """
    if denominator_mask is not None:
        values = values[denominator_mask.fillna(False).astype(bool)]
    if levels is None:
        levels = list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) \
            else sorted(values.dropna().unique().tolist(), key=str)
    text = values.astype(object).where(values.notna())
    recorded = int(text.notna().sum())
    counts = text.dropna().map(str).value_counts()
    rows = [proportion(int(counts.get(str(level), 0)), recorded, str(level), alpha) for level in levels]
    missing = int(text.isna().sum())
    if missing:
        rows.append(proportion(missing, len(text), MISSING_LEVEL, alpha))
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def boolean_count(values: pd.Series, *, alpha: float = 0.05) -> pd.DataFrame:
    """Patients with a yes/no finding: a ``yes`` row and, when present, a ``missing`` row.

    The denominator of ``yes`` is the patients with the item recorded.
    """
    recorded = values.dropna()
    rows = [proportion(int(recorded.astype(bool).sum()), len(recorded), "yes", alpha)]
    missing = int(values.isna().sum())
    if missing:
        rows.append(proportion(missing, len(values), MISSING_LEVEL, alpha))
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def multi_response_counts(data: pd.DataFrame, columns: dict[str, str], *, alpha: float = 0.05) -> pd.DataFrame:
    """Counts of a multi-response item: one row per option, percentages of patients.

    Parameters
    ----------
    data : the cohort.
    columns : option name -> boolean column, in display order.

    Returns
    -------
    DataFrame (level, n, denominator, percent, ci_low, ci_high). The denominator is the
    number of patients with the item recorded (no option missing), the same for every
    option, so the percentages do not sum to 100. A ``missing`` row counts patients with any
    option missing.
    """
    block = data[list(columns.values())]
    answered = block.notna().all(axis=1)
    recorded = int(answered.sum())
    rows = [proportion(int(block.loc[answered, col].astype(bool).sum()), recorded, option, alpha)
            for option, col in columns.items()]
    missing = len(block) - recorded
    if missing:
        rows.append(proportion(missing, len(block), MISSING_LEVEL, alpha))
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


def nerve_groups(data: pd.DataFrame, groups: dict[str, list[str]]) -> pd.DataFrame:
    """The paper's cranial nerve groups, derived from per-nerve columns.

    Parameters
    ----------
    data : the cohort.
    groups : group name -> per-nerve columns; a patient counts in a group when *every* nerve
        of the group is involved (either side), the reading of "CN 4–6" that reproduces the
        paper's counts (see the codebook).

    Returns
    -------
    DataFrame of nullable booleans, one column per group (NA when a member nerve is missing).
    """
    out = {}
    for name, cols in groups.items():
        members = pd.DataFrame({c: involved(data[c]) for c in cols}, index=data.index)
        out[name] = members.fillna(False).all(axis=1).astype("boolean").mask(members.isna().any(axis=1))
    return pd.DataFrame(out, index=data.index)
