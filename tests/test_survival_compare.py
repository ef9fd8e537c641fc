"""Log-rank, trend test and Cox model, against statsmodels (survdiff, PHReg) and lifelines."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from lifelines.statistics import multivariate_logrank_test
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import survdiff

from lmlib.survival import cox_model, logrank, logrank_trend, observed_expected


def cohort(seed: int, n: int = 90, groups=("a", "b", "c"), ties: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice(list(groups), n)
    rate = 1 + 0.4 * pd.Series(g).map({k: i for i, k in enumerate(groups)}).to_numpy()
    death = rng.exponential(200 / rate)
    censor = rng.uniform(50, 500, n)
    t = np.minimum(death, censor)
    return pd.DataFrame({
        "days": np.ceil(t) if ties else t, "dead": (death <= censor).astype(int), "site": g,
        "age": rng.normal(60, 10, n).round(),
    })


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("groups", [("a", "b"), ("a", "b", "c")])
def test_logrank_matches_statsmodels_survdiff_with_tied_days(seed, groups):
    df = cohort(seed, groups=groups)
    ours = logrank(df, "days", "dead", "site")
    chi2, p = survdiff(df["days"].to_numpy(), df["dead"].to_numpy(), df["site"].to_numpy())
    assert ours.chi2 == pytest.approx(chi2, rel=1e-10)
    assert ours.p == pytest.approx(p, rel=1e-9)
    assert ours.df == len(groups) - 1


def test_own_observed_expected_and_covariance_reproduce_the_k_group_logrank():
    df = cohort(4)
    table, V = observed_expected(df, "days", "dead", "site")
    u = (table["observed"] - table["expected"]).to_numpy()[:-1]
    chi2 = float(u @ np.linalg.solve(V[:-1, :-1], u))
    ref = multivariate_logrank_test(df["days"], df["site"], df["dead"])
    assert chi2 == pytest.approx(ref.test_statistic, rel=1e-10)
    assert table["observed"].sum() == pytest.approx(table["expected"].sum())
    assert table["observed"].sum() == df["dead"].sum()


def test_trend_test_with_two_groups_is_the_logrank_test():
    df = cohort(5, groups=("x", "y"))
    assert logrank_trend(df, "days", "dead", "site").chi2 == pytest.approx(
        logrank(df, "days", "dead", "site").chi2, rel=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_trend_test_is_the_cox_score_test_of_the_score_without_ties(seed):
    df = cohort(seed, ties=False)
    order = ["a", "b", "c"]
    ours = logrank_trend(df, "days", "dead", "site", order=order)
    score = df["site"].map({k: i + 1 for i, k in enumerate(order)}).to_numpy(dtype=float)[:, None]
    model = PHReg(df["days"].to_numpy(), score, status=df["dead"].to_numpy(), ties="breslow")
    u = model.score(np.zeros(1))
    info = -model.hessian(np.zeros(1))
    assert ours.chi2 == pytest.approx(float(u @ np.linalg.solve(info, u)), rel=1e-9)
    assert ours.df == 1


def test_trend_scores_follow_the_given_order():
    df = cohort(6)
    forward = logrank_trend(df, "days", "dead", "site", order=["a", "b", "c"])
    scrambled = logrank_trend(df, "days", "dead", "site", order=["b", "a", "c"])
    assert forward.chi2 != pytest.approx(scrambled.chi2)
    with pytest.raises(ValueError, match="missing from order"):
        logrank_trend(df, "days", "dead", "site", order=["a", "b"])


def test_logrank_with_one_group_is_nan_with_zero_df():
    df = cohort(1, groups=("a",))
    res = logrank(df, "days", "dead", "site")
    assert np.isnan(res.chi2) and res.df == 0


def test_cox_hazard_ratios_match_statsmodels_phreg_with_efron_ties():
    df = cohort(2, n=150)
    res = cox_model(df, "days", "dead", ["site", "age"])
    assert list(res.hazard_ratios.index) == ["site=b", "site=c", "age"]
    exog = np.column_stack([(df["site"] == "b"), (df["site"] == "c"), df["age"]]).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = PHReg(df["days"].to_numpy(), exog, status=df["dead"].to_numpy(), ties="efron").fit()
    np.testing.assert_allclose(res.hazard_ratios["coef"], ref.params, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(res.hazard_ratios["se"], ref.bse, rtol=1e-4)
    lower = np.exp(ref.params - 1.959963984540054 * ref.bse)
    np.testing.assert_allclose(res.hazard_ratios["lower"], lower, rtol=1e-4)


def test_cox_reference_level_can_be_chosen():
    df = cohort(2, n=150)
    res = cox_model(df, "days", "dead", ["site"], reference={"site": "c"})
    base = cox_model(df, "days", "dead", ["site"])
    assert list(res.hazard_ratios.index) == ["site=a", "site=b"]
    assert res.hazard_ratios.loc["site=a", "hr"] == pytest.approx(1 / base.hazard_ratios.loc["site=c", "hr"], rel=1e-6)


def test_few_events_per_variable_flag_the_model_as_exploratory():
    df = cohort(3, n=40)
    res = cox_model(df, "days", "dead", ["site", "age"])
    assert res.n_parameters == 3 and res.events == df["dead"].sum()
    assert res.events_per_variable == pytest.approx(res.events / 3)
    assert res.exploratory == (res.events / 3 < 10)
    big = cox_model(cohort(3, n=400), "days", "dead", ["age"])
    assert not big.exploratory


def test_ph_check_detects_crossing_hazards_and_passes_proportional_ones():
    rng = np.random.default_rng(11)
    n = 300
    g = rng.integers(0, 2, n)
    # group 1: early deaths then long survivors (Weibull shapes 0.5 vs 3): hazards cross
    t = np.where(g == 1, 300 * rng.weibull(0.5, n), 300 * rng.weibull(3.0, n))
    df = pd.DataFrame({"t": np.minimum(t, 900), "e": (t < 900).astype(int), "g": g})
    crossing = cox_model(df, "t", "e", ["g"])
    assert crossing.ph_test.loc["g", "p"] < 0.001
    ph = cohort(7, n=300, groups=("a", "b"))
    assert cox_model(ph, "days", "dead", ["site"]).ph_test.loc["site=b", "p"] > 0.01


def test_cox_uses_complete_cases_and_does_not_modify_input():
    df = cohort(8)
    df.loc[[0, 1], "age"] = np.nan
    before = df.copy()
    res = cox_model(df, "days", "dead", ["age"])
    assert res.n == len(df) - 2
    pd.testing.assert_frame_equal(df, before)


# ------------------------------------------------------------------------------ Schoenfeld residuals

@pytest.mark.parametrize("n, covariates, weighted", [
    (32, ["treatment"], False), (32, ["primary_site", "age"], False), (3000, ["treatment", "age"], False),
    (3000, ["primary_site"], True),
])
def test_vectorised_scaled_schoenfeld_residuals_equal_lifelines_own(n, covariates, weighted):
    import warnings

    from lifelines import CoxPHFitter

    from lmlib import scale
    from lmlib.cohort import load_cohort
    from lmlib.survival.compare import cox_design
    from lmlib.survival.data import survival_frame
    from lmlib.survival.schoenfeld import scaled_schoenfeld

    data = load_cohort(None).data if n == 32 else scale.generate_large(n, seed=7)
    surv = survival_frame(data, "survival_days", "death")
    frame = pd.concat([surv[["duration", "event"]], cox_design(data.loc[surv.index], covariates)], axis=1).dropna()
    frame["event"] = frame["event"].astype(int)
    if weighted:  # integer frequency weights, many tied times
        frame["w"] = np.random.default_rng(1).integers(1, 4, len(frame)).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter = CoxPHFitter().fit(frame, "duration", "event", weights_col="w" if weighted else None)
        expected = fitter.compute_residuals(frame, kind="scaled_schoenfeld")
    got = scaled_schoenfeld(fitter, frame)
    assert list(got.index) == list(expected.index) and list(got.columns) == list(expected.columns)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-12)
