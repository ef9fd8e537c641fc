"""Reading CSV (three encodings), Excel and SPSS files; bad files give one clear error."""
from __future__ import annotations

import hashlib
import os

import pandas as pd
import pytest

from conftest import minimal_rows
from lmlib import config
from lmlib.cohort import load_cohort
from lmlib.problems import InputError

TURKISH = {"Hasta No": "H1", "Yaş": 61, "Cinsiyet": "Erkek", "Primer tümör": "Akciğer", "Histoloji": "Küçük hücreli karsinom",
           "Tedavi": "KT", "LM tanı tarihi": "01.02.2016", "Son kontrol tarihi": "15.03.2016", "Durum": "Eksitus",
           "Lokalizasyon": "İnfratentoryal", "Kontrastlanma paterni": "Nodüler", "Baş ağrısı": "Var"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1254"])
@pytest.mark.parametrize("sep", [",", ";"])
def test_csv_in_utf8_bom_and_windows_1254_with_comma_or_semicolon(write_csv, encoding, sep):
    cohort = load_cohort(write_csv([TURKISH], encoding=encoding, sep=sep))
    row = cohort.data.iloc[0]
    assert (row["sex"], row["histology"], row["lm_location"]) == ("male", "small_cell_carcinoma", "infratentorial")


def test_excel_with_title_rows_above_the_header(tmp_path):
    path = tmp_path / "export.xlsx"
    frame = pd.DataFrame(minimal_rows(3))
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, startrow=3)
        sheet = writer.sheets["Sheet1"]
        sheet["A1"] = "Radyoloji AD - LM hastaları"
        sheet.merge_cells("A1:F1")
        sheet["A2"] = "Rapor tarihi: 01.01.2019"
    cohort = load_cohort(path)
    assert cohort.n == 3
    assert list(cohort.data.index) == [5, 6, 7]  # spreadsheet rows as Excel shows them
    assert list(cohort.data["sex"]) == ["female", "male", "female"]


def test_excel_dates_and_numbers_arrive_typed(tmp_path):
    rows = minimal_rows(1)
    rows[0]["LM diagnosis date"] = pd.Timestamp("2016-02-01")
    rows[0]["Age"] = 61.0
    path = tmp_path / "typed.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    data = load_cohort(path).data
    assert data["lm_diagnosis_date"].iloc[0] == pd.Timestamp("2016-02-01")
    assert data["age"].iloc[0] == 61.0


def test_spss_sav_with_value_labels_applied(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame(minimal_rows(2))
    frame.columns = [c.replace(" ", "_") for c in frame.columns]  # SPSS names have no spaces
    frame["Sex"] = [1.0, 2.0]
    path = tmp_path / "cohort.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"Sex": {1.0: "Kadın", 2.0: "Erkek"}})
    assert list(load_cohort(path).data["sex"]) == ["female", "male"]


def test_spss_variable_labels_are_used_when_the_short_names_are_unknown(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame(minimal_rows(2))
    labels = list(frame.columns)
    frame.columns = [f"V{i}" for i in range(len(labels))]
    path = tmp_path / "labelled.sav"
    pyreadstat.write_sav(frame, str(path), column_labels=labels)
    assert list(load_cohort(path).data["sex"]) == ["female", "male"]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_loading_never_modifies_the_input_file(tmp_path, suffix):
    path = tmp_path / f"cohort{suffix}"
    frame = pd.DataFrame(minimal_rows(3))
    frame.loc[1, "Sex"] = "Other"  # a failing load must leave it untouched too
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_excel(path, index=False)
    before = digest(path)
    load_cohort(path, strict=False)
    with pytest.raises(InputError):
        load_cohort(path)
    assert digest(path) == before


def test_the_bundled_synthetic_cohort_is_not_modified_by_loading():
    before = digest(config.SYNTHETIC_COHORT)
    load_cohort()
    assert digest(config.SYNTHETIC_COHORT) == before


@pytest.mark.parametrize("name, content, fragment", [
    ("missing.csv", None, "file not found"),
    ("empty.csv", b"", "the file is empty"),
    ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 50, "looks binary"),
    ("cohort.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
    ("broken.xlsx", b"not a zip file", "cannot be read as an Excel"),
    ("header_only.csv", b"Age,Sex\n", "no data rows"),
])
def test_unreadable_files_give_one_clear_error_naming_the_file(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_cohort(path)
    assert fragment in str(info.value)
    assert name in str(info.value)
