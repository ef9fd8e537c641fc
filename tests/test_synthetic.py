"""The synthetic cohort reproduces every number the paper publishes, through the user's path.

Counts here are computed with plain pandas, independently of lmlib's table code, and
compared with data/published.yaml (the paper's numbers as printed).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lmlib import config
from lmlib.cohort import load_cohort, load_screening
from lmlib.survival import spss_median
from lmlib.synthetic import DATA_CUT, export_bytes, generate_cohort, generate_screening, load_published, to_hospital_export

PUBLISHED = load_published()


@pytest.fixture(scope="module")
def cohort():
    return load_cohort(config.SYNTHETIC_COHORT, data_cut=DATA_CUT.isoformat())


def round_half_up(x: float, decimals: int) -> float:
    return math.floor(x * 10**decimals + 0.5 + 1e-9) / 10**decimals


def count(data: pd.DataFrame, item: str, level: str) -> int:
    if item == "n_patients":
        return len(data)
    if item == "histology":
        site, histology = level.split(":")
        return int(((data["primary_site"] == site) & (data["histology"] == histology)).sum())
    if item in ("symptoms", "metastases"):
        return int(data[f"{item}_{level}"].sum())
    if item == "cranial_nerve_groups":
        return int(data[level].sum())
    if level == "yes":
        return int(data[item].sum())
    return int((data[item].astype(object) == level).sum())


def test_the_committed_files_are_exactly_what_the_generator_makes():
    cohort = generate_cohort()
    assert config.SYNTHETIC_COHORT.read_bytes() == export_bytes(to_hospital_export(cohort))
    assert config.SYNTHETIC_SCREENING.read_bytes() == export_bytes(generate_screening(cohort))


def test_the_synthetic_cohort_loads_without_any_error(cohort):
    assert cohort.errors.empty
    assert cohort.is_synthetic and cohort.n == PUBLISHED["n"] == 32


@pytest.mark.parametrize("entry", PUBLISHED["counts"], ids=lambda e: f"{e['item']}={e.get('level', '')}")
def test_every_published_count_is_reproduced(cohort, entry):
    assert count(cohort.data, entry["item"], str(entry.get("level", ""))) == entry["n"]


@pytest.mark.parametrize("entry", [e for e in PUBLISHED["counts"] if "percent" in e and e["item"] != "vital_status"],
                         ids=lambda e: f"{e['item']}={e.get('level', '')}")
def test_every_published_percentage_of_32_rounds_as_printed_except_the_cn_7_8_misprint(cohort, entry):
    percent = round_half_up(100 * count(cohort.data, entry["item"], str(entry["level"])) / 32, 1)
    if entry["level"] == "cn_group_7_8":
        assert (percent, entry["percent"]) == (9.4, 6.3)  # the paper's own inconsistency
    else:
        assert percent == entry["percent"]


def test_deaths_are_all_of_the_26_patients_still_followed(cohort):
    data = cohort.data
    followed = ~data["lost_to_follow_up"].astype(bool)
    assert int(followed.sum()) == 26 and bool(data.loc[followed, "death"].all())
    lost = data[data["lost_to_follow_up"].astype(bool)]
    assert len(lost) == 6 and not lost["death"].any()
    assert (lost["treatment"] != "none").all()  # lost to follow-up after treatment


def test_age_prints_as_published(cohort):
    age = cohort.data["age"]
    assert round_half_up(age.mean(), 1) == 55.4
    assert round(age.std(ddof=1)) == 12 and abs(age.std(ddof=1) - 12) < 0.05
    assert (age.min(), age.max()) == (29, 75)
    assert (age == age.round()).all()


def test_kaplan_meier_median_and_spss_se_print_as_published(cohort):
    data = cohort.data
    median = spss_median(data["survival_days"], data["death"].astype(bool))
    assert median.estimate == 30
    assert 9.541 <= median.se < 9.55 and f"{median.se:.1f}" == "9.5"
    # the paper's CI 11.2-48.7 is 30 -/+ 1.96 SE truncated to one decimal
    assert math.floor(median.lower * 10) / 10 == 11.2 and math.floor(median.upper * 10) / 10 == 48.7


def test_the_four_figure_caption_patients_are_present(cohort):
    data = cohort.data
    for case in PUBLISHED["cases"]:
        match = data
        for key in ("age", "sex", "primary_site", "histology", "lm_location", "enhancement_pattern"):
            match = match[match[key].astype(object) == case[key]]
        assert len(match) >= 1, case["figure"]
        if case.get("hydrocephalus"):
            assert match["hydrocephalus"].any()
        if "cranial_nerves_bilateral" in case:
            nerves = match[[f"cn_{n}" for n in case["cranial_nerves_bilateral"]]]
            assert (nerves == "bilateral").all(axis=1).any()


def test_cranial_nerves_are_involved_only_in_lung_and_breast(cohort):
    data = cohort.data
    assert set(data.loc[data["cn_any"].astype(bool), "primary_site"]) <= {"lung", "breast"}


def test_isolated_lm_is_exactly_the_patients_without_any_accompanying_metastasis(cohort):
    data = cohort.data
    none = ~(data["metastases_parenchyma"] | data["metastases_dura"] | data["metastases_calvarium"]).astype(bool)
    assert (data["isolated_lm"].astype(bool) == none).all() and int(none.sum()) == 4


def test_subependymal_nodules_in_the_histologies_of_figure_4(cohort):
    data = cohort.data
    shown = set(data.loc[data["subependymal_nodules"].astype(bool), "histology"])
    assert set(PUBLISHED["subependymal_histologies"]) <= shown


def test_breast_and_ovary_patients_are_women_and_dates_lie_in_the_study_period(cohort):
    data = cohort.data
    assert (data.loc[data["primary_site"].isin(["breast", "ovary"]), "sex"] == "female").all()
    assert data["lm_diagnosis_date"].min() >= pd.Timestamp("2015-01-31")
    assert data["lm_diagnosis_date"].max() <= pd.Timestamp("2018-04-27")
    assert data["last_contact_date"].max() <= pd.Timestamp(DATA_CUT)


def test_the_export_has_blank_cells_the_cleaner_must_handle():
    raw = pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert (raw == "").sum().sum() > 100
    assert "Cinsiyet" in raw.columns and raw["LM tanı tarihi"].str.match(r"\d\d\.\d\d\.\d{4}$").all()


def test_the_screening_log_reproduces_the_flow():
    screening = load_screening().data
    flow = {f["item"]: f["n"] for f in PUBLISHED["flow"]}
    assert len(screening) == flow["screened"]
    assert int((~screening["included"].astype(bool)).sum()) == flow["excluded"]
    assert (screening.loc[~screening["included"].astype(bool), "exclusion_reason"] == "haematological_malignancy").all()
    assert int(screening["included"].sum()) == flow["included"]


def test_another_seed_gives_another_cohort_with_the_same_counts():
    other = generate_cohort(seed=7)
    assert not other["age"].equals(generate_cohort()["age"])
    assert int((other["lm_location"] == "both").sum()) == 16
    assert spss_median(other["survival_days"], other["vital_status"] == "dead").estimate == 30
