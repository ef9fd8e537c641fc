"""Against real SPSS 31 output (tests/data/spss31_km, public; see its SOURCE.txt): medians, means,
log-rank, to 1e-9."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lmlib.survival import logrank, rmst, spss_means_medians, survival_summary

ORACLE = Path(__file__).resolve().parent / "data" / "spss31_km"
GROUPS = ["1", "2", "Overall"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(ORACLE / "survival_validation.csv")


@pytest.fixture(scope="module")
def spss() -> pd.DataFrame:
    ref = pd.read_csv(ORACLE / "spss31_km_reference.csv", dtype={"Group": str})
    ref["Term"] = ref["Term"].fillna("")
    return ref.set_index(["Section", "Group", "Term", "Metric"])["Value"]


def _key(group):
    return group if group == "Overall" else int(group)


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize(
    "column, term, metric",
    [("median", "Median", "Estimate"), ("median_se_spss", "Median", "SE"),
     ("median_lower_spss", "Median", "Lower"), ("median_upper_spss", "Median", "Upper"),
     ("mean_spss", "Mean", "Estimate"), ("mean_se_spss", "Mean", "SE"),
     ("mean_lower_spss", "Mean", "Lower"), ("mean_upper_spss", "Mean", "Upper")],
)
def test_summary_reproduces_spss_means_and_medians_table(data, spss, group, column, term, metric):
    table = survival_summary(data, "time", "status", "sex")
    assert table.loc[_key(group), column] == pytest.approx(spss[("km_time", group, term, metric)], abs=1e-9)


@pytest.mark.parametrize("group", GROUPS)
def test_case_counts_match_spss(data, spss, group):
    table = survival_summary(data, "time", "status", "sex")
    assert table.loc[_key(group), "n"] == spss[("km_cases", group, "", "N")]
    assert table.loc[_key(group), "events"] == spss[("km_cases", group, "", "Events")]


def test_spss_means_medians_keeps_its_public_api_and_values(data, spss):
    table = spss_means_medians(data, "time", "status", "sex")
    assert table.loc[2, "median_se"] == pytest.approx(spss[("km_time", "2", "Median", "SE")], abs=1e-9)
    assert table.loc["Overall", "mean"] == pytest.approx(spss[("km_time", "Overall", "Mean", "Estimate")], abs=1e-9)


def test_logrank_chi_square_df_and_p_match_spss(data, spss):
    res = logrank(data, "time", "status", "sex")
    assert res.chi2 == pytest.approx(spss[("km_logrank", "Overall", "", "Chi-square")], abs=1e-9)
    assert res.df == spss[("km_logrank", "Overall", "", "df")]
    assert res.p == pytest.approx(spss[("km_logrank", "Overall", "", "p")], abs=1e-9)


@pytest.mark.parametrize("group", GROUPS)
def test_rmst_up_to_the_largest_time_is_spss_mean_with_its_se(data, spss, group):
    sub = data if group == "Overall" else data[data["sex"] == int(group)]
    est = rmst(sub["time"], sub["status"], tau=sub["time"].max())
    assert est.estimate == pytest.approx(spss[("km_time", group, "Mean", "Estimate")], abs=1e-9)
    assert est.se == pytest.approx(spss[("km_time", group, "Mean", "SE")], abs=1e-9)


def test_weights_of_two_equal_the_doubled_rows_and_keep_spss_point_estimates(data, spss):
    doubled = pd.concat([data, data], ignore_index=True)
    weighted = data.assign(count=2)
    raw = survival_summary(doubled, "time", "status", "sex")
    agg = survival_summary(weighted, "time", "status", "sex", weights_col="count")
    pd.testing.assert_frame_equal(raw, agg)
    for group in GROUPS:
        assert agg.loc[_key(group), "median"] == spss[("km_time", group, "Median", "Estimate")]
        assert agg.loc[_key(group), "mean_spss"] == pytest.approx(spss[("km_time", group, "Mean", "Estimate")], abs=1e-9)
    assert logrank(weighted, "time", "status", "sex", weights_col="count").chi2 == pytest.approx(
        logrank(doubled, "time", "status", "sex").chi2, rel=1e-12)


def test_oracle_has_no_group_with_s_exactly_one_half_so_equality_rules_are_tested_elsewhere(data):
    from lmlib.survival import km_steps

    for _, sub in list(data.groupby("sex")) + [(None, data)]:
        s = km_steps(sub["time"], sub["status"])["survival"].to_numpy()
        assert not np.any(np.isclose(s, 0.5, atol=1e-12))
