"""The ways a user's export gave wrong numbers with exit 0 (issue 11), each reproduced on the
synthetic export as a hospital would change it, and checked against counts made with pandas
on the edited file itself (never against lmlib's own output).

* one unrecognised option header of a multi-response item must not wipe the other options;
* "unknown" (Bilinmiyor, ?, NA, n/a, SPSS user-missing codes ...) is missing, never "no";
* an item that is 100% missing is a loud warning and a visible notice, and an optional
  variable that is not in the file is one footnote, not rows of 0/0;
* codebook strings stay strings (YAML 1.1 would make `no` and `yes` booleans).
"""
from __future__ import annotations

from pathlib import Path
import subprocess
import sys

import pandas as pd
import pytest

from lmlib import config, formatting, tables
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.present import Style, descriptive, text

SYMPTOM_COLUMNS = {"headache": "Baş ağrısı", "altered_consciousness": "Bilinç değişikliği",
                   "nausea_vomiting": "Bulantı-kusma", "focal_deficit": "Fokal nörolojik defisit",
                   "general_deterioration": "Genel durum bozukluğu", "seizure": "Epileptik nöbet"}
SITE_COLUMNS = {"parenchyma": "Parankim met", "dura": "Dura met", "calvarium": "Kalvaryum met"}


def synthetic() -> pd.DataFrame:
    return pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write(frame: pd.DataFrame, path: Path) -> Path:
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    return path


def both_tables(path: Path, notebook: bool = True) -> pd.DataFrame:
    """Tables 1 and 2 as the report's notebooks make them (``notebook``: told which items are
    not in the file), or as a plain call in JupyterLab makes them."""
    cohort = load_cohort(path, strict=False)
    cb = load_codebook()
    told = {"not_in_file": cohort.not_in_file} if notebook else {}
    return pd.concat([tables.table1(cohort.data, cb, **told), tables.table2(cohort.data, cb, **told)],
                     ignore_index=True)


def row(table: pd.DataFrame, item: str, level: str) -> pd.Series:
    found = table[(table["item"] == item) & (table["level"] == level)]
    assert len(found) == 1, f"no single row {item}/{level}: {found}"
    return found.iloc[0]


def yes(frame: pd.DataFrame, column: str) -> int:
    return int((frame[column] == "Var").sum())


# ------------------------------------------------------------------------------ one option header

@pytest.mark.parametrize("notebook", [False, True])
@pytest.mark.parametrize("renamed", ["headache", "seizure"])
def test_one_unrecognised_symptom_header_leaves_the_other_symptoms_counted(tmp_path, renamed, notebook):
    frame = synthetic()
    path = write(frame.rename(columns={SYMPTOM_COLUMNS[renamed]: "Başağrısı-X"}), tmp_path / "export.csv")
    table = both_tables(path, notebook)
    for option, column in SYMPTOM_COLUMNS.items():
        r = row(table, "symptoms", option)
        if option == renamed:
            assert r["kind"] == "not_recorded" and pd.isna(r["n"]) and pd.isna(r["denominator"])
        else:
            assert (r["kind"], r["n"], r["denominator"]) == ("option", yes(frame, column), len(frame))
    assert not ((table["item"] == "symptoms") & (table["kind"] == "missing")).any()


def test_one_unrecognised_metastasis_header_leaves_the_other_sites_counted(tmp_path):
    frame = synthetic()
    path = write(frame.rename(columns={"Dura met": "Dural tutulum"}), tmp_path / "export.csv")
    table = both_tables(path)
    for option in ("parenchyma", "calvarium"):
        r = row(table, "metastases", option)
        assert (r["n"], r["denominator"]) == (yes(frame, SITE_COLUMNS[option]), len(frame))
    assert row(table, "metastases", "dura")["kind"] == "not_recorded"
    # isolated LM needs every site: it cannot be known without the dura column, and is not 0
    isolated = table[table["item"] == "isolated_lm"]
    assert list(isolated["kind"]) == ["not_in_file"]


def test_a_not_recorded_option_is_said_in_its_row_and_a_footnote(tmp_path):
    frame = synthetic()
    path = write(frame.rename(columns={"Baş ağrısı": "Başağrısı-X"}), tmp_path / "export.csv")
    cohort = load_cohort(path, strict=False)
    table = tables.table1(cohort.data, load_codebook(), not_in_file=cohort.not_in_file)
    shown, notes = formatting.display_table(table)
    headache = shown[table["level"].eq("headache").to_numpy()].iloc[0]
    assert headache["value"] == text("tables.not_recorded_cell", "en") == "not recorded in this file"
    assert headache["marks"] and any(n.startswith(headache["marks"][-1] + " Not recorded in this file") for n in notes)


# ------------------------------------------------------------------------------ unknown is not "no"

UNKNOWN_SPELLINGS = ["Bilinmiyor", "bilinmeyen", "unknown", "?", "NA", "n/a", "Unknown", "BİLİNMİYOR"]


@pytest.mark.parametrize("spelling", UNKNOWN_SPELLINGS)
def test_an_unknown_symptom_is_missing_never_no(tmp_path, spelling):
    frame = synthetic()
    target = frame.index[(frame["Baş ağrısı"] == "Var") & (frame["Epileptik nöbet"] == "")][0]
    frame.loc[target, "Epileptik nöbet"] = spelling
    table = both_tables(write(frame, tmp_path / "export.csv"), notebook=False)
    seizure = row(table, "symptoms", "seizure")
    assert (seizure["n"], seizure["denominator"]) == (yes(frame, "Epileptik nöbet"), len(frame) - 1)
    # the same patient's known headache still counts (each option among the patients with it recorded)
    headache = row(table, "symptoms", "headache")
    assert (headache["n"], headache["denominator"]) == (yes(frame, "Baş ağrısı"), len(frame))
    assert not ((table["item"] == "symptoms") & (table["kind"] == "missing")).any()


@pytest.mark.parametrize("spelling", ["Bilinmiyor", "?", "n/a", "unknown"])
def test_an_unknown_lost_to_follow_up_is_missing_not_no(tmp_path, spelling):
    frame = synthetic()
    frame.loc[0, "Takip dışı"] = spelling
    cohort = load_cohort(write(frame, tmp_path / "export.csv"), strict=False)
    assert pd.isna(cohort.data["lost_to_follow_up"].iloc[0])
    assert int(cohort.data["lost_to_follow_up"].isna().sum()) == 1


@pytest.mark.parametrize("spelling", ["?", "Bilinmiyor", "NA"])
def test_an_unknown_cranial_nerve_is_missing_not_uninvolved(tmp_path, spelling):
    frame = synthetic()
    frame.loc[0, "KS 7"] = spelling
    cohort = load_cohort(write(frame, tmp_path / "export.csv"), strict=False)
    assert pd.isna(cohort.data["cn_7"].iloc[0])
    table = both_tables(write(frame, tmp_path / "export.csv"), notebook=False)
    involved = frame[[f"KS {n}" for n in range(1, 13)]].drop(index=0).ne("").any(axis=1)
    assert (row(table, "cn_any", "yes")["n"], row(table, "cn_any", "yes")["denominator"]) == (
        int(involved.sum()), len(frame) - 1)


def test_a_dash_stays_a_no_where_it_is_a_no_spelling(tmp_path):
    frame = synthetic()
    frame.loc[0, "Hidrosefali"] = "-"
    cohort = load_cohort(write(frame, tmp_path / "export.csv"), strict=False)
    assert cohort.data["hydrocephalus"].iloc[0] == False  # noqa: E712 - a nullable boolean


def test_a_dash_is_missing_where_it_is_no_level(tmp_path):
    frame = synthetic()
    frame.loc[0, "Kontrastlanma paterni"] = "-"
    frame.loc[1, "Yaş"] = "-"
    cohort = load_cohort(write(frame, tmp_path / "export.csv"), strict=False)
    assert pd.isna(cohort.data["enhancement_pattern"].iloc[0]) and pd.isna(cohort.data["age"].iloc[1])
    assert not (cohort.problems["rule"].isin(["invalid_categorical", "invalid_continuous"])).any()


def spss_export(frame: pd.DataFrame, path: Path) -> Path:
    """The synthetic cohort as SPSS writes it: symptoms coded 1 = Var, 0 = Yok, 9 = Bilinmiyor
    (declared user-missing), the other columns as text."""
    import pyreadstat

    out = pd.DataFrame({f"v{i}": frame[c] for i, c in enumerate(frame.columns)})
    labels = {f"v{i}": c for i, c in enumerate(frame.columns)}
    value_labels, missing = {}, {}
    for i, c in enumerate(frame.columns):
        if c in SYMPTOM_COLUMNS.values():
            out[f"v{i}"] = frame[c].map({"Var": 1.0, "": 0.0, "Bilinmiyor": 9.0}).astype(float)
            value_labels[f"v{i}"] = {1.0: "Var", 0.0: "Yok", 9.0: "Bilinmiyor"}
            missing[f"v{i}"] = [9.0]
    pyreadstat.write_sav(out, str(path), column_labels=labels, variable_value_labels=value_labels,
                         missing_ranges=missing)
    return path


def test_an_spss_user_missing_code_is_missing_never_no(tmp_path):
    frame = synthetic()
    target = frame.index[(frame["Baş ağrısı"] == "Var") & (frame["Epileptik nöbet"] == "")][0]
    frame.loc[target, "Epileptik nöbet"] = "Bilinmiyor"
    table = both_tables(spss_export(frame, tmp_path / "export.sav"), notebook=False)
    seizure = row(table, "symptoms", "seizure")
    assert (seizure["n"], seizure["denominator"]) == (yes(frame, "Epileptik nöbet"), len(frame) - 1)
    headache = row(table, "symptoms", "headache")
    assert (headache["n"], headache["denominator"]) == (yes(frame, "Baş ağrısı"), len(frame))  # still counted


# ------------------------------------------------------------------------------ 100% missing

def test_an_item_missing_for_every_patient_is_a_warning_and_a_notice(tmp_path):
    from lmlib import coverage

    frame = synthetic()
    frame["Hidrosefali"] = "?"
    path = write(frame, tmp_path / "export.csv")
    cohort = load_cohort(path, strict=False)
    warned = cohort.problems[cohort.problems["rule"] == "all_missing"]
    assert list(warned["column"]) == ["Hidrosefali"] and set(warned["severity"]) == {"warning"}
    table = tables.table2(cohort.data, load_codebook(), not_in_file=cohort.not_in_file)
    empty = coverage.empty_items(table)
    assert list(empty["item"]) == ["hydrocephalus"]
    assert any("Hydrocephalus" in line for line in descriptive.notice_lines(table, Style()))


def test_make_reports_validation_says_loudly_that_an_item_is_100_percent_missing(tmp_path):
    frame = synthetic()
    frame["Hidrosefali"] = ""
    path = write(frame, tmp_path / "export.csv")
    result = subprocess.run([sys.executable, "-m", "lmlib.report", "validate", str(path), "--data-cut", "2018-12-31"],
                            capture_output=True, text=True, cwd=config.PROJ_ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    loud = [line for line in result.stderr.splitlines() if "100% missing" in line]
    assert loud and "Hidrosefali" in loud[0] and "Hydrocephalus" in loud[0]


def test_an_optional_variable_not_in_the_file_is_one_footnote_not_rows_of_zeros(tmp_path):
    from lmlib import coverage

    frame = synthetic().drop(columns=["MRG (Tesla)"])
    cohort = load_cohort(write(frame, tmp_path / "export.csv"), strict=False)
    table = tables.table2(cohort.data, load_codebook(), not_in_file=cohort.not_in_file)
    field = table[table["item"] == "field_strength"]
    assert list(field["kind"]) == ["not_in_file"] and field["n"].isna().all()
    shown, notes = formatting.display_table(table)
    assert "MRI field strength" not in set(shown["label"])
    assert any(n == "Not in this file: MRI field strength." for n in notes)
    assert coverage.empty_items(table).empty  # not in the file is not "100% missing"


# ------------------------------------------------------------------------------ YAML strings

def test_codebook_aliases_and_synonyms_are_all_strings():
    cb = load_codebook()
    assert "no" in cb["patient_id"].spec["aliases"]
    for var in cb.variables + cb.screening:
        for alias in var.spec.get("aliases", []):
            assert isinstance(alias, str), (var.name, alias)
        for level in var.levels + var.options:
            assert all(isinstance(s, str) for s in level.synonyms), (var.name, level.name, level.synonyms)
    nerve = cb.nerve_variable
    assert "no" in dict((lv.name, lv.synonyms) for lv in nerve.levels)["none"]
    assert "yes" in dict((lv.name, lv.synonyms) for lv in nerve.levels)["side_unknown"]


def test_a_nerve_column_written_yes_no_is_read(tmp_path):
    frame = synthetic()
    truth = frame["KS 7"].ne("")
    frame["KS 7"] = truth.map({True: "Yes", False: "No"})
    cohort = load_cohort(write(frame, tmp_path / "export.csv"), strict=False)
    assert cohort.errors.empty, cohort.errors
    assert int(cohort.data["cn_7"].astype(object).ne("none").sum()) == int(truth.sum())


def test_a_column_headed_no_is_the_patient_id(tmp_path):
    frame = synthetic().rename(columns={"Hasta No": "No"})
    cohort = load_cohort(write(frame, tmp_path / "export.csv"), strict=False)
    assert cohort.errors.empty, cohort.errors
    assert list(cohort.data["patient_id"]) == list(frame["No"])
