"""The side-by-side summary table: conventions, not-reached handling, edge cases, formatting."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lmlib.survival import brookmeyer_crowley, spss_mean, spss_median, survival_summary
from lmlib.survival.formatting import NOT_REACHED, format_summary
from lmlib.survival.summary import SUMMARY_COLUMNS


def frame(t, e, g=None):
    data = {"days": t, "dead": e}
    if g is not None:
        data["g"] = g
    return pd.DataFrame(data)


def test_columns_are_the_spss_and_brookmeyer_crowley_functions_side_by_side():
    rng = np.random.default_rng(2)
    t = np.ceil(rng.exponential(100, 40))
    e = rng.random(40) < 0.8
    row = survival_summary(frame(t, e), "days", "dead").loc["Overall"]
    assert list(row.index) == SUMMARY_COLUMNS
    med, mean = spss_median(t, e), spss_mean(t, e)
    loglog, log = brookmeyer_crowley(t, e, transform="log-log"), brookmeyer_crowley(t, e, transform="log")
    assert (row["median"], row["median_se_spss"], row["median_lower_spss"]) == (med.estimate, med.se, med.lower)
    assert (row["mean_spss"], row["mean_se_spss"]) == (mean.estimate, mean.se)
    assert (row["median_lower_loglog"], row["median_upper_loglog"]) == (loglog.lower, loglog.upper)
    assert (row["median_lower_log"], row["median_upper_log"]) == (log.lower, log.upper)


def test_s_exactly_one_half_spss_takes_the_event_time_and_r_the_midpoint():
    row = survival_summary(frame([1, 2, 3, 4], [1, 1, 1, 1]), "days", "dead").loc["Overall"]
    assert row["median"] == 2 and row["median_r"] == 2.5


def test_median_not_reached_is_nan_with_an_explicit_flag_and_prints_not_reached():
    table = survival_summary(frame([10, 20, 30, 40, 50], [1, 0, 0, 0, 0]), "days", "dead")
    row = table.loc["Overall"]
    assert math.isnan(row["median"]) and not row["median_reached"]
    assert math.isnan(row["median_upper_log"]) and math.isnan(row["median_se_spss"])
    text = format_summary(table).loc["Overall"]
    assert text["median"] == NOT_REACHED and "inf" not in text.to_string()


def test_no_events_gives_no_median_and_a_mean_equal_to_the_longest_follow_up():
    row = survival_summary(frame([3, 6, 9], [0, 0, 0]), "days", "dead").loc["Overall"]
    assert row["events"] == 0 and not row["median_reached"]
    assert row["mean_spss"] == 9 and row["mean_se_spss"] == 0 and row["mean_restricted"]


def test_one_patient_gives_median_equal_to_their_time_and_no_brookmeyer_crowley_interval():
    row = survival_summary(frame([42], [1]), "days", "dead").loc["Overall"]
    assert row["n"] == 1 and row["median"] == 42 and row["mean_spss"] == 42 and row["median_r"] == 42
    assert row["median_se_spss"] == 0  # Greenwood variance is 0 once S = 0
    assert math.isnan(row["median_lower_loglog"]) and math.isnan(row["median_upper_log"])


def test_months_give_every_time_divided_by_30_4375_and_counts_unchanged():
    rng = np.random.default_rng(5)
    data = frame(np.ceil(rng.exponential(200, 50)), (rng.random(50) < 0.7).astype(int))
    days = survival_summary(data, "days", "dead")
    months = survival_summary(data, "days", "dead", unit="months")
    for col in ["median", "median_se_spss", "median_upper_loglog", "mean_spss", "mean_se_spss"]:
        assert months.loc["Overall", col] == pytest.approx(days.loc["Overall", col] / 30.4375, rel=1e-12)
    assert months.loc["Overall", "n"] == days.loc["Overall", "n"]


def test_groups_are_sorted_numerically_and_overall_comes_last():
    data = frame([5, 6, 7, 8, 9, 10], [1, 1, 1, 1, 1, 1], ["10", "9", "10", "9", "x", "x"])
    assert list(survival_summary(data, "days", "dead", "g").index) == ["9", "10", "x", "Overall"]


def test_summary_does_not_modify_its_input():
    data = frame([5, 6, 7], ["1", "0", "1"], ["a", "b", None])
    before = data.copy()
    survival_summary(data, "days", "dead", "g")
    pd.testing.assert_frame_equal(data, before)
