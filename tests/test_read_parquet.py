"""Parquet input: one .parquet file, or a folder of parts (a registry export), through the same
reading and cleaning as CSV, Excel and SPSS."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from lmlib import config, scale
from lmlib.cohort import load_cohort
from lmlib.hashing import sha256_of
from lmlib.problems import InputError
from lmlib.read import read_table


@pytest.fixture(scope="module")
def reference():
    return load_cohort(None, data_cut="2018-12-31")


def export_frame() -> pd.DataFrame:
    """The synthetic hospital export with the column types pandas infers (numbers, text)."""
    return pd.read_csv(config.SYNTHETIC_COHORT, sep=None, engine="python", encoding="utf-8-sig")


def test_a_parquet_export_loads_to_the_same_cohort_as_the_csv(tmp_path, reference):
    path = tmp_path / "export.parquet"
    export_frame().to_parquet(path)
    cohort = load_cohort(path, data_cut="2018-12-31")
    pd.testing.assert_frame_equal(cohort.data.reset_index(drop=True), reference.data.reset_index(drop=True))
    assert cohort.sha256 == sha256_of(path) and cohort.name == "export.parquet"


def test_a_folder_of_parts_in_the_cleaned_schema_loads_with_the_same_values_and_derived_columns(tmp_path):
    frame = scale.generate_large(600, seed=3)
    scale.write_parquet_parts(frame, tmp_path / "registry", 3)
    cohort = load_cohort(tmp_path / "registry", data_cut="2019-12-31")
    assert cohort.n == 600 and len(cohort.errors) == 0
    assert list(cohort.data.index) == list(range(1, 601))  # record numbers across the parts
    for column in frame.columns:  # derived columns are recomputed from the others, and agree
        assert frame[column].reset_index(drop=True).astype(str).equals(
            cohort.data[column].reset_index(drop=True).astype(str)), column


def test_a_folders_digest_follows_its_parts_names_and_bytes_not_their_times(tmp_path):
    frame = scale.generate_large(50, seed=1)
    folder = tmp_path / "registry"
    scale.write_parquet_parts(frame, folder, 2)
    first = sha256_of(folder)
    part = sorted(folder.glob("*.parquet"))[0]
    os.utime(part, (1, 1))
    assert sha256_of(folder) == first
    (folder / "notes.txt").write_text("not a part", encoding="utf-8")
    assert sha256_of(folder) == first
    part.rename(folder / "part-99999.parquet")
    assert sha256_of(folder) != first


def test_reading_a_folder_never_modifies_it(tmp_path):
    folder = tmp_path / "registry"
    scale.write_parquet_parts(scale.generate_large(40, seed=2), folder, 2)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    load_cohort(folder, data_cut="2019-12-31")
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before


def test_a_folder_without_parquet_files_is_refused_with_what_was_expected(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"is a folder without \.parquet files; expected a \.csv"):
        read_table(tmp_path)


def test_parts_with_other_columns_are_refused_naming_the_part(tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    pd.DataFrame({"Yaş": [50], "Cinsiyet": ["Erkek"]}).to_parquet(folder / "part-00000.parquet")
    pd.DataFrame({"Yaş": [60]}).to_parquet(folder / "part-00001.parquet")
    with pytest.raises(InputError, match=r"part-00001\.parquet: its columns differ from those of part-00000"):
        read_table(folder)


def test_a_file_that_is_not_parquet_is_refused_naming_it(tmp_path):
    path = tmp_path / "export.parquet"
    path.write_bytes(b"Hasta No;Yas\n1;50\n")
    with pytest.raises(InputError, match=r"export\.parquet: cannot be read as a Parquet file"):
        read_table(path)


def test_bad_values_in_a_parquet_part_are_reported_with_record_column_value_and_expectation(tmp_path):
    frame = export_frame()
    frame.loc[4, "Yaş"] = 250
    path = tmp_path / "export.parquet"
    frame.to_parquet(path)
    cohort = load_cohort(path, strict=False, data_cut="2018-12-31")
    row = cohort.errors.iloc[0]
    assert (row.file, int(row.row), row.column, str(row.value)) == ("export.parquet", 5, "Yaş", "250")
    assert row.expected


def test_derived_columns_given_as_input_are_flagged_as_recomputed_not_unknown(tmp_path):
    scale.write_parquet_parts(scale.generate_large(30, seed=4), tmp_path / "registry", 1)
    cohort = load_cohort(tmp_path / "registry", data_cut="2019-12-31")
    flagged = cohort.problems.set_index("column")["rule"]
    assert flagged["survival_days"] == flagged["cn_group_7_8"] == "derived_column"
    assert "unknown_column" not in set(flagged)
    assert "values given here are not used" in cohort.problems["expected"].iloc[0]
