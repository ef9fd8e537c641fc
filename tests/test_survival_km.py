"""Kaplan–Meier step table, event coding and input handling, against statsmodels and lifelines."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from statsmodels.duration.survfunc import SurvfuncRight

from lmlib.problems import InputError
from lmlib.survival import event_indicator, fit_km, km_steps, survival_frame
from lmlib.survival.data import DAYS_PER_MONTH


def cohort(seed: int, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Integer days with ties, about a third censored."""
    rng = np.random.default_rng(seed)
    death = np.ceil(rng.exponential(150, n))
    censor = np.ceil(rng.uniform(20, 400, n))
    return np.minimum(death, censor), death <= censor


@pytest.mark.parametrize("seed", range(5))
def test_survival_and_greenwood_se_match_statsmodels_at_every_event_time(seed):
    t, e = cohort(seed)
    steps = km_steps(t, e)
    ev = steps[steps["events"] > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = SurvfuncRight(t, e.astype(int))
    np.testing.assert_array_equal(ev["time"], sf.surv_times)
    np.testing.assert_allclose(ev["survival"], sf.surv_prob, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ev["at_risk"], sf.n_risk)
    finite = ev["survival"].to_numpy() > 0
    np.testing.assert_allclose(ev["se"][finite], sf.surv_prob_se[finite], rtol=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_survival_at_every_observed_time_matches_lifelines(seed):
    t, e = cohort(seed)
    steps = km_steps(t, e)
    kmf = KaplanMeierFitter().fit(t, e)
    expected = kmf.survival_function_.iloc[:, 0].reindex(steps["time"])
    np.testing.assert_allclose(steps["survival"], expected, atol=1e-12)


def test_frequency_weights_give_the_same_table_as_the_raw_rows():
    t, e = cohort(7, n=80)
    raw = km_steps(t, e)
    agg = pd.DataFrame({"t": t, "e": e}).value_counts().rename("w").reset_index()
    weighted = km_steps(agg["t"], agg["e"], agg["w"])
    pd.testing.assert_frame_equal(raw, weighted)


def test_a_censoring_tied_with_a_death_is_at_risk_for_that_death():
    # 4 patients: death at 5, death and censoring at 10, death at 20
    steps = km_steps([5, 10, 10, 20], [1, 1, 0, 1])
    row = steps.set_index("time").loc[10.0]
    assert row["at_risk"] == 3 and row["events"] == 1 and row["censored"] == 1
    assert row["survival"] == pytest.approx(0.75 * 2 / 3)
    assert steps.set_index("time").loc[20.0, "survival"] == 0.0


def test_all_censored_gives_survival_one_and_zero_se():
    steps = km_steps([3, 8, 8, 15], [0, 0, 0, 0])
    assert (steps["survival"] == 1).all() and (steps["se"] == 0).all()


def test_one_patient_who_dies_gives_survival_zero_with_zero_variance():
    steps = km_steps([42], [1])
    assert steps["survival"].tolist() == [0.0]
    assert steps["se"].tolist() == [0.0]


def test_event_coding_accepts_1_true_yes_and_refuses_unknown_codes():
    coded = event_indicator(pd.Series(["1", "yes", "TRUE", "0", "no", "", None, 1.0, 0]))
    assert coded.tolist() == [True, True, True, False, False, pd.NA, pd.NA, True, False]
    with pytest.raises(InputError, match="'2'"):
        event_indicator(pd.Series([1, 2, 0], name="status"))


def test_event_value_is_compared_as_stripped_text_so_1_point_0_is_1():
    coded = event_indicator(pd.Series([" Dead ", "Alive", "dead", None]), "Dead")
    assert coded.tolist() == [True, False, False, pd.NA]
    assert event_indicator(pd.Series([2.0, 1.0]), "2").tolist() == [True, False]


def test_input_frame_is_not_modified():
    data = pd.DataFrame({"days": ["10", "20", ""], "dead": ["1", "0", "1"], "g": ["a", None, "b"]})
    before = data.copy()
    fit_km(data, "days", "dead", "g")
    survival_frame(data, "days", "dead", "g")
    pd.testing.assert_frame_equal(data, before)


def test_rows_with_a_blank_time_event_or_group_are_left_out():
    data = pd.DataFrame({"days": [10, None, 30, 40], "dead": [1, 1, None, 0], "g": ["a", "a", "b", None]})
    frame = survival_frame(data, "days", "dead", "g")
    assert frame.index.tolist() == [0]


def test_negative_or_text_durations_are_input_errors_naming_the_column():
    with pytest.raises(InputError, match="days"):
        survival_frame(pd.DataFrame({"days": [-1, 5], "dead": [1, 0]}), "days", "dead")
    with pytest.raises(InputError, match="'abc'"):
        survival_frame(pd.DataFrame({"days": ["abc", 5], "dead": [1, 0]}), "days", "dead")
    with pytest.raises(InputError, match="'nope' not found"):
        survival_frame(pd.DataFrame({"days": [1], "dead": [1]}), "days", "nope")


def test_months_are_days_divided_by_30_4375():
    data = pd.DataFrame({"days": [30.4375, 365.25], "dead": [1, 0]})
    frame = survival_frame(data, "days", "dead", unit="months")
    assert DAYS_PER_MONTH == 30.4375
    assert frame["duration"].tolist() == [1.0, 12.0]


def test_fit_km_returns_a_lifelines_fitter_per_group_and_overall():
    t, e = cohort(1)
    data = pd.DataFrame({"t": t, "e": e.astype(int), "g": np.where(np.arange(t.size) % 2, "x", "y")})
    fits = fit_km(data, "t", "e", "g")
    assert list(fits) == ["x", "y", "Overall"]
    assert fits["Overall"].event_observed.sum() == e.sum()
    assert fits["x"].durations.size == (data["g"] == "x").sum()
