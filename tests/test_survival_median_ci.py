"""Brookmeyer–Crowley median CI: statsmodels, lifelines, and R survival's rules by hand."""
from __future__ import annotations

import math
from fractions import Fraction
import warnings

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times
from statsmodels.duration.survfunc import SurvfuncRight

from lmlib.survival import brookmeyer_crowley, curve_quantile, first_time_at_or_below, km_steps, pointwise_band
from lmlib.survival.median_ci import R_TOLERANCE

SEEDS = [0, 2, 3, 4, 5, 6, 8, 9, 11, 12]
STATSMODELS = {"log-log": "cloglog", "log": "log", "linear": "linear"}


def cohort(seed: int, n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Integer days with ties; administrative censoring so that S > 0 at the end."""
    rng = np.random.default_rng(seed)
    death = np.ceil(rng.exponential(250, n))
    censor = np.ceil(rng.uniform(150, 600, n))
    return np.minimum(death, censor), death <= censor


def crosses_half_once(values: np.ndarray) -> bool:
    """Once a band is <= 0.5 it stays below: the case where "first crossing", R's sorted
    lookup and statsmodels' "after the last time the band covers 0.5" coincide."""
    v = values[~np.isnan(values)]
    below = np.flatnonzero(v <= 0.5)
    return below.size == 0 or bool(np.all(v[below[0]:] < 0.5))


def statsmodels_ci(t, e, method, p=0.5):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = SurvfuncRight(t, e.astype(int))
        lb, ub = sf.quantile_ci(p, method=method)
    return lb, (math.nan if np.isinf(ub) else ub)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("transform", ["log-log", "log", "linear"])
def test_limits_equal_statsmodels_quantile_ci_exactly_for_integer_days(seed, transform):
    t, e = cohort(seed)
    steps = km_steps(t, e)
    band = pointwise_band(steps, transform)
    assert steps["survival"].iloc[-1] > 0  # precondition: no S = 0 (where R and statsmodels differ)
    assert crosses_half_once(band["upper"].to_numpy()) and crosses_half_once(band["lower"].to_numpy())
    ours = brookmeyer_crowley(t, e, transform=transform)
    lb, ub = statsmodels_ci(t, e, STATSMODELS[transform])
    assert ours.lower == lb
    assert ours.upper == ub or (math.isnan(ours.upper) and math.isnan(ub))


@pytest.mark.parametrize("seed", SEEDS[:5])
def test_first_quartile_of_survival_time_matches_statsmodels(seed):
    t, e = cohort(seed)
    ours = brookmeyer_crowley(t, e, transform="log-log", level=0.75)
    assert (ours.lower, ours.upper) == statsmodels_ci(t, e, "cloglog", p=0.25)


@pytest.mark.parametrize("seed", SEEDS)
def test_log_log_limits_and_median_equal_lifelines(seed):
    t, e = cohort(seed)
    kmf = KaplanMeierFitter().fit(t, e)
    lifelines_ci = median_survival_times(kmf.confidence_interval_).iloc[0]
    ours = brookmeyer_crowley(t, e, transform="log-log")
    expected = [x if np.isfinite(x) else math.nan for x in lifelines_ci]
    np.testing.assert_array_equal([ours.lower, ours.upper], expected)


def exact_km(t, e) -> list[tuple[float, Fraction]]:
    """(event time, S) in exact rational arithmetic: an independent reference for "S = 1/2"."""
    out, s = [], Fraction(1)
    for time in sorted(set(t[e])):
        n = int(np.sum(t >= time))
        d = int(np.sum((t == time) & e))
        s *= Fraction(n - d, n)
        out.append((time, s))
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_medians_agree_with_exact_arithmetic_when_s_is_one_half(seed):
    t, e = cohort(seed)
    exact = exact_km(t, e)
    k = next(i for i, (_, s) in enumerate(exact) if s <= Fraction(1, 2))
    first = exact[k][0]
    r_median = (first + exact[k + 1][0]) / 2 if exact[k][1] == Fraction(1, 2) else first
    assert first_time_at_or_below(km_steps(t, e), 0.5) == first  # SPSS's rule
    assert brookmeyer_crowley(t, e).median == r_median  # R's midpoint rule
    lifelines_median = KaplanMeierFitter().fit(t, e).median_survival_time_
    if exact[k][1] != Fraction(1, 2):  # lifelines compares the float S <= 0.5 without tolerance
        assert lifelines_median == first


def test_some_seeds_have_s_exactly_one_half_so_the_rule_is_exercised():
    assert any(any(s == Fraction(1, 2) for _, s in exact_km(*cohort(seed))) for seed in SEEDS)


def test_band_matches_lifelines_exponential_greenwood_band():
    t, e = cohort(1)
    steps = km_steps(t, e)
    band = pointwise_band(steps, "log-log").set_index("time")
    ci = KaplanMeierFitter().fit(t, e).confidence_interval_.reindex(band.index)
    inside = (steps.set_index("time")["survival"] > 0) & (steps.set_index("time")["survival"] < 1)
    np.testing.assert_allclose(band.loc[inside, "lower"], ci.loc[inside].iloc[:, 0], rtol=1e-10)
    np.testing.assert_allclose(band.loc[inside, "upper"], ci.loc[inside].iloc[:, 1], rtol=1e-10)


def test_median_with_s_exactly_one_half_on_a_flat_is_the_midpoint_as_in_r():
    # deaths at 1, 2, 3, 4: S = 0.75, 0.5, 0.25, 0; S is 0.5 on [2, 3)
    ci = brookmeyer_crowley([1, 2, 3, 4], [1, 1, 1, 1])
    assert ci.median == 2.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert SurvfuncRight(np.array([1.0, 2, 3, 4]), np.ones(4)).quantile(0.5) == 3  # S < 0.5 strictly


def test_median_flat_at_one_half_until_the_end_is_the_midpoint_with_the_last_time():
    # death at 10 (S = 0.5), then a censoring at 20: R's findq takes (10 + 20) / 2
    assert brookmeyer_crowley([10, 20], [1, 0]).median == 15.0


def test_not_reached_median_and_limits_are_nan_never_inf_or_zero():
    t = np.array([5, 10, 20, 30, 40, 50, 60, 70])
    e = np.array([1, 0, 1, 0, 0, 0, 0, 0])
    ci = brookmeyer_crowley(t, e, transform="log")
    assert math.isnan(ci.median) and not ci.median_reached
    assert math.isnan(ci.upper) and not ci.upper_reached


def test_no_events_gives_an_all_nan_interval():
    ci = brookmeyer_crowley([3, 6, 9], [0, 0, 0])
    assert all(math.isnan(x) for x in (ci.median, ci.lower, ci.upper))


def test_one_patient_who_dies_has_a_median_but_no_interval():
    ci = brookmeyer_crowley([42], [1], transform="log-log")
    assert ci.median == 42 and math.isnan(ci.lower) and math.isnan(ci.upper)


def test_band_undefined_at_s_zero_gives_upper_not_reached_where_statsmodels_gives_that_time():
    t = np.array([1.0, 2, 3, 4, 5])
    e = np.ones(5, dtype=bool)
    band = pointwise_band(km_steps(t, e), "log-log")
    assert (band["upper"].iloc[:-1] > 0.5).all() and math.isnan(band["upper"].iloc[-1])
    assert math.isnan(brookmeyer_crowley(t, e).upper)  # R: NA
    assert statsmodels_ci(t, e, "cloglog")[1] == 5.0  # statsmodels: the time S reaches 0


def test_equality_within_r_tolerance_counts_as_equal():
    times = [1.0, 2.0, 3.0]
    assert curve_quantile(times, [0.8, 0.5 + R_TOLERANCE / 10, 0.3]) == 2.5
    assert curve_quantile(times, [0.8, 0.5 + 1e-6, 0.3]) == 3.0
    assert curve_quantile(times, [0.8, 0.5 - 1e-6, 0.3]) == 2.0


def test_nan_band_values_are_skipped_like_r_na():
    assert curve_quantile([1.0, 2.0, 3.0], [np.nan, 0.7, 0.4]) == 3.0
    assert math.isnan(curve_quantile([1.0, 2.0], [0.7, np.nan]))


def test_a_band_that_rises_again_follows_r_sorted_lookup_not_the_first_crossing():
    # 1 − band = 0.4, 0.55, 0.52: R's approx() sorts these and takes the smallest >= 0.5 (t = 3)
    assert curve_quantile([1.0, 2.0, 3.0], [0.6, 0.45, 0.48]) == 3.0


@pytest.mark.parametrize("transform", ["log-log", "log"])
def test_frequency_weights_give_the_same_interval_as_raw_rows(transform):
    t, e = cohort(5)
    agg = pd.DataFrame({"t": t, "e": e}).value_counts().rename("w").reset_index()
    assert brookmeyer_crowley(t, e, transform=transform) == brookmeyer_crowley(
        agg["t"], agg["e"], agg["w"], transform=transform)


def test_limits_are_observed_times_for_integer_data():
    t, e = cohort(8)
    for transform in ("log-log", "log"):
        ci = brookmeyer_crowley(t, e, transform=transform)
        assert ci.lower in set(t) and (math.isnan(ci.upper) or ci.upper in set(t))
        assert ci.lower <= ci.median <= (ci.upper if ci.upper_reached else math.inf)


def test_unknown_transform_is_refused():
    with pytest.raises(ValueError, match="transform"):
        brookmeyer_crowley([1, 2], [1, 1], transform="logit")
