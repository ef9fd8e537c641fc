"""Exact tests of independence: Fisher (2x2) and Freeman–Halton (r x c), and the imaging
cross-tabulations by primary site."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import gammaln

from lmlib import crosstab
from lmlib.cohort import load_cohort


@pytest.fixture(scope="module")
def data():
    return load_cohort().data


def brute_force_p(table) -> float:
    """Freeman–Halton by listing every table with the observed margins (small tables only)."""
    t = np.asarray(table)
    rows, cols, n = t.sum(1), t.sum(0), t.sum()
    log_fact = lambda a: float(gammaln(np.asarray(a) + 1).sum())  # noqa: E731
    const = log_fact(rows) + log_fact(cols) - log_fact(n)
    p_obs = math.exp(const - log_fact(t))
    r, c = t.shape
    total = 0.0
    ranges = [range(min(rows[i], cols[j]) + 1) for i in range(r - 1) for j in range(c - 1)]
    for cells in itertools.product(*ranges):
        m = np.zeros((r, c), dtype=int)
        m[:r - 1, :c - 1] = np.reshape(cells, (r - 1, c - 1))
        m[:r - 1, c - 1] = rows[:r - 1] - m[:r - 1, :c - 1].sum(1)
        m[r - 1] = cols - m[:r - 1].sum(0)
        if (m < 0).any():
            continue
        p = math.exp(const - log_fact(m))
        if p <= p_obs * (1 + 1e-7):
            total += p
    return total


@pytest.mark.parametrize("table", [[[8, 2], [1, 5]], [[6, 2], [1, 4]], [[3, 1], [1, 3]], [[0, 5], [7, 1]], [[12, 5], [3, 0]]])
def test_freeman_halton_on_2x2_equals_scipy_fisher_exact(table):
    assert crosstab.freeman_halton(table) == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9)
    result = crosstab.exact_test(table)
    assert result["test"] == crosstab.FISHER and result["p_value"] == pytest.approx(stats.fisher_exact(table).pvalue)


def test_freeman_halton_reproduces_r_fisher_test_on_agresti_job_satisfaction():
    # R ?fisher.test, "Agresti (2002, p. 57) Job Satisfaction": fisher.test(Job) gives p = 0.7827
    job = np.array([[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]).T
    assert round(crosstab.freeman_halton(job), 4) == 0.7827


@pytest.mark.parametrize("table", [
    [[1, 2, 3], [4, 0, 2], [0, 5, 1]],
    [[3, 1, 0, 2], [0, 4, 1, 1]],
    [[2, 0, 1], [1, 3, 0], [0, 1, 4], [2, 2, 1]],
    [[5, 0, 0], [0, 5, 0], [0, 0, 5]],
])
def test_freeman_halton_equals_brute_force_enumeration(table):
    assert crosstab.freeman_halton(table) == pytest.approx(brute_force_p(table), rel=1e-9)


def test_a_table_independent_by_construction_has_p_one():
    assert crosstab.freeman_halton([[2, 2, 2], [2, 2, 2]]) == pytest.approx(1.0)


def test_empty_rows_and_columns_are_dropped_and_a_single_column_is_not_testable():
    assert crosstab.freeman_halton([[1, 0, 3], [0, 0, 0], [4, 0, 1]]) == pytest.approx(stats.fisher_exact([[1, 3], [4, 1]]).pvalue)
    result = crosstab.exact_test([[3, 0], [4, 0]])
    assert result["test"] == crosstab.NOT_TESTABLE and math.isnan(result["p_value"])
    with pytest.raises(ValueError):
        crosstab.exact_test([[-1, 2], [3, 4]])


def test_too_large_tables_fall_back_to_a_seeded_labelled_monte_carlo(monkeypatch):
    table = [[1, 2, 3], [4, 0, 2], [0, 5, 1]]
    monkeypatch.setattr(crosstab, "MAX_ENUMERATION", 0)
    monkeypatch.setattr(crosstab, "MONTE_CARLO_RESAMPLES", 20_000)
    p1, method = crosstab.freeman_halton(table, return_method=True)
    p2, _ = crosstab.freeman_halton(table, return_method=True)
    assert method == crosstab.MONTE_CARLO and p1 == p2
    assert p1 == pytest.approx(brute_force_p(table), abs=0.01)
    assert crosstab.exact_test(table)["test"] == crosstab.MONTE_CARLO


def test_findings_by_site_counts_equal_pandas_crosstab(data):
    xt = crosstab.findings_by(data)
    location = xt[xt["item"] == "lm_location"]
    plain = pd.crosstab(data["lm_location"].astype(str), data["primary_site"].astype(str))
    for r in location.itertuples():
        assert r.n == plain.loc[r.level, r.by_level]
        assert r.denominator == (data["primary_site"].astype(str) == r.by_level).sum()
    hydro = xt[(xt["item"] == "hydrocephalus") & (xt["level"] == "yes")].set_index("by_level")["n"]
    assert hydro.sum() == int(data["hydrocephalus"].sum()) == 14


def test_every_cross_table_is_labelled_exploratory_with_one_p_per_finding(data):
    xt = crosstab.findings_by(data)
    assert (xt["analysis"] == crosstab.EXPLORATORY).all()
    assert xt.groupby("item")["p_value"].nunique().max() == 1
    assert {"isolated_lm", "lm_location", "enhancement_pattern", "metastases_dura", "cn_any"} <= set(xt["item"])
    assert "field_strength" not in set(xt["item"])  # not an imaging finding of the paper


def test_findings_by_site_p_value_agrees_with_scipys_monte_carlo_estimate(data):
    xt = crosstab.findings_by(data)
    pattern = xt[xt["item"] == "enhancement_pattern"]
    table = pd.crosstab(data["enhancement_pattern"].astype(str), data["primary_site"].astype(str)).to_numpy()
    method = stats.MonteCarloMethod(n_resamples=20_000, rng=np.random.default_rng(1))
    estimate = stats.fisher_exact(table, method=method).pvalue
    assert pattern["test"].iloc[0] == crosstab.FREEMAN_HALTON
    assert pattern["p_value"].iloc[0] == pytest.approx(estimate, abs=0.006)


def test_cross_tabulation_does_not_modify_the_data(data):
    before = data.copy()
    crosstab.findings_by(data, lang="tr")
    pd.testing.assert_frame_equal(data, before)
