"""KMunicate risk table: counts by hand and against the KM step table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lmlib.survival import counts_at, km_steps, risk_table, risk_table_wide


def test_counts_by_hand_with_an_event_on_a_tick():
    # deaths at 10 and 30, censorings at 20 and 30, death at 50
    counts = counts_at([10, 20, 30, 30, 50], [1, 0, 1, 0, 1], times=[0, 30, 60])
    assert counts.loc[0].tolist() == [5, 0, 0]
    assert counts.loc[30].tolist() == [3, 1, 1]  # at risk on day 30: the two on day 30 and the one at 50
    assert counts.loc[60].tolist() == [0, 2, 3]


@pytest.mark.parametrize("seed", range(3))
def test_at_risk_is_the_km_risk_set_and_the_three_rows_add_up_to_n(seed):
    rng = np.random.default_rng(seed)
    t = np.ceil(rng.exponential(100, 50))
    e = rng.random(50) < 0.7
    steps = km_steps(t, e).set_index("time")
    ticks = sorted(set(t))[::5]
    counts = counts_at(t, e, ticks)
    assert (counts.sum(axis=1) == 50).all()
    np.testing.assert_array_equal(counts["at_risk"], steps.loc[ticks, "at_risk"])
    np.testing.assert_array_equal(counts["events"], [steps.loc[steps.index < x, "events"].sum() for x in ticks])


def test_risk_table_by_group_and_wide_view():
    data = pd.DataFrame({"d": [5, 15, 25, 35, 45, 55], "e": [1, 0, 1, 1, 0, 1], "g": list("ababab")})
    table = risk_table(data, "d", "e", times=[0, 20, 40], group_col="g")
    assert list(table.index.get_level_values("group").unique()) == ["a", "b"]
    assert table.loc[("a", 20.0)].tolist() == [2, 0, 1]
    wide = risk_table_wide(table)
    assert wide.loc["b"].tolist() == [3, 2, 1]
    with_overall = risk_table(data, "d", "e", times=[0], group_col="g", overall=True)
    assert with_overall.loc[("Overall", 0.0), "at_risk"] == 6


def test_weighted_counts_equal_raw_counts():
    data = pd.DataFrame({"d": [5, 5, 9, 12], "e": [1, 1, 0, 1]})
    agg = pd.DataFrame({"d": [5, 9, 12], "e": [1, 0, 1], "w": [2, 1, 1]})
    pd.testing.assert_frame_equal(risk_table(data, "d", "e", [0, 6, 10]),
                                  risk_table(agg, "d", "e", [0, 6, 10], weights_col="w"))
