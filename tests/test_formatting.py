"""Numbers into strings: half-away-from-zero rounding, percent styles, cells and footnotes."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lmlib import formatting as f
from lmlib.cohort import load_cohort
from lmlib.tables import table1, table2


@pytest.fixture(scope="module")
def cohort():
    return load_cohort()


@pytest.mark.parametrize("value, decimals, expected", [
    (0.125, 2, 0.13),     # half away from zero, not banker's 0.12
    (53.125, 1, 53.1),    # not a tie at one decimal
    (0.05, 1, 0.1),
    (2.675, 2, 2.68),     # float repr trap: 2.675 is stored as 2.67499999...
    (15.625, 1, 15.6),
    (9.375, 1, 9.4),
    (34.375, 1, 34.4),
    (56.25, 1, 56.3),     # the paper's 56.3 (18/32)
    (6.25, 1, 6.3),       # the paper's 6.3 (2/32); Python's round gives 6.2
    (-2.5, 0, -3.0),      # away from zero on the negative side too
    (0.5, 0, 1.0),
    (1.005, 2, 1.01),     # another repr trap (binary 1.00499999...)
])
def test_round_half_away_rounds_ties_away_from_zero(value, decimals, expected):
    assert f.round_half_away(value, decimals) == expected


def test_round_half_away_differs_from_python_round_on_the_papers_ties():
    assert round(6.25, 1) == 6.2 and f.round_half_away(6.25, 1) == 6.3
    assert round(2.675, 2) == 2.67 and f.round_half_away(2.675, 2) == 2.68


def test_round_half_away_accepts_numpy_floats_and_keeps_nan():
    assert f.round_half_away(np.float64(2.675), 2) == 2.68
    assert f.fmt_number(np.float64(2.675), 2) == "2.68"
    assert math.isnan(f.round_half_away(float("nan"), 1))


@pytest.mark.parametrize("value, decimals, text", [
    (12, 1, "12.0"), (11.9996, 1, "12.0"), (11.9996, 0, "12"), (0.125, 2, "0.13"), (-0.04, 1, "0.0"), (29.0, 0, "29"),
])
def test_fmt_number_keeps_exactly_the_requested_decimals(value, decimals, text):
    assert f.fmt_number(value, decimals) == text


@pytest.mark.parametrize("p, lang, trim, text", [
    (53.125, "en", False, "53.1%"), (53.125, "tr", False, "%53.1"),
    (25.0, "en", False, "25.0%"), (25.0, "tr", True, "%25"), (100.0, "en", True, "100%"),
    (6.25, "tr", False, "%6.3"),
])
def test_fmt_percent_english_suffix_turkish_prefix(p, lang, trim, text):
    assert f.fmt_percent(p, 1, lang, trim=trim) == text


def test_fmt_percent_rejects_an_unknown_language():
    with pytest.raises(ValueError, match="language"):
        f.fmt_percent(10, 1, "de")


@pytest.mark.parametrize("n, d, lang, text", [
    (17, 32, "en", "17 (53.1%)"), (17, 32, "tr", "17 (%53.1)"), (2, 32, "en", "2 (6.3%)"),
    (18, 32, "tr", "18 (%56.3)"), (3, 32, "en", "3 (9.4%)"), (1, 3, "en", "1 (33.3%)"), (0, 26, "en", "0 (0.0%)"),
])
def test_fmt_n_percent_computes_the_percentage_exactly_then_rounds(n, d, lang, text):
    assert f.fmt_n_percent(n, d, 1, lang) == text


def test_fmt_n_percent_states_the_denominator_when_asked():
    assert f.fmt_n_percent(26, 26, 1, "en", show_denominator=True) == "26/26 (100.0%)"
    assert f.fmt_n_percent(26, 26, 1, "tr", show_denominator=True) == "26/26 (%100.0)"


def test_exact_percent_has_no_binary_artefact():
    # 100 * 29 / 200 = 14.5 exactly; computed in floats as 0.145 * 100 it is 14.499999999999998
    assert 0.145 * 100 != 14.5
    assert f.fmt_n_percent(29, 200, 0) == "29 (15%)"


def test_mean_sd_range_prints_like_the_paper_with_one_more_decimal_on_the_sd():
    assert f.fmt_mean_sd(55.40625, 11.9996, 29, 75, 1, 0) == "55.4 ± 12.0 (29–75)"
    assert f.fmt_mean_sd(55.40625, 11.9996, 29, 75, 2, 0) == "55.41 ± 12.00 (29–75)"
    assert f.fmt_median_iqr(55, 48.75, 63, 1) == "55.0 [48.8–63.0]"


def test_p_values_print_three_decimals_and_a_floor():
    assert f.fmt_p(0.0004) == "< 0.001"
    assert f.fmt_p(0.0495) == "0.050"
    assert f.fmt_p(0.7826849) == "0.783"
    assert f.fmt_p(float("nan")) == f.MISSING


def test_table1_age_cell_is_the_papers_display_at_one_more_decimal(cohort):
    shown = f.add_display(table1(cohort.data), decimals=1)
    assert shown.loc[shown["item"] == "age", "display"].item() == "55.4 ± 12.0 (29–75)"
    shown = f.add_display(table1(cohort.data), decimals=2)
    assert shown.loc[shown["item"] == "age", "display"].item() == "55.41 ± 12.00 (29–75)"


def test_turkish_cells_put_the_percent_sign_first_and_keep_the_point(cohort):
    shown = f.add_display(table1(cohort.data, lang="tr"), lang="tr")
    lung = shown[(shown["item"] == "primary_site") & (shown["level"] == "lung")]
    assert lung["display"].item() == "17 (%53.1)"
    assert lung["label"].item() == "Akciğer"
    assert shown.loc[shown["item"] == "age", "display"].item() == "55.4 ± 12.0 (29–75)"


def test_a_differing_denominator_is_printed_in_the_cell(cohort):
    shown = f.add_display(table1(cohort.data))
    dead = shown[(shown["item"] == "vital_status") & (shown["level"] == "dead")]
    assert dead["display"].item() == "26/26 (100.0%)"
    female = shown[(shown["item"] == "sex") & (shown["level"] == "female")]
    assert female["display"].item() == "12 (37.5%)"


def test_footnotes_state_the_summary_its_source_and_the_normality_result(cohort):
    notes, marks = f.footnotes(table1(cohort.data))
    age_note = next(n for n in notes if "Age" in n)
    assert "mean ± standard deviation (range)" in age_note and "the source paper's summary of continuous data" in age_note
    assert "Shapiro–Wilk W = 0.962, p = 0.307" in age_note and "compatible with a normal distribution" in age_note
    notes, _ = f.footnotes(table1(cohort.data, summary="age=median_iqr"))
    age_note = next(n for n in notes if "Age" in n)
    assert "median [interquartile range" in age_note and "continuous_summary parameter" in age_note


def test_footnotes_state_the_denominator_rule_and_the_multi_response_percentages(cohort):
    notes, marks = f.footnotes(table1(cohort.data))
    assert any("26 patients without “Lost to follow-up” (6 left out of the denominator)" in n for n in notes)
    assert any("do not sum to 100%" in n for n in notes)
    t = table1(cohort.data).reset_index(drop=True)
    header = t.index[(t["item"] == "symptoms") & (t["kind"] == "header")][0]
    assert header in marks


def test_styler_shows_or_hides_the_ci_column(cohort):
    t = table2(cohort.data)
    shown = f.styler(t, hide_ci=False).to_html()
    hidden = f.styler(t, hide_ci=True).to_html()
    assert "95% CI" in shown and "71.9–95.0" in shown
    assert "95% CI" not in hidden and "71.9–95.0" not in hidden
    assert "28 (87.5%)" in hidden
    assert "%95 GA" in f.styler(table2(cohort.data, lang="tr"), lang="tr", hide_ci=False).to_html()


def test_formatting_does_not_modify_the_table(cohort):
    t = table1(cohort.data)
    before = t.copy()
    f.add_display(t)
    f.display_table(t, hide_ci=False)
    pd.testing.assert_frame_equal(t, before)


def test_a_continuous_variable_with_missing_values_says_so_in_its_footnote(cohort):
    data = cohort.data.copy()
    data.loc[data.index[:3], "age"] = float("nan")
    notes, _ = f.footnotes(table1(data))
    assert any("Recorded for 29 patients, missing for 3." in n for n in notes)
    notes, _ = f.footnotes(table1(cohort.data))
    assert not any("missing for" in n for n in notes)
