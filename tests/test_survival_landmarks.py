"""Survival at landmark times and RMST, against lifelines and hand-computed values."""
from __future__ import annotations

import math

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time

from lmlib.survival import rmst, survival_at


def cohort(seed: int, n: int = 70) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    death = np.ceil(rng.exponential(150, n))
    censor = np.ceil(rng.uniform(60, 400, n))
    return np.minimum(death, censor), death <= censor


@pytest.mark.parametrize("seed", range(4))
def test_landmark_survival_and_log_log_ci_match_lifelines(seed):
    t, e = cohort(seed)
    times = [30, 90, 180]
    ours = survival_at(t, e, times)
    kmf = KaplanMeierFitter().fit(t, e)
    np.testing.assert_allclose(ours["survival"], kmf.survival_function_at_times(times), atol=1e-12)
    ci = kmf.confidence_interval_
    for time in times:
        row = ci[ci.index <= time].iloc[-1]
        assert ours.loc[time, "lower"] == pytest.approx(row.iloc[0], rel=1e-10)
        assert ours.loc[time, "upper"] == pytest.approx(row.iloc[1], rel=1e-10)


def test_an_event_on_the_landmark_day_is_included_and_its_patient_was_at_risk():
    res = survival_at([10, 30, 30, 50], [1, 1, 0, 1], times=[30])
    assert res.loc[30, "survival"] == pytest.approx(0.75 * 2 / 3)
    assert res.loc[30, "at_risk"] == 3


def test_landmark_before_first_time_is_one_and_after_last_censoring_is_not_estimable():
    res = survival_at([10, 20, 40], [1, 0, 0], times=[5, 40, 90])
    assert res.loc[5, "survival"] == 1.0 and res.loc[5, "at_risk"] == 3
    assert res.loc[40, "estimable"] and res.loc[40, "survival"] == pytest.approx(2 / 3)
    assert not res.loc[90, "estimable"] and math.isnan(res.loc[90, "survival"])


def test_after_the_curve_reaches_zero_survival_stays_zero():
    res = survival_at([10, 20], [1, 1], times=[90])
    assert res.loc[90, "survival"] == 0.0 and res.loc[90, "estimable"]


@pytest.mark.parametrize("seed", range(4))
def test_rmst_point_estimate_matches_lifelines(seed):
    t, e = cohort(seed)
    kmf = KaplanMeierFitter().fit(t, e)
    assert rmst(t, e, 180).estimate == pytest.approx(restricted_mean_survival_time(kmf, 180), rel=1e-12)


def test_rmst_se_without_censoring_is_the_standard_error_of_the_mean_of_min_t_tau():
    rng = np.random.default_rng(3)
    t = np.ceil(rng.exponential(100, 40))
    x = np.minimum(t, 120)
    est = rmst(t, np.ones(40, dtype=bool), 120)
    assert est.estimate == pytest.approx(x.mean(), rel=1e-12)
    assert est.se == pytest.approx(x.std(ddof=0) / math.sqrt(x.size), rel=1e-12)


@pytest.mark.filterwarnings("ignore")
def test_rmst_se_is_not_lifelines_sd_of_min_t_tau():
    t, e = cohort(1)
    kmf = KaplanMeierFitter().fit(t, e)
    _, variance = restricted_mean_survival_time(kmf, 180, return_variance=True)
    est = rmst(t, e, 180)
    assert est.se < math.sqrt(variance) / 3  # the SD of min(T, tau) is ~ sqrt(n) times larger


def test_rmst_by_hand_for_a_small_example():
    # deaths at 2 and 4, censoring at 3, tau 5: S = 1 on [0,2), 2/3 on [2,4), 0 after 4
    est = rmst([2, 3, 4], [1, 0, 1], tau=5)
    assert est.estimate == pytest.approx(2 + 2 * 2 / 3)
    # A_1 = area from 2 to 5 = 4/3; d=1, n=3 -> (4/3)^2 / (3*2); the event at 4 has n = d
    assert est.se == pytest.approx(math.sqrt((4 / 3) ** 2 / 6))
    assert est.lower == pytest.approx(est.estimate - 1.959963984540054 * est.se)


def test_rmst_beyond_the_last_censored_time_is_nan():
    est = rmst([2, 3, 4], [1, 1, 0], tau=10)
    assert math.isnan(est.estimate) and math.isnan(est.se)
    with pytest.raises(ValueError):
        rmst([1], [1], tau=0)
