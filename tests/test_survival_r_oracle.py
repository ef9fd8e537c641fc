"""Survival statistics against R's saved output (tests/data/r_oracles/survival.json): pairwise
log-rank (survdiff, survminer::pairwise_survdiff), medians and median follow-up
(quantile.survfit), RMST contrasts (survRM2), landmark analyses (survdiff on the landmark set)."""
from __future__ import annotations

import pandas as pd
import pytest
from r_oracle import close, dataset, oracle

from lmlib.survival import brookmeyer_crowley, curve_quantile, km_steps, median_followup
from lmlib.survival.compare import pairwise_logrank
from lmlib.survival.data import as_text, split_groups, survival_frame
from lmlib.survival.landmark_analysis import landmark_analysis, landmark_data, post_baseline_variables
from lmlib.survival.rmst_compare import default_tau, rmst_compare

SURVIVAL = oracle("survival")


def groups_of(case) -> dict:
    data = dataset(case["dataset"])
    frame = survival_frame(data, case["time"], case["status"], case["by"])
    return {as_text(k): sub for k, sub in split_groups(frame, overall=case["by"] is None)}


def km_cases():
    return [(case, group) for case in SURVIVAL["km"] for group in case["groups"]]


def km_id(item) -> str:
    case, group = item
    return f"{case['dataset']}-{case['by']}-{group['group']}"


def part(case, group):
    if case["by"] is None:
        data = dataset(case["dataset"])
        return survival_frame(data, case["time"], case["status"])
    return groups_of(case)[group["group"]]


@pytest.mark.parametrize("item", km_cases(), ids=km_id)
def test_median_follow_up_and_its_ci_equal_r_quantile_of_the_reverse_km(item):
    case, group = item
    sub = part(case, group)
    fu = median_followup(sub["duration"], sub["event"])
    r = group["followup"]
    for ours, theirs in ((fu.median, r["median"]), (fu.lower, r["median_lower"]), (fu.upper, r["median_upper"]),
                         (fu.q1, r["q1"]), (fu.q3, r["q3"])):
        assert close(ours, theirs, 1e-12)


def test_median_follow_up_of_the_aml_maintained_arm_is_r_103_weeks_not_45():
    case = next(c for c in SURVIVAL["km"] if c["dataset"] == "aml" and c["by"] == "x")
    sub = groups_of(case)["Maintained"]
    assert next(g for g in case["groups"] if g["group"] == "Maintained")["followup"]["median"] == 103
    assert median_followup(sub["duration"], sub["event"]).median == 103.0


@pytest.mark.parametrize("item", km_cases(), ids=km_id)
def test_median_survival_and_brookmeyer_crowley_limits_equal_r_quantile_survfit(item):
    case, group = item
    sub = part(case, group)
    for transform, key in (("log-log", "survival_loglog"), ("log", "survival_log")):
        ours = brookmeyer_crowley(sub["duration"], sub["event"], transform=transform)
        r = group[key]
        assert close(ours.median, r["median"], 1e-12)
        assert close(ours.lower, r["median_lower"], 1e-12) and close(ours.upper, r["median_upper"], 1e-12)
    steps = km_steps(sub["duration"], sub["event"])
    assert close(curve_quantile(steps["time"], steps["survival"], 0.75), group["survival_log"]["q1"], 1e-12)
    assert close(curve_quantile(steps["time"], steps["survival"], 0.25), group["survival_log"]["q3"], 1e-12)


@pytest.mark.parametrize("case", SURVIVAL["pairwise"], ids=lambda c: f"{c['dataset']}-{c['by']}")
@pytest.mark.parametrize("adjust, key", [("holm", "p_holm"), ("bh", "p_bh")])
def test_pairwise_logrank_equals_r_survdiff_per_pair_and_p_adjust(case, adjust, key):
    ours = pairwise_logrank(dataset(case["dataset"]), case["time"], case["status"], case["by"], adjust=adjust)
    ours = ours.assign(a=ours["group_a"].map(as_text), b=ours["group_b"].map(as_text)).set_index(["a", "b"])
    assert len(ours) == len(case["pairs"])
    for pair in case["pairs"]:
        row = ours.loc[(pair["group_a"], pair["group_b"])]
        assert close(row["chi2"], pair["chisq"]) and close(row["p"], pair["p"])
        assert close(row["p_adjusted"], pair[key])
    survminer = {(p["group_a"], p["group_b"]): p["p"] for p in case["survminer"]["holm" if adjust == "holm" else "BH"]}
    for (a, b), p in survminer.items():
        row = ours.loc[(a, b)] if (a, b) in ours.index else ours.loc[(b, a)]
        assert close(row["p_adjusted"], p)


def test_pairwise_logrank_of_two_groups_is_empty():
    assert pairwise_logrank(dataset("aml"), "time", "status", "x").empty


@pytest.mark.parametrize("case", SURVIVAL["rmst"], ids=lambda c: f"{c['dataset']}-{c['by']}")
def test_rmst_difference_and_ratios_equal_survrm2_and_survival_rmean(case):
    data = dataset(case["dataset"])
    res = rmst_compare(data, case["time"], case["status"], case["by"], case["tau"], reference=case["arm0"],
                       group=case["arm1"])
    assert res.estimable and as_text(res.group) == case["arm1"] and as_text(res.reference) == case["arm0"]
    arm1, arm0 = res.groups.iloc[0], res.groups.iloc[1]
    assert close(arm1["rmst"], case["rmst_arm1"]) and close(arm1["se"], case["se_arm1"])
    assert close(arm0["rmst"], case["rmst_arm0"]) and close(arm0["se"], case["se_arm0"])
    assert close(arm1["rmst"], case["survival_rmean"]["arm1"]) and close(arm1["se"], case["survival_rmean"]["se_arm1"])
    for contrast in ("difference", "ratio", "rmtl_ratio"):
        for key in ("estimate", "lower", "upper", "p"):
            assert close(res.contrasts.loc[contrast, key], case[contrast][key]), (contrast, key)
    two = data[data[case["by"]].map(as_text).isin([case["arm0"], case["arm1"]])]
    assert default_tau(two, case["time"], case["status"], case["by"]) == case["default_tau"]


def test_rmst_beyond_a_groups_follow_up_is_not_estimable_with_the_reason():
    data = dataset("aml")
    res = rmst_compare(data, "time", "status", "x", 170.0, reference="Nonmaintained", group="Maintained")
    assert not res.estimable and "Maintained" in res.reason and res.contrasts.isna().all().all()
    with pytest.raises(ValueError, match="reference"):
        rmst_compare(dataset("veteran"), "time", "status", "celltype", 100.0)


@pytest.mark.parametrize("case", SURVIVAL["landmark"], ids=lambda c: f"{c['dataset']}-{c['by']}-{c['landmark']}")
def test_landmark_analysis_equals_r_survdiff_on_the_patients_at_risk_at_the_landmark(case):
    res = landmark_analysis(dataset(case["dataset"]), case["time"], case["status"], case["by"], case["landmark"])
    assert res.n == case["n_before"] and res.n_at_risk == case["n_at_landmark"]
    assert res.n_died_before + res.n_censored_before == case["n_before"] - case["n_at_landmark"]
    assert close(res.logrank.chi2, case["chisq"]) and close(res.logrank.p, case["p"]) and res.logrank.df == case["df"]
    sizes = {as_text(k): v for k, v in res.summary["n"].items() if k != "Overall"}
    assert sizes == case["n_by_group"]
    assert (res.data["time_from_landmark"] >= 0).all()


def test_a_treatment_started_after_the_landmark_counts_as_untreated_at_the_landmark():
    data = pd.DataFrame({"days": [10.0, 40, 50, 80, 100, 120], "dead": [1, 1, 0, 1, 1, 0],
                         "treatment": ["ct", "ct", "ct", "rt", "none", "rt"],
                         "start": [2.0, 35, 10, 20, None, 60]})
    kept = landmark_data(data, "days", "dead", "treatment", 30, start_col="start")
    assert list(kept.index) == [1, 2, 3, 4, 5]  # the death at day 10 is before the landmark
    assert list(kept["landmark_group"]) == ["none", "ct", "rt", "none", "none"]
    assert list(kept["time_from_landmark"]) == [10.0, 20, 50, 70, 90]


def test_the_codebook_marks_treatment_as_known_only_after_baseline():
    from lmlib.codebook import load_codebook

    assert post_baseline_variables(load_codebook()) == ["treatment"]
