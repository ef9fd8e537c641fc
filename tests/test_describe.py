"""Descriptive statistics against hand formulas, scipy and plain pandas."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lmlib import describe
from lmlib.cohort import load_cohort


@pytest.fixture(scope="module")
def data():
    return load_cohort().data


def wilson_by_hand(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), in percent."""
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denom = 1 + z * z / n
    return 100 * (centre - half) / denom, 100 * (centre + half) / denom


@pytest.mark.parametrize("x, n", [(17, 32), (0, 26), (26, 26), (1, 32), (3, 32), (14, 32)])
def test_wilson_interval_equals_the_hand_formula(x, n):
    low, high = describe.wilson_ci(x, n)
    expected = wilson_by_hand(x, n)
    assert low == pytest.approx(expected[0], abs=1e-9)
    assert high == pytest.approx(expected[1], abs=1e-9)


def test_wilson_interval_of_17_of_32_is_the_textbook_value():
    low, high = describe.wilson_ci(17, 32)
    assert (round(low, 1), round(high, 1)) == (36.4, 69.1)


def test_wilson_interval_of_an_empty_denominator_is_nan():
    assert all(math.isnan(v) for v in describe.wilson_ci(0, 0))


def test_continuous_summary_equals_numpy_and_scipy(data):
    s = describe.continuous_summary(data["age"])
    x = data["age"].dropna().to_numpy()
    assert s["n"] == 32 and s["missing"] == 0
    assert s["mean"] == pytest.approx(x.mean())
    assert s["sd"] == pytest.approx(x.std(ddof=1))
    assert (s["min"], s["max"]) == (29.0, 75.0)
    assert s["median"] == pytest.approx(np.median(x))
    w, p = stats.shapiro(x)
    assert s["shapiro_w"] == pytest.approx(w) and s["shapiro_p"] == pytest.approx(p)
    assert s["integer_valued"] is True


def test_quartiles_follow_spss_weighted_average_definition():
    # SPSS EXAMINE (HAVERAGE) on 1..10: Q1 = 2.75, Q3 = 8.25 (linear/pandas default gives 3.25, 7.75)
    s = describe.continuous_summary(pd.Series(range(1, 11), dtype=float))
    assert (s["q1"], s["median"], s["q3"]) == (2.75, 5.5, 8.25)


def test_continuous_summary_counts_missing_and_skips_shapiro_below_three():
    s = describe.continuous_summary(pd.Series([1.5, np.nan, 2.5]))
    assert s["n"] == 2 and s["missing"] == 1
    assert math.isnan(s["shapiro_w"]) and math.isnan(s["shapiro_p"])
    assert s["integer_valued"] is False


def test_categorical_counts_equal_pandas_value_counts_in_codebook_order(data):
    counts = describe.categorical_counts(data["primary_site"])
    plain = data["primary_site"].astype(str).value_counts()
    assert counts["level"].tolist() == ["lung", "breast", "skin", "stomach", "ovary", "unknown_primary"]
    assert counts.set_index("level")["n"].to_dict() == plain.to_dict()
    assert (counts["denominator"] == 32).all()
    assert counts["percent"].sum() == pytest.approx(100)


def test_missing_values_get_their_own_row_and_leave_the_level_denominators(data):
    counts = describe.categorical_counts(data["field_strength"]).set_index("level")
    assert counts.loc["missing", "n"] == data["field_strength"].isna().sum() == 2
    assert counts.loc["missing", "denominator"] == 32
    assert counts.loc["1.5T", "denominator"] == 30
    assert counts.loc["1.5T", "percent"] == pytest.approx(100 * 20 / 30)


def test_levels_without_patients_are_kept_as_zero():
    values = pd.Series(pd.Categorical(["a", "a"], categories=["a", "b"]))
    counts = describe.categorical_counts(values)
    assert counts["n"].tolist() == [2, 0]


def test_a_denominator_mask_restricts_numerator_and_denominator(data):
    followed = ~data["lost_to_follow_up"].fillna(False).astype(bool)
    counts = describe.categorical_counts(data["vital_status"], denominator_mask=followed).set_index("level")
    assert (counts.loc["dead", "n"], counts.loc["dead", "denominator"]) == (26, 26)
    assert counts.loc["dead", "percent"] == 100


def test_multi_response_counts_are_percentages_of_patients(data):
    columns = {c.removeprefix("symptoms_"): c for c in data.columns if c.startswith("symptoms_")}
    counts = describe.multi_response_counts(data, columns).set_index("level")
    for option, col in columns.items():
        assert counts.loc[option, "n"] == int(data[col].sum())
    assert (counts["denominator"] == 32).all()
    assert counts["percent"].sum() > 100  # several per patient


def test_a_multi_response_option_is_counted_among_the_patients_with_it_recorded():
    """Available cases option by option: the third patient's unknown "a" leaves "a" at 1/2,
    and never takes that patient's known "b" away (3/3, not 2/2)."""
    frame = pd.DataFrame({"a": pd.array([True, False, None], dtype="boolean"),
                          "b": pd.array([True, True, True], dtype="boolean")})
    counts = describe.multi_response_counts(frame, {"a": "a", "b": "b"}).set_index("level")
    assert (counts.loc["a", "n"], counts.loc["a", "denominator"]) == (1, 2)
    assert (counts.loc["b", "n"], counts.loc["b", "denominator"]) == (3, 3)
    assert "missing" not in counts.index  # every patient has an option recorded


def test_the_missing_row_of_a_multi_response_item_counts_patients_with_no_option_recorded():
    frame = pd.DataFrame({"a": pd.array([True, None, None], dtype="boolean"),
                          "b": pd.array([False, None, True], dtype="boolean")})
    counts = describe.multi_response_counts(frame, {"a": "a", "b": "b"}).set_index("level")
    assert (counts.loc["missing", "n"], counts.loc["missing", "denominator"]) == (1, 3)
    assert (counts.loc["b", "n"], counts.loc["b", "denominator"]) == (1, 2)


def test_nerve_groups_and_isolated_lm_follow_three_valued_logic():
    """A known uninvolved member decides "all" (not in CN 7–8) whatever the unknown one is;
    an unknown member leaves the group unknown only when it could change the answer."""
    levels = ["none", "left", "right", "bilateral", "side_unknown"]
    frame = pd.DataFrame({"cn_7": pd.Categorical(["none", "left", None, "left"], categories=levels),
                          "cn_8": pd.Categorical([None, None, None, "right"], categories=levels)})
    groups = describe.nerve_groups(frame, {"all": ["cn_7", "cn_8"], "any": ["cn_7", "cn_8"]}, any_of={"any"})
    assert groups["all"].tolist() == [False, None, None, True] or \
        groups["all"].astype(object).where(groups["all"].notna(), None).tolist() == [False, None, None, True]
    assert groups["any"].astype(object).where(groups["any"].notna(), None).tolist() == [None, True, None, True]


def test_nerve_groups_need_every_member_nerve(data):
    frame = pd.DataFrame({
        "cn_7": pd.Categorical(["left", "none", "bilateral"], categories=["none", "left", "right", "bilateral", "side_unknown"]),
        "cn_8": pd.Categorical(["none", "none", "right"], categories=["none", "left", "right", "bilateral", "side_unknown"]),
    })
    groups = describe.nerve_groups(frame, {"cn_7_8": ["cn_7", "cn_8"]})
    assert groups["cn_7_8"].tolist() == [False, False, True]
    assert describe.involved(frame["cn_7"]).tolist() == [True, False, True]


def test_involvement_reads_boolean_nerve_columns_too():
    assert describe.involved(pd.Series([True, False, None], dtype="boolean")).tolist()[:2] == [True, False]
    assert describe.involved(pd.Series([True, False, None], dtype=object)).tolist()[:2] == [True, False]
    sides = describe.involved(pd.Series(["side_unknown", "none", None, "right"], dtype=object))
    assert sides.tolist()[:2] == [True, False] and sides.isna().tolist() == [False, False, True, False]


def test_describe_functions_do_not_modify_their_input(data):
    before = data.copy()
    describe.continuous_summary(data["age"])
    describe.categorical_counts(data["vital_status"], denominator_mask=~data["lost_to_follow_up"].astype(bool))
    describe.multi_response_counts(data, {"p": "metastases_parenchyma"})
    describe.nerve_groups(data, {"g": ["cn_7", "cn_8"]})
    pd.testing.assert_frame_equal(data, before)


def test_no_upset_view_is_attempted_for_a_file_without_metastasis_sites_or_nerves():
    from lmlib import plots
    from lmlib.codebook import load_codebook

    cb = load_codebook()
    data = pd.DataFrame({cb["metastases"].option_column(o.name): pd.array([None] * 3, dtype="boolean")
                         for o in cb["metastases"].options})
    for column in cb.nerve_columns:
        data[column] = pd.Categorical([None] * 3, categories=cb.nerve_variable.level_names)
    flags = plots.membership(data, cb)
    assert flags.shape[1] == 0 and not plots.can_upset(flags)
    data[cb["metastases"].option_column("dura")] = pd.array([True, False, None], dtype="boolean")
    assert plots.can_upset(plots.membership(data, cb))
