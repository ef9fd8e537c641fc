"""Median follow-up by reverse Kaplan–Meier (Schemper & Smith 1996)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import qth_survival_time

from lmlib.survival import median_followup


@pytest.mark.parametrize("seed", range(4))
def test_reverse_km_median_matches_lifelines_on_flipped_events(seed):
    rng = np.random.default_rng(seed)
    death = np.ceil(rng.exponential(200, 60))
    censor = np.ceil(rng.uniform(30, 500, 60))
    t, e = np.minimum(death, censor), death <= censor
    fu = median_followup(t, e)
    kmf = KaplanMeierFitter().fit(t, ~e)
    assert fu.median == kmf.median_survival_time_ or (
        math.isnan(fu.median) and np.isinf(kmf.median_survival_time_))
    assert fu.q1 == qth_survival_time(0.75, kmf.survival_function_) and fu.n_censored == (~e).sum()


def test_early_deaths_do_not_shorten_median_follow_up():
    # two early deaths, survivors censored at 100, 200, 300: observed median 100, reverse KM 200
    t = np.array([5, 8, 100, 200, 300])
    e = np.array([True, True, False, False, False])
    fu = median_followup(t, e)
    assert np.median(t) == 100
    assert fu.median == 200  # reverse KM: 1, 1, 2/3, 1/3, 0 at 5, 8, 100, 200, 300


def test_a_death_tied_with_a_censoring_is_at_risk_for_it_in_the_reverse_curve():
    # censorings at 10 (with a death at 10) and 20: reverse S = 1 - 1/3 at 10, then 0 at 20
    fu = median_followup([10, 10, 20], [True, False, False])
    assert fu.median == 20


def test_no_censoring_means_follow_up_median_not_reached():
    fu = median_followup([1, 2, 3], [True, True, True])
    assert math.isnan(fu.median) and fu.n_censored == 0
