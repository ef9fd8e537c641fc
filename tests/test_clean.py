"""Cleaning: every synonym family, header aliases, and every validation rule."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import minimal_rows
from lmlib.cohort import load_cohort
from lmlib.problems import ValidationError


def load(write_csv, rows, **kwargs):
    return load_cohort(write_csv(rows), strict=False, **kwargs)


def with_column(column, values, n=None):
    rows = minimal_rows(n or len(values))
    for row, value in zip(rows, values):
        row[column] = value
    return rows


@pytest.mark.parametrize("spelling, level", [
    ("E", "male"), ("K", "female"), ("Erkek", "male"), ("KADIN", "female"), ("kadın", "female"),
    ("M", "male"), ("F", "female"), ("Male", "male"), ("female ", "female"), ("Bay", "male"),
])
def test_sex_synonyms_map_to_canonical_levels(write_csv, spelling, level):
    cohort = load(write_csv, with_column("Sex", [spelling]))
    assert cohort.data["sex"].iloc[0] == level
    assert cohort.errors.empty


@pytest.mark.parametrize("spelling, value", [
    ("Evet", True), ("Hayır", False), ("HAYIR", False), ("Var", True), ("Yok", False), ("1", True), ("0", False),
    ("yes", True), ("No", False), ("+", True), ("-", False), ("Mevcut", True),
])
def test_yes_no_synonyms_map_to_booleans(write_csv, spelling, value):
    cohort = load(write_csv, with_column("Hydrocephalus", [spelling]))
    assert bool(cohort.data["hydrocephalus"].iloc[0]) is value


@pytest.mark.parametrize("spelling, level", [
    ("Supra+infra", "both"), ("SUPRATENTORYAL + İNFRATENTORYAL", "both"), ("İNFRATENTORYAL", "infratentorial"),
    ("infratentorial", "infratentorial"), ("Supratentoryal", "supratentorial"), ("supra / infra", "both"),
])
def test_location_synonyms_including_turkish_capitals(write_csv, spelling, level):
    assert load(write_csv, with_column("Location", [spelling])).data["lm_location"].iloc[0] == level


@pytest.mark.parametrize("column, spelling, variable, level", [
    ("Enhancement pattern", "Lineer+nodüler", "enhancement_pattern", "both"),
    ("Enhancement pattern", "NODÜLER", "enhancement_pattern", "nodular"),
    ("Treatment", "KT ve RT", "treatment", "chemoradiotherapy"),
    ("Treatment", "Tedavi almayan", "treatment", "none"),
    ("Treatment", "kemoterapi", "treatment", "chemotherapy"),
    ("Vital status", "Eksitus", "vital_status", "dead"),
    ("Vital status", "Sağ", "vital_status", "alive"),
    ("Primary site", "AKCİĞER", "primary_site", "lung"),
    ("Histology", "küçük hücreli karsinom", "histology", "small_cell_carcinoma"),
])
def test_categorical_synonyms_of_other_variables(write_csv, column, spelling, variable, level):
    cohort = load(write_csv, with_column(column, [spelling]))
    assert cohort.data[variable].iloc[0] == level


@pytest.mark.parametrize("english, turkish", [
    ("Sex", "Cinsiyet"), ("Age", "Yaş"), ("Patient ID", "Hasta No"), ("Treatment", "Tedavi"),
    ("Location", "Lokalizasyon"), ("Hydrocephalus", "Hidrosefali"),
])
def test_turkish_headers_load_without_renaming(write_csv, english, turkish):
    rows = [{(turkish if k == english else k): v for k, v in row.items()} for row in minimal_rows()]
    cohort = load(write_csv, rows)
    assert cohort.errors.empty, cohort.errors
    assert not (cohort.problems["rule"] == "unknown_column").any()


def test_gender_header_is_an_alias_of_sex(write_csv):
    rows = [{("Gender" if k == "Sex" else k): v for k, v in row.items()} for row in minimal_rows()]
    assert list(load(write_csv, rows).data["sex"]) == ["female", "male", "female"]


def test_unknown_column_is_reported_by_name_and_not_used(write_csv):
    rows = with_column("Favourite colour", ["blue", "red", "green"])
    cohort = load(write_csv, rows)
    unknown = cohort.problems[cohort.problems["rule"] == "unknown_column"]
    assert list(unknown["column"]) == ["Favourite colour"]
    assert (unknown["severity"] == "warning").all()
    assert "blue" not in cohort.data.astype(str).to_numpy()


def test_direct_identifiers_are_dropped_at_load_time(write_csv):
    rows = with_column("Ad Soyad", ["Ayşe Yılmaz", "Mehmet Kaya", "Fatma Demir"])
    for row, tc in zip(rows, ["12345678901", "23456789012", "34567890123"]):
        row["TC Kimlik No"] = tc
        row["Telefon"] = "0532 000 00 00"
    cohort = load(write_csv, rows)
    text = cohort.data.astype(str).to_csv()
    for secret in ("Ayşe", "Mehmet", "12345678901", "0532"):
        assert secret not in text
    assert not (cohort.problems["rule"] == "unknown_column").any()  # known identifiers: dropped, not "unknown"


@pytest.mark.parametrize("value, expected", [
    ("03.04.2016", "2016-04-03"), ("3.4.2016", "2016-04-03"), ("2016-04-03", "2016-04-03"),
    ("03/04/2016", "2016-04-03"), ("42463", "2016-04-03"), ("03.04.2016 00:00", "2016-04-03"),
])
def test_dates_in_turkish_iso_and_excel_serial_form(write_csv, value, expected):
    cohort = load(write_csv, with_column("Last contact date", [value]))
    assert cohort.data["last_contact_date"].iloc[0] == pd.Timestamp(expected)


def test_survival_days_and_event_are_derived(write_csv):
    rows = minimal_rows(2)
    rows[1]["Vital status"] = "Alive"
    cohort = load(write_csv, rows)
    assert list(cohort.data["survival_days"]) == [43.0, 43.0]  # 1 Feb to 15 Mar 2016 (leap year)
    assert list(cohort.data["death"]) == [True, False]


def test_age_is_derived_from_birth_date_in_completed_years(write_csv):
    rows = minimal_rows(2)
    for row in rows:
        del row["Age"]
    rows[0]["Doğum tarihi"] = "02.02.1960"  # birthday the day after diagnosis: 55
    rows[1]["Doğum tarihi"] = "01.02.1960"  # birthday on the diagnosis day: 56
    cohort = load(write_csv, rows)
    assert list(cohort.data["age"]) == [55.0, 56.0]
    assert "birth_date" not in cohort.data.columns


def problem_rules(cohort):
    return set(cohort.problems.loc[cohort.problems["severity"] == "error", "rule"])


def test_unknown_level_is_reported_with_row_column_value_and_expected(write_csv):
    cohort = load(write_csv, with_column("Sex", ["Male", "Other", "F"]))
    problem = cohort.errors.iloc[0]
    assert (problem["row"], problem["column"], problem["value"]) == (3, "Sex", "Other")
    assert "Female" in problem["expected"] and "Male" in problem["expected"]
    assert pd.isna(cohort.data["sex"].loc[3])


def test_age_out_of_range_is_a_problem(write_csv):
    assert problem_rules(load(write_csv, with_column("Age", [55, 150, -3]))) == {"out_of_range"}


def test_impossible_calendar_date_is_a_problem(write_csv):
    cohort = load(write_csv, with_column("LM diagnosis date", ["31.02.2016", "01.02.2016", "01.02.2016"]))
    assert "invalid_date" in problem_rules(cohort)


def test_date_after_the_data_cut_is_a_problem(write_csv):
    cohort = load(write_csv, with_column("Last contact date", ["15.03.2016", "15.03.2030", "15.03.2016"]),
                  data_cut="2018-12-31")
    assert problem_rules(cohort) == {"impossible_date"}


def test_death_before_diagnosis_is_a_problem_and_gives_no_survival_time(write_csv):
    cohort = load(write_csv, with_column("Last contact date", ["15.03.2016", "15.01.2016", "15.03.2016"]))
    assert problem_rules(cohort) == {"death_before_diagnosis"}
    assert pd.isna(cohort.data["survival_days"].loc[3])


def test_birth_after_diagnosis_is_a_problem(write_csv):
    rows = minimal_rows(1)
    rows[0]["Doğum tarihi"] = "01.01.2017"
    assert "birth_after_diagnosis" in problem_rules(load(write_csv, rows))


def test_duplicate_patient_ids_are_reported_on_every_row(write_csv):
    cohort = load(write_csv, with_column("Patient ID", ["A", "B", "A"]))
    dup = cohort.problems[cohort.problems["rule"] == "duplicate_id"]
    assert sorted(dup["row"]) == [2, 4]


def test_missing_required_value_is_a_problem(write_csv):
    cohort = load(write_csv, with_column("Treatment", ["CT", "", "CT"]))
    assert problem_rules(cohort) == {"missing_value"}


def test_missing_required_column_is_a_problem(write_csv):
    rows = minimal_rows()
    for row in rows:
        del row["Vital status"]
    assert "missing_column" in problem_rules(load(write_csv, rows))


def test_histology_impossible_for_its_primary_site_is_a_problem(write_csv):
    cohort = load(write_csv, with_column("Histology", ["Invasive ductal carcinoma", "Adenocarcinoma", "Adenocarcinoma"]))
    assert problem_rules(cohort) == {"inconsistent_nesting"}


def test_multi_response_coded_inconsistently_is_a_problem(write_csv):
    rows = with_column("Accompanying metastases", ["parankim", "dura", "izole"])
    # the per-option columns say parenchyma yes / dura no on every row: rows 2 and 3 disagree
    cohort = load(write_csv, rows)
    clash = cohort.problems[cohort.problems["rule"] == "inconsistent_multi_response"]
    assert sorted(clash["row"]) == [3, 3, 4]  # row 3: dura yes vs no and parenchyma no vs yes; row 4: parenchyma


def test_multi_response_none_together_with_options_is_a_problem(write_csv):
    rows = minimal_rows(1)
    for key in ("Parenchyma", "Dura", "Calvarium"):
        del rows[0][key]
    rows[0]["Accompanying metastases"] = "dura; none"
    assert "inconsistent_multi_response" in problem_rules(load(write_csv, rows))


def test_delimited_multi_response_column_is_split_into_options(write_csv):
    rows = minimal_rows(2)
    for row in rows:
        del row["Headache"]
    rows[0]["Semptomlar"] = "Baş ağrısı; bulantı-kusma"
    rows[1]["Semptomlar"] = "bilinç değişikliği ve epileptik nöbet"
    data = load(write_csv, rows).data
    assert list(data["symptoms_headache"]) == [True, False]
    assert list(data["symptoms_nausea_vomiting"]) == [True, False]
    assert list(data["symptoms_seizure"]) == [False, True]


def test_blank_option_means_absent_when_another_option_is_filled(write_csv):
    rows = with_column("Nausea", ["", "Yes", ""])
    rows[2]["Headache"] = ""
    data = load(write_csv, rows).data
    assert list(data["symptoms_nausea_vomiting"].astype(object)) == [False, True, pd.NA]


def test_an_explicit_unknown_option_fills_its_row_so_its_blank_options_are_absent(write_csv):
    # row 0: seizure unknown, every other option blank -> the blanks are "not present";
    # row 1: every option blank -> the item is missing
    rows = with_column("Seizure", ["Bilinmiyor", ""])
    for row in rows:
        row["Headache"] = ""
    data = load(write_csv, rows).data
    assert list(data["symptoms_seizure"].astype(object)) == [pd.NA, pd.NA]
    assert list(data["symptoms_headache"].astype(object)) == [False, pd.NA]


def test_isolated_lm_is_derived_from_the_absence_of_every_metastasis_site(write_csv):
    rows = with_column("Parenchyma", ["Yes", "No", "No"])
    rows[2]["Dura"] = "Yes"
    assert list(load(write_csv, rows).data["isolated_lm"]) == [False, True, False]


def test_cranial_nerve_groups_need_every_member_nerve(write_csv):
    rows = minimal_rows(3)
    rows[0].update({"KS 4": "Bilateral", "KS 5": "Bilateral", "KS 6": "Bilateral"})
    rows[1].update({"KS 5": "Right"})
    rows[2].update({"KS7": "Sol"})  # VII without VIII
    data = load(write_csv, rows).data
    assert list(data["cn_group_4_6"]) == [True, False, False]
    assert list(data["cn_group_5"]) == [True, True, False]
    assert list(data["cn_group_7_8"]) == [False, False, False]
    assert list(data["cn_any"]) == [True, True, True]
    assert data.loc[4, "cn_7"] == "left"


@pytest.mark.parametrize("header", ["KS 7", "KS7", "CN VII", "cn_7", "Kraniyal sinir 7", "CNVII"])
def test_cranial_nerve_headers_in_turkish_english_arabic_and_roman_form(write_csv, header):
    rows = minimal_rows(1)
    rows[0][header] = "Bilateral"
    assert load(write_csv, rows).data["cn_7"].iloc[0] == "bilateral"


def test_two_columns_for_one_variable_are_a_problem(write_csv):
    rows = minimal_rows(1)
    rows[0].update({"KS 5": "Right", "CN V": "Left"})
    assert "duplicate_column" in problem_rules(load(write_csv, rows))


def test_strict_mode_raises_one_message_listing_every_problem(write_csv):
    rows = with_column("Sex", ["Other", "Male", "Unknown?"])
    rows[1]["Age"] = 500
    with pytest.raises(ValidationError) as info:
        load_cohort(write_csv(rows))
    message = str(info.value)
    assert "3 problem(s)" in message
    assert "row 2, column 'Sex': value 'Other'" in message
    assert "row 3, column 'Age'" in message
    assert "row 4" in message
    assert "Traceback" not in message


def test_lenient_mode_keeps_every_row(write_csv):
    cohort = load(write_csv, with_column("Sex", ["Other", "Male", "Female"]))
    assert cohort.n == 3 and len(cohort.errors) == 1
    assert list(cohort.data["sex"].astype(object).fillna("NA")) == ["NA", "male", "female"]


def test_cleaning_is_deterministic_and_typed(write_csv):
    path = write_csv(minimal_rows())
    first, second = load_cohort(path), load_cohort(path)
    pd.testing.assert_frame_equal(first.data, second.data)
    assert isinstance(first.data["sex"].dtype, pd.CategoricalDtype)
    assert list(first.data["sex"].cat.categories) == ["female", "male"]
    assert str(first.data["hydrocephalus"].dtype) == "boolean"


def test_an_unknown_column_names_the_closest_known_headers_and_the_study_file_line(write_csv):
    rows = [{("Başağrısı" if k == "Headache" else k): v for k, v in row.items()} for row in minimal_rows()]
    cohort = load(write_csv, rows)
    warning = cohort.problems[cohort.problems["rule"] == "unknown_column"].iloc[0]
    assert warning["column"] == "Başağrısı"
    assert "did you mean Headache / Baş ağrısı (Clinical symptoms)" in warning["expected"]
    line = warning["expected"].split("study file: ")[1]
    assert line == '- {name: symptoms, options: [{name: headache, aliases: ["Başağrısı"]}]}'


def test_an_unknown_level_names_the_closest_levels(write_csv):
    cohort = load(write_csv, with_column("Histology", ["Adenokarsinoma", "Adenocarcinoma", "Adenocarcinoma"]))
    problem = cohort.errors[cohort.errors["rule"] == "invalid_categorical"].iloc[0]
    assert problem["value"] == "Adenokarsinoma"
    assert "closest: Adenocarcinoma / Adenokarsinom" in problem["expected"]


def test_the_suggested_study_line_maps_the_column(write_csv, tmp_path):
    from lmlib.codebook import load_codebook

    rows = [{("Başağrısı" if k == "Headache" else k): v for k, v in row.items()} for row in minimal_rows()]
    path = write_csv(rows)
    warning = load(write_csv, rows).problems.query("rule == 'unknown_column'").iloc[0]
    study = tmp_path / "s.yaml"
    study.write_text("variables:\n  " + warning["expected"].split("study file: ")[1] + "\n", encoding="utf-8")
    cohort = load_cohort(path, load_codebook(study=study), strict=False)
    assert not (cohort.problems["rule"] == "unknown_column").any()
    assert cohort.data["symptoms_headache"].all()


def test_messages_name_labels_never_internal_names_or_tuples(write_csv):
    rows = minimal_rows()
    for row in rows:
        row["Last follow up"] = row["Last contact date"]
    rows[0]["Histology"] = "Invasive ductal carcinoma"
    cohort = load(write_csv, rows)
    text = " ".join(cohort.problems["expected"])
    assert "('" not in text and "last_contact_date" not in text and "primary_site" not in text
    assert "'Date of death or last contact'" in text and "Primary malignancy origin 'Lung'" in text
