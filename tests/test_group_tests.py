"""Tests between groups against R's saved output (fisher.test, chisq.test, kruskal.test,
wilcox.test, t.test, anova, p.adjust), tableone and statsmodels."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from r_oracle import case_id, close, dataset, oracle

from lmlib import group_tests as gt

CATEGORICAL = oracle("group_tests")["categorical"]
CONTINUOUS = oracle("group_tests")["continuous"]


def r_groups(case: dict) -> list[np.ndarray]:
    """The case's values per group, in R's factor order (sorted levels), from the CSV."""
    frame = dataset(case["dataset"]).dropna(subset=[case["variable"], case["by"]])
    key = frame[case["by"]].map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
    assert sorted(key.unique()) == sorted(case["groups"])
    return [frame.loc[key == g, case["variable"]].to_numpy(dtype=float) for g in case["groups"]]


@pytest.mark.parametrize("case", CATEGORICAL, ids=case_id)
def test_categorical_test_equals_r_chisq_test_or_fisher_test_by_the_expected_count_rule(case):
    table = np.array(case["counts"])
    result = gt.categorical_test(table)
    assert close(result.smallest_expected, case["expected_min"], 1e-12)
    if case["expected_min"] < 5:
        assert result.test in (gt.FISHER, gt.FREEMAN_HALTON) and math.isnan(result.statistic)
        assert close(result.p, case["fisher_p"])
    else:
        assert result.test == gt.PEARSON
        assert close(result.statistic, case["chisq"]) and result.df == case["chisq_df"]
        assert close(result.p, case["chisq_p"])


@pytest.mark.parametrize("case", [c for c in CATEGORICAL if c["expected_min"] >= 5], ids=case_id)
def test_the_exact_test_also_equals_r_fisher_test_where_the_rule_chooses_chi_square(case):
    from lmlib.crosstab import exact_test

    result = exact_test(np.array(case["counts"]))
    if result["test"] != "freeman_halton_monte_carlo":  # too large to enumerate: estimated, not compared
        assert close(result["p_value"], case["fisher_p"])


@pytest.mark.parametrize("case", CONTINUOUS, ids=case_id)
def test_nonparametric_tests_equal_r_kruskal_test_and_wilcox_test_without_exact_with_correction(case):
    groups = r_groups(case)
    result = gt.continuous_test(groups, "nonparametric")
    if len(groups) == 2:
        assert result.test == gt.MANN_WHITNEY
        assert close(result.statistic, case["wilcox"]["statistic"]) and close(result.p, case["wilcox"]["p"])
    else:
        assert result.test == gt.KRUSKAL_WALLIS
        assert close(result.statistic, case["kruskal"]["statistic"]) and close(result.p, case["kruskal"]["p"])
        assert result.df == case["kruskal"]["df"]


@pytest.mark.parametrize("case", CONTINUOUS, ids=case_id)
def test_parametric_tests_equal_r_welch_t_test_and_one_way_anova(case):
    groups = r_groups(case)
    result = gt.continuous_test(groups, "parametric")
    if len(groups) == 2:
        assert result.test == gt.WELCH_T
        assert close(result.statistic, case["welch"]["statistic"]) and close(result.df, case["welch"]["df"])
        assert close(result.p, case["welch"]["p"])
    else:
        assert result.test == gt.ANOVA
        assert close(result.statistic, case["anova"]["statistic"]) and close(result.p, case["anova"]["p"])
        assert (result.df, result.df2) == (case["anova"]["df1"], case["anova"]["df2"])


def test_kruskal_wallis_of_two_groups_equals_r_kruskal_test_too():
    case = next(c for c in CONTINUOUS if c["dataset"] == "lung" and c["variable"] == "age" and c["by"] == "sex")
    from scipy.stats import kruskal

    assert close(kruskal(*r_groups(case)).pvalue, case["kruskal"]["p"])


@pytest.mark.parametrize("method", ["bh", "holm"])
def test_adjusted_p_values_equal_r_p_adjust_and_leave_missing_ones_out(method):
    saved = oracle("group_tests")["p_adjust"]
    p = np.array([math.nan if v is None else v for v in saved["p"]])
    expected = np.array([math.nan if v is None else v for v in saved[method]])
    np.testing.assert_allclose(gt.adjust_p(p, method), expected, rtol=1e-12)
    from statsmodels.stats.multitest import multipletests

    keep = ~np.isnan(p)
    other = multipletests(p[keep], method="fdr_bh" if method == "bh" else "holm")[1]
    np.testing.assert_allclose(gt.adjust_p(p, method)[keep], other, rtol=1e-12)


def test_tied_p_values_get_the_same_adjusted_value_whatever_their_order():
    p = np.array([0.01, 0.03, 0.03, 0.2])
    for method in ("bh", "holm"):
        q = gt.adjust_p(p, method)
        assert q[1] == q[2]
        np.testing.assert_array_equal(gt.adjust_p(p[::-1], method)[::-1], q)


# ------------------------------------------------------------------------------ tableone

def tableone_table(frame: pd.DataFrame, **options):
    import tableone

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tableone.TableOne(frame, pval=True, smd=True, pval_digits=12, **options)


def test_chi_square_p_and_categorical_smd_equal_tableone_on_colon():
    # three groups, so every table has >= 2 df (tableone applies Yates' correction to 2 x 2 tables)
    colon = dataset("colon_death").dropna(subset=["differ"])
    for col in ("sex", "differ", "obstruct"):
        colon[col] = colon[col].astype(int).astype(str)
    table = tableone_table(colon, columns=["sex", "differ", "obstruct"], categorical=["sex", "differ", "obstruct"],
                           groupby="rx")
    levels = sorted(colon["rx"].unique())
    for col in ("sex", "differ", "obstruct"):
        counts = pd.crosstab(colon[col], colon["rx"])[levels].to_numpy()
        ours = gt.categorical_test(counts)
        assert ours.test == gt.PEARSON and table.htest_table.loc[col, "Test"] == "Chi-squared"
        assert ours.p == pytest.approx(float(table.htest_table.loc[col, "P-Value"]), rel=1e-10)
        for i, j, smd in gt.pairwise(list(counts.T), gt.smd_categorical):
            theirs = table.smd_table.loc[col, f"SMD ({levels[i]},{levels[j]})"]
            assert smd == pytest.approx(abs(float(theirs)), rel=1e-10)


def test_kruskal_and_anova_p_and_continuous_smd_equal_tableone_on_lung():
    lung = dataset("lung").dropna(subset=["ph.ecog"])
    lung = lung[lung["ph.ecog"] < 3]
    table = tableone_table(lung, columns=["age", "meal.cal"], groupby="ph.ecog", nonnormal=["meal.cal"])
    groups = [lung.loc[lung["ph.ecog"] == g] for g in (0, 1, 2)]
    anova = gt.continuous_test([g["age"] for g in groups], "parametric")
    kw = gt.continuous_test([g["meal.cal"] for g in groups], "nonparametric")
    assert table.htest_table.loc["age", "Test"] == "One-way ANOVA"
    assert anova.p == pytest.approx(float(table.htest_table.loc["age", "P-Value"]), rel=1e-10)
    assert kw.p == pytest.approx(float(table.htest_table.loc["meal.cal", "P-Value"]), rel=1e-10)
    for column in ("age", "meal.cal"):
        for i, j, ours in gt.pairwise([g[column].to_numpy() for g in groups], gt.smd_continuous):
            theirs = table.smd_table.loc[column, f"SMD ({float(i)},{float(j)})"]
            assert ours == pytest.approx(abs(float(theirs)), rel=1e-10)


def test_smd_of_a_yes_no_item_is_the_difference_of_proportions_over_the_pooled_sd():
    a, b = [30, 10], [20, 20]  # no, yes counts
    pa, pb = 10 / 40, 20 / 40
    expected = abs(pa - pb) / math.sqrt((pa * (1 - pa) + pb * (1 - pb)) / 2)
    assert gt.smd_categorical(a, b) == pytest.approx(expected, rel=1e-12)
    assert gt.mean_pairwise(gt.pairwise([a, b, b], gt.smd_categorical)) == pytest.approx(2 * expected / 3)


def test_smd_with_a_level_absent_from_both_groups_uses_the_generalised_inverse_as_r_tableone():
    with_empty = gt.smd_categorical([5, 0, 7, 3], [2, 0, 9, 6])
    without = gt.smd_categorical([5, 7, 3], [2, 9, 6])
    assert with_empty == pytest.approx(without, rel=1e-10)


# ------------------------------------------------------------------------------ edge cases

def test_a_single_group_or_a_constant_variable_is_not_testable_with_the_reason():
    assert gt.continuous_test([[1.0, 2.0], []]).test == gt.NOT_TESTABLE
    assert gt.continuous_test([[3.0, 3.0], [3.0]]).note == "every value is the same"
    assert gt.categorical_test([[4, 0], [6, 0]]).test == gt.NOT_TESTABLE
    assert gt.continuous_test([[1.0], [2.0]], "parametric").test == gt.NOT_TESTABLE  # Welch needs 2 per group


def test_groups_without_values_are_left_out_of_a_continuous_test_and_said_so():
    full = gt.continuous_test([[1.0, 2.0, 5.0], [3.0, 4.0, 6.0, 8.0], [np.nan]])
    assert full.test == gt.MANN_WHITNEY and "left out" in full.note
    assert full.p == gt.continuous_test([[1.0, 2.0, 5.0], [3.0, 4.0, 6.0, 8.0]]).p


def test_empty_rows_and_columns_do_not_change_the_choice_of_test():
    table = np.array([[12, 15], [0, 0], [14, 9]])
    assert gt.categorical_test(table) == gt.categorical_test(table[[0, 2]])


def test_unknown_test_kinds_and_adjustments_are_errors():
    with pytest.raises(ValueError, match="parametric"):
        gt.continuous_test([[1.0, 2.0], [3.0, 4.0]], "means")
    with pytest.raises(ValueError, match="adjust"):
        gt.adjust_p([0.1], "bonferroni")
