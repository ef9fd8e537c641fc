"""Each self-consistency rule on small hand-made examples, a passing and a failing one."""
from __future__ import annotations

from decimal import Decimal

import pytest

from lmlib.audit.consistency import (
    check_ci, check_continuous, check_flow, check_level_sums, check_percentages, check_published,
    check_subgroups, grim, round_half_up,
)
from lmlib.synthetic import load_published


def status(rows):
    return [r["status"] for r in rows]


def count(item, level, n, denominator=32, percent=None, **extra):
    return dict(item=item, level=level, n=n, denominator=denominator, percent=percent, **extra)


def test_round_half_up_rounds_ties_away_from_zero_on_the_decimal_value():
    assert round_half_up(6.25, 1) == Decimal("6.3") and round_half_up(2.675, 2) == Decimal("2.68")


def test_a_correctly_rounded_percentage_passes_and_a_wrong_one_names_the_likely_count():
    good = check_percentages([count("sex", "female", 12, percent=37.5), count("x", "a", 8, percent=25)])
    assert status(good) == ["consistent", "consistent"]
    bad = check_percentages([count("cn", "7_8", 3, percent=6.3)])[0]
    assert bad["status"] == "inconsistent"
    assert "6.3% is 2/32" in bad["explanation"] and "N = 48" in bad["explanation"]
    assert bad["likely_intended"] == "9.4% (n = 3)"


def test_a_truncated_percentage_is_recognised_as_truncation():
    assert status(check_percentages([count("x", "a", 5, percent=15.6), count("x", "b", 1, denominator=3, percent=33.3),
                                      count("x", "c", 2, denominator=3, percent=66.6)])) == \
        ["consistent", "consistent", "consistent_truncated"]


def test_exclusive_levels_must_add_up_to_the_denominator():
    ok = check_level_sums([count("loc", "a", 3, percent=9.4), count("loc", "b", 13, percent=40.6),
                           count("loc", "c", 16, percent=50)])
    assert status(ok) == ["consistent"]
    short = check_level_sums([count("loc", "a", 3, percent=9.4), count("loc", "b", 13, percent=40.6)])
    assert status(short) == ["inconsistent"] and "16 patient(s) unaccounted" in short[0]["explanation"]


def test_percentages_of_exclusive_levels_must_add_up_to_100_within_rounding():
    bad = check_level_sums([count("t", "a", 16, percent=60), count("t", "b", 16, percent=50)])
    assert status(bad) == ["inconsistent"]


def test_levels_adding_up_beyond_n_must_be_marked_multi_response():
    unmarked = check_level_sums([count("sym", "a", 32, percent=100), count("sym", "b", 17, percent=53.1)])
    assert status(unmarked) == ["inconsistent"] and "not marked multi-response" in unmarked[0]["explanation"]
    marked = check_level_sums([count("sym", "a", 32, percent=100, multi_response=True),
                               count("sym", "b", 17, percent=53.1, multi_response=True)])
    assert status(marked) == ["consistent"]


def test_nested_counts_must_add_up_to_their_parent_and_groups_fit_in_their_parent():
    site = [count("site", "lung", 17), count("hist", "lung:adeno", 12), count("hist", "lung:sclc", 5)]
    assert status(check_subgroups(site)) == ["consistent"]
    site[2]["n"] = 6
    assert status(check_subgroups(site)) == ["inconsistent"]
    groups = [count("cn_any", "yes", 4), count("cn_groups", "g1", 3), count("cn_groups", "g2", 5)]
    assert status(check_subgroups(groups, {"cn_groups": "cn_any"})) == ["consistent", "inconsistent"]


def test_grim_accepts_possible_means_and_rejects_impossible_ones():
    assert grim(55.4, 32, 1)  # 1772/32 = 55.375, 1773/32 = 55.41
    assert not grim(5.19, 28, 2)  # Brown & Heathers' example: no total of 28 integers gives 5.19
    rows = check_continuous([dict(item="age", mean=55.4, sd=12, min=29, max=75)], 32)
    assert status(rows) == ["consistent"]
    rows = check_continuous([dict(item="age", mean=55.4, sd=30, min=29, max=75)], 32)
    assert status(rows) == ["inconsistent"] and "largest possible" in rows[0]["explanation"]


def test_an_estimate_se_and_ci_that_agree_under_rounding_pass():
    row = check_ci([dict(item="m", median=30, se=9.5, ci_low=11.4, ci_high=48.6)])[0]
    assert row["status"] == "consistent"


def test_the_papers_median_ci_fits_only_truncated_bounds():
    row = check_ci([dict(item="m", median=30, se=9.5, ci_low=11.2, ci_high=48.7)])[0]
    assert row["status"] == "consistent_truncated" and "9.5408" in row["explanation"]


def test_a_ci_that_fits_neither_rounding_nor_truncation_fails():
    row = check_ci([dict(item="m", median=30, se=9.5, ci_low=5.0, ci_high=48.7)])[0]
    assert row["status"] == "inconsistent"


def test_flow_and_events_must_add_up():
    good = dict(n=32, flow=[dict(item="screened", n=78), dict(item="excluded", n=46), dict(item="included", n=32)],
                survival=[dict(item="m", events=26, censored=6)])
    assert status(check_flow(good)) == ["consistent", "consistent"]
    good["flow"][1]["n"] = 40
    good["survival"][0]["censored"] = 5
    assert status(check_flow(good)) == ["inconsistent", "inconsistent"]


def test_the_paper_has_exactly_its_two_known_inconsistencies():
    findings = check_published(load_published())
    assert (findings["rule"] == "subgroup").sum() >= 5  # histology nesting and the CN groups
    flagged = findings[findings["status"].isin(["inconsistent", "consistent_truncated"])]
    assert sorted(zip(flagged["rule"], flagged["item"])) == [("ci", "median_survival"),
                                                             ("percent_rounding", "cranial_nerve_groups")]
    assert (findings["explanation"].str.len() > 20).all()
