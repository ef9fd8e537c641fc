"""The survival section's tables, sentences and figure (lmlib.survival_report), on the synthetic
cohort and on small made-up cohorts; the SPSS numbers are checked against lmlib.survival.spss_median
and an exact decimal rounding written here, not against the module's own formatting."""
from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from lmlib import survival_report as sr  # noqa: E402
from lmlib.codebook import Codebook, load_codebook  # noqa: E402
from lmlib.cohort import load_cohort  # noqa: E402
from lmlib.problems import InputError  # noqa: E402
from lmlib.survival import DAYS_PER_MONTH, logrank_trend, spss_median  # noqa: E402

SUMMARY_REQUIRED = ["section", "item", "level", "n", "events", "censored", "median", "median_se_spss",
                    "median_lower_spss", "median_upper_spss", "median_lower_loglog", "median_upper_loglog",
                    "median_lower_log", "median_upper_log", "mean_spss", "rmst", "followup_median", "display"]
CSV_REQUIRED = {
    "survival_summary.csv": SUMMARY_REQUIRED,
    "survival_landmarks.csv": ["section", "item", "level", "landmark_days", "landmark_months", "at_risk", "survival",
                               "lower", "upper", "display"],
    "survival_groups.csv": ["section", "item", "test", "applicable", "chi2", "df", "p", "display"],
    "survival_cox.csv": ["section", "item", "level", "hr", "lower", "upper", "p", "ph_p", "events_per_variable",
                         "exploratory", "display"],
    "survival_risk_table.csv": ["section", "item", "level", "unit", "time", "at_risk", "censored", "events"],
}


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def cohort(codebook):
    return load_cohort(None, codebook)


@pytest.fixture(scope="module")
def report(cohort, codebook):
    return sr.build(cohort.data, codebook, lang="en", time_unit="months")


def half_up(x: float, places: int) -> str:
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def censored_only(n: int = 5) -> pd.DataFrame:
    return pd.DataFrame({"survival_days": [10.0 * (i + 1) for i in range(n)], "death": [False] * n,
                         "treatment": pd.Categorical(["chemotherapy", "none"] * (n // 2) + ["chemotherapy"] * (n % 2))})


# ------------------------------------------------------------------------------ the headline

def test_headline_gives_the_papers_median_with_the_ci_rounded_half_away_from_zero(report, cohort):
    est = spss_median(cohort.data["survival_days"], cohort.data["death"].astype(bool))
    assert est.estimate == 30 and est.se == pytest.approx(9.543, abs=5e-4)
    expected = f"{est.estimate:.0f} days (SE {half_up(est.se, 1)}; 95% CI {half_up(est.lower, 1)}–{half_up(est.upper, 1)}"
    line = sr.headline(report)
    assert expected in line
    assert "30 days (SE 9.5; 95% CI 11.3–48.7" in line and "±" not in line.split("SPSS convention")[0]
    assert "SPSS convention" in line and "1.96" in line
    assert "n = 32, 26 deaths, 6 censored" in line


def test_headline_in_turkish_uses_turkish_words_and_a_decimal_point(cohort, codebook):
    line = sr.headline(sr.build(cohort.data, codebook, lang="tr"))
    assert line.startswith("Genel medyan sağkalım: 30 gün (SH 9.5; %95 GA 11.3–48.7; SPSS yaklaşımı")
    assert "26 eksitus, 6 sansürlü" in line


def test_headline_in_months_converts_with_30_4375_days(report, cohort):
    est = spss_median(cohort.data["survival_days"] / DAYS_PER_MONTH, cohort.data["death"].astype(bool))
    line = sr.headline(report)
    assert "In months (1 month = 30.4375 days)" in line
    assert f"{half_up(est.estimate, 1)} months (SE {half_up(est.se, 1)}; 95% CI {half_up(est.lower, 1)}–" in line


def test_headline_says_not_reached_when_every_patient_is_censored():
    rep = sr.build(censored_only(), None, group_by="treatment")
    assert "not reached" in sr.headline(rep)
    assert "n = 5, 0 deaths, 5 censored" in sr.headline(rep)


def test_median_of_fractional_days_keeps_its_decimals():
    data = pd.DataFrame({"survival_days": [1.5, 2.5, 3.5, 4.5, 5.5, 6.5], "death": [True] * 6})
    rep = sr.build(data, None, group_by="")
    assert sr.headline(rep).startswith("Median overall survival: 3.5 days (SE ")


# ------------------------------------------------------------------------------ tables

def test_summary_has_both_median_conventions_overall_and_per_group(report, cohort):
    s = report.summary
    assert set(SUMMARY_REQUIRED) <= set(s.columns)
    overall = s[(s["item"] == "overall_survival") & (s["unit"] == "days")].iloc[0]
    assert overall["level"] == "overall" and overall["section"] == "survival"
    assert (overall["n"], overall["events"], overall["censored"]) == (32, 26, 6)
    assert overall["median_lower_spss"] == pytest.approx(30 - 1.96 * overall["median_se_spss"])
    assert (overall["median_lower_loglog"], overall["median_upper_loglog"]) == (19, 56)
    treatment = s[(s["item"] == "treatment") & (s["unit"] == "days")]
    assert treatment["level"].tolist() == ["chemotherapy", "chemoradiotherapy", "none"]
    assert treatment["n"].sum() == 32
    assert treatment["expected_events"].sum() == pytest.approx(26)


def test_months_rows_are_the_days_rows_divided_by_30_4375(report):
    s = report.summary
    days = s[s["unit"] == "days"].reset_index(drop=True)
    months = s[s["unit"] == "months"].reset_index(drop=True)
    for col in ("median", "median_se_spss", "median_lower_spss", "mean_spss", "rmst", "median_upper_loglog"):
        assert np.allclose(months[col], days[col] / DAYS_PER_MONTH, equal_nan=True), col
    lm = report.landmarks
    assert np.allclose(lm["landmark_months"], lm["landmark_days"] / DAYS_PER_MONTH)


def test_landmarks_overall_are_kaplan_meier_values_with_turkish_percent(cohort, codebook):
    rep = sr.build(cohort.data, codebook, lang="tr", landmarks="30, 90")
    lm = rep.landmarks[rep.landmarks["item"] == "overall_survival"]
    assert lm["landmark_days"].tolist() == [30, 90]
    assert lm["at_risk"].tolist() == [14, 4]
    assert lm["display"].iloc[0].startswith("%49.8 (")


def test_trend_test_is_not_applicable_unless_the_codebook_orders_the_levels(report, cohort, codebook):
    groups = report.comparisons
    trend = groups[(groups["item"] == "treatment") & (groups["test"] == "log-rank trend")].iloc[0]
    assert not trend["applicable"] and math.isnan(trend["p"])
    assert "not applicable" in trend["display"]
    spec = copy.deepcopy(codebook.spec)
    for var in spec["variables"]:
        if var["name"] == "treatment":
            var["ordered"] = True
    ordered = Codebook(spec)
    rep = sr.build(cohort.data, ordered, group_by="treatment")
    trend = rep.comparisons[rep.comparisons["test"] == "log-rank trend"].iloc[0]
    expected = logrank_trend(cohort.data, "survival_days", "death", "treatment",
                             order=["chemotherapy", "chemoradiotherapy", "none"])
    assert trend["applicable"] and trend["chi2"] == pytest.approx(expected.chi2)


def test_logrank_matches_the_survival_module(report):
    row = report.comparisons[(report.comparisons["item"] == "treatment") & (report.comparisons["test"] == "log-rank")]
    assert row["chi2"].item() == pytest.approx(7.079, abs=1e-3) and row["df"].item() == 2
    assert "χ² = 7.08, df = 2, p = 0.029" in row["display"].item()


def test_cox_is_flagged_exploratory_below_ten_events_per_variable(report):
    cox = report.cox
    site = cox[cox["item"] == "primary_site"]
    assert site["exploratory"].all() and site["events_per_variable"].iloc[0] == pytest.approx(26 / 5)
    assert not cox[cox["item"] == "treatment"]["exploratory"].any()
    assert sr.cox_flags(report, "primary_site").startswith("Exploratory: 5.2 events per variable")
    ref = cox[(cox["item"] == "treatment") & cox["reference"].astype(bool)].iloc[0]
    assert ref["level"] == "chemotherapy" and ref["hr"] == 1
    none = cox[(cox["item"] == "treatment") & (cox["level"] == "none")].iloc[0]
    assert none["display"] == "4.82 (1.25–18.63)" and 0 <= none["ph_p"] <= 1


def test_a_level_without_deaths_gets_no_hazard_ratio_and_the_others_keep_theirs():
    data = pd.DataFrame({"survival_days": [5.0, 20, 8, 12, 30, 40, 50, 60, 25, 35],
                         "death": [True] * 4 + [False] * 6,
                         "grp": ["x", "x", "y", "y", "z", "z", "z", "z", "x", "y"]})
    cox = sr.build(data, None, group_by="grp").cox.set_index("level")
    assert not cox.loc["z", "estimable"] and math.isnan(cox.loc["z", "hr"])
    assert cox.loc["z", "display"] == "not estimable (no deaths in this level)"
    assert cox.loc["y", "estimable"] and 0 < cox.loc["y", "lower"] < cox.loc["y", "hr"] < cox.loc["y", "upper"]


def test_separated_groups_give_not_estimable_rather_than_an_infinite_interval():
    # every death in group y comes before any in x: the partial likelihood has no maximum
    data = pd.DataFrame({"survival_days": [1.0, 2, 10, 12, 20], "death": [True] * 4 + [False],
                         "grp": ["y", "y", "x", "x", "x"]})
    row = sr.build(data, None, group_by="grp").cox.set_index("level").loc["y"]
    assert not row["estimable"] and math.isnan(row["hr"]) and math.isnan(row["upper"])
    assert row["display"].startswith("not estimable")


def test_everything_censored_gives_not_estimable_comparisons_not_errors():
    rep = sr.build(censored_only(), None, group_by="treatment")
    lr = rep.comparisons[rep.comparisons["test"] == "log-rank"].iloc[0]
    assert math.isnan(lr["p"]) and "no deaths" in lr["display"]
    assert not rep.cox["estimable"].iloc[0] and "not estimable" in rep.cox["display"].iloc[0]
    assert "not estimable" in sr.rmst_text(rep)
    assert "not reached" in sr.summary_styler(rep).data.to_string()


def test_boolean_groupings_are_labelled_yes_and_no(cohort, codebook):
    rep = sr.build(cohort.data, codebook, group_by="hydrocephalus")
    levels = rep.summary[rep.summary["item"] == "hydrocephalus"]
    assert levels["level"].tolist() == ["no", "yes"] and levels["label"].tolist() == ["No", "Yes"]


def test_unknown_or_continuous_group_by_is_refused_with_its_name(cohort):
    with pytest.raises(InputError, match="'nonexistent'"):
        sr.build(cohort.data, None, group_by="nonexistent")
    with pytest.raises(InputError, match="'age'"):
        sr.build(cohort.data, None, group_by="age")


@pytest.mark.parametrize("bad", [dict(time_unit="years"), dict(lang="de"), dict(landmarks="30,x"), dict(cox="age,nonsense"),
                                 dict(landmark="30,60"), dict(adjust="bonferroni"), dict(tau_days=0)])
def test_bad_parameters_are_refused_with_a_message_for_the_user(cohort, bad):
    with pytest.raises(InputError):
        sr.build(cohort.data, None, **bad)


def test_parse_times_accepts_commas_semicolons_and_spaces():
    assert sr.parse_times("30, 90;180 365") == [30, 90, 180, 365]
    assert sr.parse_times("") == [] and sr.parse_names(" treatment, ,sex ") == ["treatment", "sex"]


def test_input_data_not_modified(cohort, codebook):
    before = cohort.data.copy()
    sr.build(cohort.data, codebook, group_by="treatment,primary_site,hydrocephalus")
    pd.testing.assert_frame_equal(cohort.data, before)


# ------------------------------------------------------------------------------ CSV and figure

def test_write_tables_writes_five_tidy_csvs_with_the_required_columns_and_those_the_report_has(report, tmp_path):
    from lmlib.survival_report.section import OPTIONAL_CSV_NAMES

    files = sr.write_tables(report, tmp_path / "tables")
    names = {p.name for p in files.values()}
    assert set(CSV_REQUIRED) <= names  # pairwise and RMST: the report compares groups of three or more
    assert names - set(CSV_REQUIRED) == {OPTIONAL_CSV_NAMES["pairwise"], OPTIONAL_CSV_NAMES["rmst"]}
    for name, columns in CSV_REQUIRED.items():
        frame = pd.read_csv(tmp_path / "tables" / name, keep_default_na=False)
        assert set(columns) <= set(frame.columns), name
        assert frame.columns[:3].tolist() == ["section", "item", "level"]
        assert (frame["section"] == "survival").all() and len(frame)
    summary = pd.read_csv(tmp_path / "tables" / "survival_summary.csv")
    overall = summary[(summary["item"] == "overall_survival") & (summary["unit"] == "days")]
    assert overall["display"].item() == "30 days (SE 9.5; 95% CI 11.3–48.7)"
    assert not list(tmp_path.glob("tables/.*.tmp"))


def test_risk_table_csv_is_the_table_drawn_under_the_figure(report):
    km = sr.km_figure(report)
    drawn = km.table.reset_index()
    written = report.risk[(report.risk["item"] == "overall_survival") & (report.risk["unit"] == "days")]
    assert written["time"].tolist() == drawn["time"].tolist()
    for col in ("at_risk", "censored", "events"):
        assert written[col].tolist() == drawn[col].tolist()
    assert written["at_risk"].iloc[0] == 32 and written["events"].iloc[-1] == 26
    assert [t.get_text() for t in km.table_ax.get_yticklabels()] == ["At risk", "Censored", "Deaths"]
    matplotlib.pyplot.close(km.figure)


def test_risk_times_parameter_sets_the_ticks_and_the_table(cohort, codebook):
    rep = sr.build(cohort.data, codebook, lang="tr", group_by="treatment", risk_times="0,60,120")
    km = sr.km_figure(rep, "treatment")
    assert km.ax.get_xticks().tolist() == [0, 60, 120]
    rows = rep.risk[rep.risk["item"] == "treatment"]
    assert sorted(set(rows["time"])) == [0, 60, 120]
    labels = [t.get_text() for t in km.table_ax.get_yticklabels()]
    assert labels[:4] == ["KT", "Risk altında", "Sansürlü", "Eksitus"]  # the group, then its rows
    matplotlib.pyplot.close(km.figure)


# ------------------------------------------------------------------------------ numbers first

def test_each_grouping_is_converted_once_and_switching_language_refits_nothing(cohort, codebook, monkeypatch):
    from lmlib.survival_report import numbers

    conversions, fits = [], []
    convert, fit = numbers.survival_frame, numbers.cox_model
    monkeypatch.setattr(numbers, "survival_frame", lambda *a, **k: conversions.append(a[3:4]) or convert(*a, **k))
    monkeypatch.setattr(numbers, "cox_model", lambda *a, **k: fits.append(1) or fit(*a, **k))
    rep = sr.build(cohort.data, codebook, group_by="treatment,primary_site", time_unit="months")
    assert sorted(map(str, conversions)) == sorted(["(None,)", "('treatment',)", "('primary_site',)"]) and len(fits) == 2
    english = sr.headline(rep)
    turkish = rep.with_style(lang="tr", decimal_mark=",")
    assert sr.headline(turkish).startswith("Genel medyan sağkalım: 30 gün (SH 9,5") and english.startswith("Median")
    sr.cox_styler(turkish).to_html(), sr.summary_styler(turkish, "treatment").to_docx()
    assert len(conversions) == 3 and len(fits) == 2  # nothing computed again
    pd.testing.assert_frame_equal(turkish.summary.select_dtypes("number"), rep.summary.select_dtypes("number"))
