"""The end of follow-up as exports write it: a date of death beside a date of last contact (with
or without a vital-status column), and the errors that keep a death date from ever being made up.

Survival times and events are checked against the synthetic export's own dates, computed here
with pandas."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmlib import config
from lmlib.cohort import load_cohort

COMBINED = "Ölüm / son kontrol tarihi"


def synthetic() -> pd.DataFrame:
    return pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write(frame: pd.DataFrame, path: Path) -> Path:
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    return path


def separate(frame: pd.DataFrame, death="Ölüm tarihi", last="Son kontrol tarihi") -> pd.DataFrame:
    """The combined column split as most exports keep it: the death date for the dead, the last
    contact for the living."""
    out = frame.copy()
    dead = out["Durum"].eq("Eksitus")
    out[death] = out[COMBINED].where(dead, "")
    out[last] = out[COMBINED].where(~dead, "")
    return out.drop(columns=[COMBINED])


def truth(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Days from diagnosis to death or last contact, and death, from the combined export."""
    start = pd.to_datetime(frame["LM tanı tarihi"], format="%d.%m.%Y")
    end = pd.to_datetime(frame[COMBINED], format="%d.%m.%Y")
    return (end - start).dt.days.astype(float), frame["Durum"].eq("Eksitus")


@pytest.mark.parametrize("keep_status", [True, False])
def test_separate_death_and_last_contact_dates_give_the_same_times_and_events(tmp_path, keep_status):
    frame = synthetic()
    split = separate(frame)
    if not keep_status:
        split = split.drop(columns=["Durum"])
    cohort = load_cohort(write(split, tmp_path / "x.csv"))
    days, death = truth(frame)
    assert list(cohort.data["survival_days"]) == list(days)
    assert list(cohort.data["death"].astype(bool)) == list(death)


def test_english_headers_date_of_death_and_date_of_last_contact(tmp_path):
    frame = synthetic()
    split = separate(frame, "Date of death", "Date of last contact")
    cohort = load_cohort(write(split, tmp_path / "x.csv"))
    assert list(cohort.data["survival_days"]) == list(truth(frame)[0])


def problems(tmp_path, frame):
    cohort = load_cohort(write(frame, tmp_path / "x.csv"), strict=False)
    return cohort, cohort.errors


def test_dead_without_a_death_date_is_an_error_and_never_takes_the_last_visit(tmp_path):
    split = separate(synthetic())
    row = split.index[split["Durum"].eq("Eksitus")][0]
    split.loc[row, "Son kontrol tarihi"] = "01.06.2018"  # a last visit is there; the death date is not
    split.loc[row, "Ölüm tarihi"] = ""
    cohort, errors = problems(tmp_path, split)
    found = errors[errors["rule"] == "death_without_date"]
    assert list(found["row"]) == [row + 2]
    assert found["column"].iloc[0] == "Durum / Ölüm tarihi" and "Date of death" in found["expected"].iloc[0]
    assert pd.isna(cohort.data.loc[row + 2, "survival_days"])


def test_a_death_date_for_a_patient_marked_alive_is_an_error(tmp_path):
    split = separate(synthetic())
    row = split.index[split["Durum"].eq("Sağ")][0]
    split.loc[row, "Ölüm tarihi"] = "01.06.2018"
    _, errors = problems(tmp_path, split)
    found = errors[errors["rule"] == "death_date_for_living"]
    assert list(found["row"]) == [row + 2] and found["column"].iloc[0] == "Durum / Ölüm tarihi"


def test_a_last_contact_after_the_death_is_an_error(tmp_path):
    split = separate(synthetic())
    row = split.index[split["Durum"].eq("Eksitus")][0]
    split.loc[row, "Son kontrol tarihi"] = "31.12.2018"
    _, errors = problems(tmp_path, split)
    found = errors[errors["rule"] == "contact_after_death"]
    assert list(found["row"]) == [row + 2] and found["column"].iloc[0] == "Son kontrol tarihi / Ölüm tarihi"


def test_a_living_patient_without_a_last_contact_is_an_error(tmp_path):
    split = separate(synthetic())
    row = split.index[split["Durum"].eq("Sağ")][0]
    split.loc[row, "Son kontrol tarihi"] = ""
    _, errors = problems(tmp_path, split)
    found = errors[(errors["rule"] == "missing_value") & (errors["column"] == "Son kontrol tarihi")]
    assert list(found["row"]) == [row + 2]


def test_without_a_status_column_a_blank_death_date_is_alive(tmp_path):
    split = separate(synthetic()).drop(columns=["Durum"])
    cohort, errors = problems(tmp_path, split)
    assert errors.empty
    assert set(cohort.data["vital_status"].astype(str)) == {"dead", "alive"}


def test_two_date_columns_matching_one_variable_are_one_error_in_words(tmp_path):
    frame = synthetic()
    frame["Son kontrol tarihi"] = frame[COMBINED]
    _, errors = problems(tmp_path, frame)
    found = errors[errors["rule"] == "duplicate_column"]
    assert len(found) == 1
    text = found["expected"].iloc[0]
    assert "'Date of death or last contact'" in text and "study file" in text
    assert "last_contact_date" not in text and "('" not in text


def test_a_missing_diagnosis_date_column_is_one_error_not_one_per_row(tmp_path):
    frame = synthetic().drop(columns=["LM tanı tarihi", "Yaş"])
    frame["Doğum tarihi"] = "01.01.1960"
    _, errors = problems(tmp_path, frame)
    assert len(errors) == 1
    text = errors["expected"].iloc[0]
    assert "Date of LM diagnosis" in text and "cannot be derived for any patient" in text
    assert "'Age, years'" in text and "'Survival from LM diagnosis, days'" in text


def test_no_column_for_the_living_patients_last_contact_is_one_error(tmp_path):
    split = separate(synthetic()).drop(columns=["Son kontrol tarihi"])
    _, errors = problems(tmp_path, split)
    assert len(errors) == 1 and errors["rule"].iloc[0] == "missing_column"
    living = int(synthetic()["Durum"].eq("Sağ").sum())
    assert f"the survival time of the {living} patient(s) without a death date" in errors["expected"].iloc[0]
