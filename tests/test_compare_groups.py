"""Tables 1 and 2 by group: counts against pandas on a hospital-style export, p-values against R
on the same export's raw columns (tests/data/r_oracles/hospital_cohort.csv)."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from r_oracle import DIR, close, oracle

from lmlib import group_tests as gt
from lmlib.codebook import Codebook, load_codebook
from lmlib.cohort import load_cohort
from lmlib.compare_groups import OVERALL, compare_groups

EXPORT = DIR / "hospital_cohort.csv"
TREATMENT = {"KT": "chemotherapy", "KT+RT": "chemoradiotherapy", "Tedavi almadı": "none"}
SEX = {"Kadın": "female", "Erkek": "male"}
RAW = {  # cleaned item -> (export column, export value -> level)
    "sex": ("Cinsiyet", SEX),
    "primary_site": ("Primer", {"Akciğer": "lung", "Meme": "breast", "Cilt": "skin", "Mide": "stomach", "Over": "ovary",
                                "Primeri bilinmeyen": "unknown_primary"}),
    "lm_location": ("Lokalizasyon", {"Supratentoryal": "supratentorial", "İnfratentoryal": "infratentorial",
                                     "Her ikisi": "both"}),
    "enhancement_pattern": ("Kontrastlanma paterni", {"Lineer": "linear", "Nodüler": "nodular", "Mikst": "both"}),
    "field_strength": ("MRG tesla", {"1.5T": "1.5T", "3T": "3T"}),
}


@pytest.fixture(scope="module")
def cohort():
    return load_cohort(EXPORT).data


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(EXPORT, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def by_treatment(cohort):
    return {section: compare_groups(cohort, by="treatment", section=section, adjust="bh")
            for section in ("table1", "table2")}


def rows(frame, item, level=None, group=None):
    out = frame[frame["item"] == item]
    if level is not None:
        out = out[out["level"] == level]
    if group is not None:
        out = out[out["group"] == group]
    return out


def test_counts_per_group_equal_pandas_crosstab_of_the_raw_export(by_treatment, raw):
    group = raw["Tedavi"].map(TREATMENT)
    for item, (column, levels) in RAW.items():
        frame = by_treatment["table1" if item in ("sex", "primary_site") else "table2"]
        recorded = raw[column] != ""
        table = pd.crosstab(raw.loc[recorded, column].map(levels), group[recorded])
        for level in levels.values():
            for g in TREATMENT.values():
                row = rows(frame, item, level, g).iloc[0]
                assert row["n"] == (table.loc[level, g] if level in table.index else 0), (item, level, g)
                assert row["denominator"] == table[g].sum()
        missing = rows(frame, item, "missing")
        if (~recorded).any():
            for g in TREATMENT.values():
                assert rows(missing, item, group=g)["n"].iloc[0] == int(((~recorded) & (group == g)).sum())
    sizes = rows(by_treatment["table1"], "n_patients").set_index("group")["n"]
    assert sizes.to_dict() == {**group.value_counts().to_dict(), OVERALL: len(raw)}


@pytest.mark.parametrize("section", ["table1", "table2"])
def test_the_overall_rows_are_the_ungrouped_table_of_the_row_path(cohort, by_treatment, section):
    from lmlib import tables

    overall = by_treatment[section]
    overall = overall[overall["group"] == OVERALL][list(tables.ROW_COLUMNS)].reset_index(drop=True)
    pd.testing.assert_frame_equal(overall, tables.section_table(cohort, section=section), check_exact=True)


def test_multi_response_options_are_counted_and_tested_one_by_one(by_treatment, raw):
    group = raw["Tedavi"].map(TREATMENT)
    frame = by_treatment["table1"]
    for option, word in (("headache", "baş ağrısı"), ("seizure", "nöbet"), ("focal_deficit", "fokal defisit")):
        has = raw["Semptomlar"].str.contains(word, regex=False)
        for g in TREATMENT.values():
            assert rows(frame, "symptoms", option, g)["n"].iloc[0] == int((has & (group == g)).sum())
        assert set(rows(frame, "symptoms", option)["test_unit"]) == {f"symptoms:{option}"}
    assert rows(frame, "symptoms", "")["test"].isna().all()  # the header carries no test


def test_the_overall_column_is_the_sum_of_the_groups(by_treatment):
    frame = by_treatment["table2"]
    counted = frame[frame["kind"].isin(["level", "yes", "option", "missing"])]
    wide = counted.pivot_table(index=["item", "level"], columns="group", values="n", aggfunc="first")
    groups = [c for c in wide.columns if c != OVERALL]
    pd.testing.assert_series_equal(wide[groups].sum(axis=1), wide[OVERALL], check_names=False, check_dtype=False)


@pytest.mark.parametrize("case", oracle("group_tests")["hospital"], ids=lambda c: c["by"])
def test_every_p_value_equals_r_on_the_raw_columns_of_the_export(cohort, case):
    tests = {}
    for section in ("table1", "table2"):
        frame = compare_groups(cohort, by=case["by"], section=section)
        frame = frame[frame["group"] == OVERALL].dropna(subset=["test_unit"])
        tests.update(frame.drop_duplicates("test_unit").set_index("test_unit")[["test", "p"]].T.to_dict())
    checked = 0
    for unit, r in case["tests"].items():
        if unit == "age":
            continue
        ours = tests[unit]
        if not r["testable"]:
            assert ours["test"] == gt.NOT_TESTABLE
            continue
        expected = r["fisher_p"] if r["expected_min"] < 5 else r["chisq_p"]
        assert (ours["test"] == gt.PEARSON) == (r["expected_min"] >= 5), unit
        assert close(ours["p"], expected), (unit, ours, r)
        checked += 1
    assert checked >= 15
    age = case["tests"]["age"]
    nonparametric = tests["age"]["p"]
    parametric = compare_groups(cohort, by=case["by"], tests="parametric")
    parametric = rows(parametric, "age", group=OVERALL).iloc[0]
    if case["by"] == "sex":
        assert close(nonparametric, age["wilcox_p"]) and close(parametric["p"], age["welch_p"])
    else:
        assert close(nonparametric, age["kruskal_p"]) and close(parametric["p"], age["anova_p"])
        assert parametric["test"] == gt.ANOVA


def test_q_values_are_benjamini_hochberg_over_the_tests_of_the_table(by_treatment):
    from statsmodels.stats.multitest import multipletests

    frame = by_treatment["table1"]
    units = frame[frame["group"] == OVERALL].dropna(subset=["test_unit"]).drop_duplicates("test_unit")
    tested = units.dropna(subset=["p"])
    np.testing.assert_allclose(tested["q"], multipletests(tested["p"], method="fdr_bh")[1], rtol=1e-12)
    assert compare_groups(load_cohort(EXPORT).data, by="treatment")["q"].isna().all()


def test_smd_is_tableones_from_the_groups_counts(by_treatment, raw):
    frame = by_treatment["table2"]
    group = raw["Tedavi"].map(TREATMENT)
    table = pd.crosstab(raw["Lokalizasyon"], group)[list(TREATMENT.values())].to_numpy()
    expected = gt.mean_pairwise(gt.pairwise(list(table.T), gt.smd_categorical))
    assert rows(frame, "lm_location", group=OVERALL)["smd"].iloc[0] == pytest.approx(expected, rel=1e-12)


def test_the_grouping_variable_itself_is_not_tested(by_treatment):
    assert rows(by_treatment["table1"], "treatment")["test"].isna().all()


def test_patients_without_a_group_are_left_out_and_counted(cohort):
    data = cohort.copy()
    data.loc[data.index[:7], "treatment"] = np.nan
    frame = compare_groups(data, by="treatment")
    assert frame.attrs["by_missing"] == 7
    assert rows(frame, "n_patients", group=OVERALL)["n"].iloc[0] == len(data) - 7


def test_the_input_is_not_modified(cohort):
    before = cohort.copy()
    compare_groups(cohort, by="sex", section="table2", adjust="holm", tests="parametric")
    pd.testing.assert_frame_equal(cohort, before)


def test_a_yes_no_variable_can_group_and_a_continuous_one_cannot(cohort):
    frame = compare_groups(cohort, by="hydrocephalus", section="table1")
    assert list(frame.attrs["groups"]) == ["no", "yes"]
    sizes = rows(frame, "n_patients").set_index("group")["n"]
    assert sizes["yes"] == int(cohort["hydrocephalus"].sum()) and sizes[OVERALL] == int(cohort["hydrocephalus"].notna().sum())
    with pytest.raises(ValueError, match="categorical or yes/no"):
        compare_groups(cohort, by="age")


def test_a_variable_added_to_the_codebook_is_counted_and_tested(cohort):
    spec = copy.deepcopy(load_codebook().spec)
    spec["variables"].append({"name": "ecog", "type": "categorical", "section": "table1", "label": {"en": "ECOG"},
                              "levels": [{"name": str(k), "label": {"en": str(k)}} for k in range(3)]})
    codebook = Codebook(spec)
    data = cohort.copy()
    data["ecog"] = pd.Categorical(np.resize(["0", "1", "2", "1"], len(data)), categories=["0", "1", "2"])
    frame = compare_groups(data, codebook, by="sex")
    ecog = rows(frame, "ecog", group=OVERALL)
    counts = pd.crosstab(data["ecog"], data["sex"]).to_numpy()
    assert ecog["p"].iloc[0] == pytest.approx(gt.categorical_test(counts).p, rel=1e-12)
    assert rows(frame, "ecog", "1", "male")["n"].iloc[0] == int(((data["ecog"] == "1") & (data["sex"] == "male")).sum())


def test_unknown_adjustment_is_an_error(cohort):
    with pytest.raises(ValueError, match="adjust"):
        compare_groups(cohort, by="sex", adjust="fdr")
