"""The one number formatter (lmlib.present.numbers): one rounding rule for every table, sentence and
command, the decimal mark, and p-values; checked against rounding written here on decimal text."""
from __future__ import annotations

import math
import subprocess
import sys

from hypothesis import given, strategies as st
import numpy as np
import pandas as pd
import pytest

from lmlib import formatting
from lmlib.present import numbers
from lmlib.present.numbers import Style, fmt_n_percent, fmt_number, fmt_p, fmt_percent
from lmlib.report.settings import SettingsError, read_settings
from lmlib.survival import formatting as survival_formatting


def half_away_by_hand(text: str, decimals: int) -> str:
    """Round a decimal string half away from zero by digit arithmetic (no Decimal, no float)."""
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    frac = frac.ljust(decimals + 1, "0")
    kept, next_digit = whole + frac[:decimals], int(frac[decimals])
    value = int(kept) + (1 if next_digit >= 5 else 0)
    digits = str(value).rjust(decimals + 1, "0")
    out = digits[:-decimals] + "." + digits[-decimals:] if decimals else digits
    return ("-" if negative and value else "") + out


@pytest.mark.parametrize("value, expected", [(9.25, "9.3"), (30.45, "30.5"), (6.25, "6.3"), (0.05, "0.1"),
                                             (2.675, "2.7"), (-2.45, "-2.5")])
def test_the_survival_command_and_the_tables_round_a_tie_the_same_way_away_from_zero(value, expected):
    assert formatting.fmt_number(value, 1) == expected
    assert survival_formatting.fmt_number(value, 1) == expected  # was "9.2" and "30.4" (binary, half-even)
    assert fmt_number(value, 1) == expected


@given(st.integers(min_value=-10**7, max_value=10**7), st.integers(min_value=1, max_value=4))
def test_rounding_equals_digit_arithmetic_on_the_printed_value(scaled, decimals):
    text = f"{scaled / 10 ** (decimals + 1):.{decimals + 1}f}"  # e.g. "9.25": one more digit than shown
    assert fmt_number(float(text), decimals) == half_away_by_hand(text, decimals)


def test_the_survival_command_prints_the_summary_with_the_one_rule():
    summary = pd.DataFrame([{"n": 4.0, "events": 2.0, "median": 9.25, "median_reached": True, "median_se_spss": 30.45,
                             "median_lower_spss": -50.432, "median_upper_spss": 69.0, "median_lower_loglog": 2.25,
                             "median_upper_loglog": math.nan, "median_lower_log": 2.0, "median_upper_log": 12.35,
                             "mean_spss": 10.05, "mean_se_spss": 1.25}], index=["Overall"])
    row = survival_formatting.format_summary(summary).loc["Overall"]
    assert (row["median"], row["SE (SPSS)"]) == ("9.3", "30.5")
    assert row["95% CI (log-log)"] == "2.3–not reached" and row["95% CI (log)"] == "2.0–12.4"
    assert (row["mean (SPSS)"], row["SE of mean"]) == ("10.1", "1.3")
    assert "±" not in row.to_string()


def test_the_survival_command_never_prints_a_p_value_of_zero(tmp_path):
    days = list(range(1, 41))
    frame = pd.DataFrame({"days": days, "dead": 1, "arm": ["a"] * 20 + ["b"] * 20})
    frame.to_csv(tmp_path / "x.csv", index=False)
    out = subprocess.run([sys.executable, "-m", "lmlib", "survival", str(tmp_path / "x.csv"), "--time", "days",
                          "--event", "dead", "--group", "arm"], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("Log-rank"))
    assert line.endswith("p < 0.001") and "0.0000" not in out


@pytest.mark.parametrize("p, expected", [(0.0004, "< 0.001"), (0.000999, "< 0.001"), (0.001, "0.001"),
                                         (0.0495, "0.050"), (0.9999, "1.000"), (math.nan, "—")])
def test_p_values_have_three_decimals_and_a_floor_never_zero(p, expected):
    assert fmt_p(p) == expected


def test_p_in_a_sentence_reads_p_equals_or_p_below():
    assert numbers.p_text(0.0123) == "p = 0.012" and numbers.p_text(1e-9) == "p < 0.001"


def test_a_decimal_comma_is_used_for_every_number_when_asked():
    assert fmt_number(55.40625, 1, ",") == "55,4"
    assert fmt_percent(53.125, 1, "tr", mark=",") == "%53,1" and fmt_percent(53.125, 1, "en", mark=",") == "53,1%"
    assert fmt_n_percent(17, 32, 1, "tr", mark=",") == "17 (%53,1)"
    assert fmt_p(0.0004, mark=",") == "< 0,001" and fmt_p(0.0482, mark=",") == "0,048"
    assert numbers.fmt_mean_sd(55.40625, 11.9996, 29, 75, 1, 0, ",") == "55,4 ± 12,0 (29–75)"
    style = Style("tr", 1, ",")
    assert (style.number(30.45), style.percent(6.25), style.p_text(0.03)) == ("30,5", "%6,3", "p = 0,030")


def test_a_decimal_point_is_the_default_in_both_languages_as_the_paper_prints():
    assert Style("tr").n_percent(17, 32) == "17 (%53.1)" and Style("en").n_percent(17, 32) == "17 (53.1%)"


def test_an_unknown_decimal_mark_or_language_is_refused():
    with pytest.raises(ValueError, match="decimal mark"):
        fmt_number(1.5, 1, ";")
    with pytest.raises(ValueError, match="language"):
        Style("de")


def test_counts_are_printed_in_full_and_small_ones_as_less_than_k_under_the_rule():
    assert numbers.fmt_count(1_000_000.0) == "1000000" and numbers.fmt_count(np.int64(32)) == "32"
    assert numbers.fmt_count(2.5, ",") == "2,5"
    assert Style(suppress_below=5).count(3) == "<5" and Style(suppress_below=5).count(0) == "0"


def test_missing_values_print_a_dash_and_negative_zero_prints_zero():
    assert fmt_number(None) == "—" and fmt_number(pd.NA) == "—" and fmt_number(np.float32("nan")) == "—"
    assert fmt_number(-0.04, 1) == "0.0"


def test_the_data_cut_month_comes_from_the_catalog_in_both_languages():
    assert numbers.fmt_month("2018-12-31", "en") == "December 2018"
    assert numbers.fmt_month(pd.Timestamp("2018-02-01"), "tr") == "Şubat 2018"
    assert numbers.fmt_month("", "tr") == ""


def test_the_decimal_mark_setting_goes_through_the_settings_registry():
    assert read_settings({"LM_DECIMAL_MARK": ","})["DECIMAL_MARK"] == ","
    assert read_settings({})["DECIMAL_MARK"] == "."
    with pytest.raises(SettingsError, match="DECIMAL_MARK=';'"):
        read_settings({"LM_DECIMAL_MARK": ";"})


def test_exact_percentages_are_computed_before_rounding():
    assert str(numbers.exact_percent(1, 3)).startswith("33.333333333333333333333333")  # 40 digits, no float
    assert fmt_n_percent(1, 8, 1) == "1 (12.5%)" and fmt_n_percent(1, 16, 1) == "1 (6.3%)"  # 6.25 -> 6.3
