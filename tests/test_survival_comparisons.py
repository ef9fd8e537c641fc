"""The survival section's comparisons as a reader sees them: pairwise log-rank tests with Holm's
adjustment, RMST contrasts, the immortal-time note beside a post-baseline grouping, the landmark
analysis (its numbers against lmlib.survival and pandas directly), weeks as a time unit, the
multivariable Cox model in the section, and the RMST suggested when the PH test rejects."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lmlib import survival_report as sr
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.present import Style, survival_comparisons as sc
from lmlib.survival import landmark_analysis, pairwise_logrank, rmst_compare
from test_table_by_group import row_of

CODEBOOK = load_codebook()


@pytest.fixture(scope="module")
def cohort():
    return load_cohort(None, data_cut="2018-12-31")


@pytest.fixture(scope="module")
def report(cohort):
    return sr.build(cohort.data, CODEBOOK, group_by="treatment,primary_site", cox="age,sex,treatment", landmark="30")


def test_the_pairwise_table_gives_each_pairs_log_rank_p_and_its_holm_adjustment(report, cohort):
    from statsmodels.stats.multitest import multipletests

    table = sc.pairwise_table(report, "treatment")
    pairs = pairwise_logrank(cohort.data, "survival_days", "death", "treatment", adjust=None)
    holm = multipletests(pairs["p"].to_numpy(), method="holm")[1]
    labels = {"chemotherapy": "Chemotherapy (CT)", "chemoradiotherapy": "CT and radiotherapy (RT)",
              "none": "No treatment (refused)"}
    for (_, pair), adjusted in zip(pairs.iterrows(), holm):
        row = row_of(table, f"{labels[pair['group_a']]} vs {labels[pair['group_b']]}")
        assert row.cells["p"] == Style().p(pair["p"]) and row.cells["p_adjusted"] == Style().p(adjusted)
        assert row.cells["n"] == str(int(pair["n"]))
    assert [c.header for c in table.columns][-1] == "p (Holm)"
    assert "Holm's method (Holm 1979)" in " ".join(table.notes)


def test_benjamini_hochberg_is_used_and_said_when_asked(cohort):
    rep = sr.build(cohort.data, CODEBOOK, group_by="treatment", adjust="bh")
    table = sc.pairwise_table(rep, "treatment")
    assert [c.header for c in table.columns][-1] == "q (Benjamini–Hochberg)"
    assert "Benjamini–Hochberg" in " ".join(table.notes)


def test_two_groups_get_no_pairwise_table(cohort):
    rep = sr.build(cohort.data, CODEBOOK, group_by="hydrocephalus")
    assert rep.numbers.pairwise.empty and "pairwise" not in sr.csv_frames(rep)


def test_the_rmst_table_gives_each_groups_difference_and_ratio_against_the_reference_as_survrm2(report, cohort):
    table = sc.rmst_table(report, "treatment")
    cmp = rmst_compare(cohort.data, "survival_days", "death", "treatment", 180, reference="chemotherapy",
                       group="none")
    row = row_of(table, "No treatment (refused)")
    d, r = cmp.contrasts.loc["difference"], cmp.contrasts.loc["ratio"]
    style = Style()
    assert row.cells["difference"] == (f"{style.number(d['estimate'])} ({style.number(d['lower'])} to "
                                       f"{style.number(d['upper'])})").replace("-", "−")
    assert row.cells["p_difference"] == style.p(d["p"]) and row.cells["p_ratio"] == style.p(r["p"])
    assert row.cells["ratio"] == f"{style.number(r['estimate'], 2)} ({style.number(r['lower'], 2)}–" \
                                 f"{style.number(r['upper'], 2)})"
    assert row_of(table, "Chemotherapy (CT)").cells["difference"] == "reference"
    assert "survRM2" in " ".join(table.notes)


def test_a_horizon_beyond_follow_up_is_not_estimable_and_says_which_horizon_would_do():
    data = pd.DataFrame({"survival_days": [10, 20, 30, 40, 50, 60, 15, 25, 35, 45],
                         "death": [True, True, True, True, True, False, True, True, False, True],
                         "treatment": ["chemotherapy"] * 6 + ["none"] * 4})
    data["treatment"] = pd.Categorical(data["treatment"], ["chemotherapy", "chemoradiotherapy", "none"])
    rep = sr.build(data, CODEBOOK, group_by="treatment", tau_days=70)
    row = row_of(sc.rmst_table(rep, "treatment"), "No treatment (refused)")
    assert row.cells["difference"] == "not estimable"
    note = dict(sc.rmst_table(rep, "treatment").footnotes)[row.marks["difference"]]
    assert "day 70 is beyond the last follow-up" in note and "RMST_TAU=60" in note


def test_a_post_baseline_grouping_carries_the_immortal_time_note_and_others_do_not(report, cohort):
    note = sc.immortal_note(report, "treatment")
    assert "immortal-time bias" in note and "day 30" in note
    assert sc.immortal_note(report, "primary_site") == ""
    plain = sr.build(cohort.data, CODEBOOK, group_by="treatment")
    assert "LANDMARK=30" in sc.immortal_note(plain, "treatment")


def test_the_landmark_analysis_equals_lmlib_survival_and_pandas_counts(report, cohort):
    direct = landmark_analysis(cohort.data, "survival_days", "death", "treatment", 30)
    data = cohort.data
    alive = data["survival_days"] >= 30
    assert direct.n_at_risk == alive.sum()
    assert direct.n_died_before == ((~alive) & data["death"].astype(bool)).sum()
    frame = report.landmark_analysis
    rows = frame[frame["item"] == "treatment"]
    assert rows["n_at_risk"].iloc[0] == alive.sum() and rows["p"].iloc[0] == pytest.approx(direct.logrank.p, rel=1e-12)
    table = sc.landmark_analysis_table(report, "treatment")
    for level, label in (("chemotherapy", "Chemotherapy (CT)"), ("none", "No treatment (refused)")):
        in_group = alive & (data["treatment"] == level)
        cells = row_of(table, label).cells
        assert cells["n"] == str(int(in_group.sum()))
        assert cells["events"] == str(int((in_group & data["death"].astype(bool)).sum()))
        expected = direct.summary.loc[level]
        assert cells["median"].startswith(f"{expected['median']:.0f} (")
    assert row_of(table, "Chemotherapy (CT)").cells["p"] == Style().p(direct.logrank.p)
    text = sc.landmark_text(report, "treatment")
    assert f"{int(alive.sum())} of 32 patients were alive and followed at day 30" in text
    assert "treatment recorded is taken as received by the landmark" in " ".join(table.notes)


def test_weeks_are_shown_beside_days(cohort):
    rep = sr.build(cohort.data, CODEBOOK, time_unit="weeks", group_by="")
    table = sr.landmark_styler(rep)
    assert [c.header for c in table.columns][:3] == ["Group", "Time, days", "Time, weeks"]
    assert table.rows[0].cells["weeks"] == Style().number(30 / 7)
    assert "In weeks (1 week = 7 days)" in sr.headline(rep)
    assert rep.numbers.ticks["weeks"][1] - rep.numbers.ticks["weeks"][0] in (2.0, 4.0, 13.0)


def test_the_multivariable_cox_numbers_are_in_the_section_and_its_csv(report):
    model = report.numbers.multivariable
    assert model.covariates == ["age", "sex", "treatment"] and model.model["n"] == 32
    csv = sr.csv_frames(report)["multivariable"]
    assert {"term", "hr", "lower", "upper", "p", "ph_p", "variable_p", "display"} <= set(csv.columns)
    assert "treatment" in report.numbers.post_baseline


def test_a_rejected_ph_test_points_to_the_rmst_comparison():
    rng = np.random.default_rng(7)
    n = 120
    early = rng.exponential(20, n)  # crossing hazards: early deaths in one group, late in the other
    late = 40 + rng.exponential(60, n)
    data = pd.DataFrame({"survival_days": np.concatenate([early, late]).round(),
                         "death": True, "hydrocephalus": [True] * n + [False] * n})
    data["survival_days"] = data["survival_days"].clip(lower=1)
    rep = sr.build(data, CODEBOOK, group_by="hydrocephalus", tau_days=60)
    flags = sr.cox_flags(rep, "hydrocephalus")
    assert "Proportional hazards questionable" in flags and "RMST difference up to day 60" in flags
