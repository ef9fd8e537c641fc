"""The multivariable Cox model against R's coxph(ties = "efron") and the pre-3.0 cox.zph, saved in
tests/data/r_oracles/cox.json (scripts/make_r_oracles.R), on R's own data sets."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from r_oracle import COX_RTOL, close, dataset, oracle

from lmlib.survival.cox import cox_model
from lmlib.survival.ph_test import TRANSFORMS

MODELS = [m for m in oracle("cox")["cox"] if "error" not in m and not m["warnings"]]


def fit(model: dict, data: pd.DataFrame | None = None, **options):
    data = dataset(model["dataset"]) if data is None else data
    factors = model["factors"] or {}
    return cox_model(data, model["time"], model["status"], model["terms"], categorical=list(factors),
                     reference=factors or None, **options)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m["name"])
def test_coefficients_standard_errors_and_wald_intervals_equal_r_coxph_efron(model):
    res = fit(model)
    assert res.estimable and res.n == model["n"] and res.events == model["events"]
    for term in model["coefficients"]:
        ours = res.hazard_ratios.loc[term["term"]]
        assert close(ours["coef"], term["coef"], COX_RTOL, atol=1e-10), term["term"]
        for key in ("se", "hr", "lower", "upper"):
            assert close(ours[key], term[key], COX_RTOL), (term["term"], key)
        assert close(ours["p"], term["p"]), term["term"]
    assert close(res.loglik, model["loglik"], 1e-12) and close(res.loglik_null, model["loglik_null"], 1e-12)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m["name"])
def test_global_and_per_variable_likelihood_ratio_tests_equal_r(model):
    res = fit(model)
    for key, ours in (("lr_test", res.lr_test), ("score_test", res.score_test), ("wald_test", res.wald_test)):
        assert close(ours["chi2"], model[key]["chisq"]) and close(ours["p"], model[key]["p"]), key
        assert ours["df"] == model[key]["df"]
    for variable, test in model["lr_per_column"].items():
        ours = res.variable_tests.loc[variable]
        # 2 (ℓ1 − ℓ0) of two log-likelihoods near −500 carries their rounding (1e-13) as an absolute error
        assert close(ours["chi2"], test["chisq"], atol=1e-10) and close(ours["p"], test["p"]) and ours["df"] == test["df"]


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m["name"])
def test_ph_test_per_term_and_global_equals_the_pre_3_0_cox_zph_for_every_transform(model, transform):
    res = fit(model, time_transform=transform)
    saved = model["ph_old"][transform]
    for term, chi2 in saved["terms"].items():
        assert close(res.ph_test.loc[term, "chi2"], chi2), term
        assert close(res.ph_test.loc[term, "p"], saved["p"][term]), term
    assert close(res.ph_global["chi2"], saved["global"]["chisq"]) and close(res.ph_global["p"], saved["global"]["p"])
    assert res.ph_global["df"] == saved["global"]["df"] and res.ph_transform == transform
    assert "Grambsch" in res.ph_method and "3.0" in res.ph_method


@pytest.mark.parametrize("name", ["ties", "veteran_full", "lung_ecog_factor"])
def test_the_ph_test_does_not_depend_on_row_order(name):
    model = next(m for m in MODELS if m["name"] == name)
    data = dataset(model["dataset"])
    for transform in TRANSFORMS:
        first = fit(model, data, time_transform=transform)
        for seed in range(6):
            shuffled = data.sample(frac=1, random_state=seed)
            again = fit(model, shuffled, time_transform=transform)
            np.testing.assert_allclose(again.ph_test["chi2"], first.ph_test["chi2"], rtol=1e-9)
            assert again.ph_global["p"] == pytest.approx(first.ph_global["p"], rel=1e-9)
            np.testing.assert_allclose(again.hazard_ratios["coef"], first.hazard_ratios["coef"], rtol=1e-9)


def test_with_untied_death_times_the_rank_test_is_lifelines_proportional_hazard_test():
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    rng = np.random.default_rng(3)
    n = 200
    data = pd.DataFrame({"t": rng.exponential(100, n), "x": rng.normal(size=n), "g": rng.integers(0, 2, n)})
    data["e"] = (rng.uniform(size=n) < 0.8).astype(int)
    ours = cox_model(data, "t", "e", ["x", "g"], categorical=[], time_transform="rank")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter = CoxPHFitter().fit(data[["t", "e", "x", "g"]], "t", "e", fit_options={"precision": 1e-12})
        theirs = proportional_hazard_test(fitter, data[["t", "e", "x", "g"]], time_transform="rank").summary
    np.testing.assert_allclose(ours.ph_test["chi2"], theirs.loc[["x", "g"], "test_statistic"], rtol=1e-6)


def test_coefficients_equal_statsmodels_phreg_with_efron_ties():
    from statsmodels.duration.hazard_regression import PHReg

    model = next(m for m in MODELS if m["name"] == "colon_death")
    res = fit(model)
    design = res.design
    exog = design[list(res.hazard_ratios.index)].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = PHReg(design["duration"].to_numpy(), exog, status=design["event"].to_numpy(dtype=float),
                    ties="efron").fit(gtol=1e-12)
    np.testing.assert_allclose(res.hazard_ratios["coef"], ref.params, rtol=1e-6)


def test_a_single_covariate_name_as_a_string_works():
    data = dataset("veteran")
    one = cox_model(data, "time", "status", "celltype")
    assert list(one.hazard_ratios.index) == ["celltype=large", "celltype=smallcell", "celltype=squamous"]
    listed = cox_model(data, "time", "status", ["celltype"])
    pd.testing.assert_frame_equal(one.hazard_ratios, listed.hazard_ratios)


def test_terms_name_each_factors_reference_level_with_the_variables_lr_test():
    model = next(m for m in MODELS if m["name"] == "veteran_full")
    terms = fit(model).terms
    ref = terms.loc["celltype=squamous"]
    assert ref["is_reference"] and ref["hr"] == 1.0 and math.isnan(ref["lower"])
    assert (terms.loc[terms["variable"] == "celltype", "reference"] == "squamous").all()
    assert close(terms.loc["celltype=adeno", "variable_p"], model["lr_per_column"]["celltype"]["p"])
    assert terms.loc["celltype=adeno", "variable_df"] == 3 and terms.loc["karno", "variable_df"] == 1
    assert list(terms.index[:2]) == ["trt", "celltype=squamous"]


def test_numbers_read_as_text_are_numbers_and_levels_are_named_as_text():
    data = dataset("lung").astype({"sex": str})
    data["ph.ecog"] = data["ph.ecog"].map(lambda v: "" if math.isnan(v) else f"{v:g}").astype(object)
    res = cox_model(data, "time", "dead", ["age", "ph.ecog", "sex"], categorical=["sex"])
    assert list(res.hazard_ratios.index) == ["age", "ph.ecog", "sex=2"]
    model = next(m for m in MODELS if m["name"] == "lung_age_sex_ecog")
    assert close(res.hazard_ratios.loc["sex=2", "coef"], model["coefficients"][1]["coef"], COX_RTOL)


def test_events_per_variable_below_ten_marks_the_model_exploratory():
    model = next(m for m in MODELS if m["name"] == "ovarian")  # 12 events, 3 coefficients
    res = fit(model)
    assert res.events_per_variable == 4 and res.exploratory
    assert not fit(next(m for m in MODELS if m["name"] == "colon_death")).exploratory  # 430 / 8


def test_complete_separation_is_not_estimable_with_the_reason_as_r_warns():
    saved = next(m for m in oracle("cox")["cox"] if m["name"] == "separation")
    assert "coefficient may be infinite" in saved["warnings"][0]  # what R says
    res = cox_model(dataset("separation"), "time", "status", ["x", "age"])
    assert not res.estimable and res.problem == "infinite" and "'x'" in res.reason
    assert math.isnan(res.hazard_ratios.loc["x", "hr"]) and not res.hazard_ratios.loc["x", "estimable"]
    age = next(t for t in saved["coefficients"] if t["term"] == "age")  # R's finite coefficient
    assert close(res.hazard_ratios.loc["age", "coef"], age["coef"], 1e-6)
    assert close(res.variable_tests.loc["x", "chi2"], saved["lr_per_column"]["x"]["chisq"], 1e-7)
    assert math.isnan(res.ph_global["p"])


def test_a_univariable_separated_model_never_reports_a_hazard_ratio():
    data = pd.DataFrame({"days": [1.0, 2, 3, 10, 12, 20], "dead": [1, 1, 1, 1, 0, 0], "arm": list("aaabbb")})
    res = cox_model(data, "days", "dead", "arm")
    assert not res.estimable and res.problem == "infinite"
    assert res.hazard_ratios[["hr", "lower", "upper", "p"]].isna().all().all()


@pytest.mark.parametrize("data, covariates, problem", [
    (pd.DataFrame({"t": [42.0], "e": [1], "x": [1.0]}), ["x"], "too_few"),
    (pd.DataFrame({"t": [1.0, 2, 3, 4], "e": [0, 0, 0, 0], "x": [1.0, 2, 3, 4]}), ["x"], "no_events"),
    (pd.DataFrame({"t": [1.0, 2, 3, 4], "e": [1, 1, 0, 1], "x": [5.0, 5, 5, 5]}), ["x"], "singular"),
    (pd.DataFrame({"t": [1.0, 2, 3, 4, 5], "e": [1, 1, 0, 1, 1], "x": [1.0, 2, 3, 4, 6], "y": [2.0, 4, 6, 8, 12]}),
     ["x", "y"], "singular"),
])
def test_models_that_cannot_be_fitted_say_why_and_give_no_numbers(data, covariates, problem):
    res = cox_model(data, "t", "e", covariates)
    assert not res.estimable and res.problem == problem and res.reason
    assert res.hazard_ratios[["hr", "lower", "upper", "p"]].isna().all().all()


def test_the_r_one_patient_case_is_not_estimable():
    assert "error" in next(m for m in oracle("cox")["cox"] if m["name"] == "one_patient")
    assert not cox_model(dataset("one_patient"), "time", "status", ["x"]).estimable


def test_the_input_is_not_modified_and_complete_cases_are_used():
    data = dataset("lung")
    before = data.copy()
    res = cox_model(data, "time", "dead", ["age", "wt.loss"])
    pd.testing.assert_frame_equal(data, before)
    assert res.n == int(data[["age", "wt.loss"]].notna().all(axis=1).sum())
