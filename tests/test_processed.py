"""The cleaned cohort is written atomically to data/processed/ with its input's SHA-256."""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from lmlib import config, scale
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort, write_processed
from lmlib.processed import read_processed


def test_processed_cohort_round_trips_with_the_input_hash(tmp_path):
    cohort = load_cohort()
    target = write_processed(cohort, tmp_path / "cohort.parquet")
    back = pd.read_parquet(target)
    assert list(back.columns) == list(cohort.data.columns) and len(back) == 32
    meta = json.loads(target.with_suffix(".json").read_text())
    assert meta["input_sha256"] == hashlib.sha256(config.SYNTHETIC_COHORT.read_bytes()).hexdigest()
    assert meta["synthetic"] is True and meta["n"] == 32
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.json", "cohort.parquet"]  # no temp files left


def test_a_failed_write_leaves_the_previous_processed_file(tmp_path, monkeypatch):
    cohort = load_cohort()
    target = write_processed(cohort, tmp_path / "cohort.parquet")
    before = target.read_bytes()

    def broken(self, path, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    try:
        write_processed(cohort, target)
    except OSError:
        pass
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.json", "cohort.parquet"]


def test_processed_output_holds_no_direct_identifier_columns():
    cohort = load_cohort()
    identifiers = {"name", "national_id", "record_number", "phone", "address", "email", "birth_date"}
    assert identifiers.isdisjoint(cohort.data.columns)
    assert config.PROCESSED_DIR.name == "processed"


# ------------------------------------------------------------------------------ reuse by the sections

@pytest.fixture()
def processed(tmp_path, monkeypatch):
    folder = tmp_path / "processed"
    folder.mkdir()
    monkeypatch.setattr(config, "PROCESSED_DIR", folder)
    return folder


def assert_same_cohort(a, b):
    pd.testing.assert_frame_equal(a.data, b.data, check_exact=True, check_index_type=True)
    pd.testing.assert_frame_equal(a.problems, b.problems, check_exact=True)
    pd.testing.assert_frame_equal(a.columns, b.columns, check_exact=True)
    assert (a.provenance(), repr(a), a.source) == (b.provenance(), repr(b), b.source)


@pytest.mark.parametrize("kind", ["synthetic csv", "parquet folder with warnings"])
def test_a_reused_cohort_is_the_cohort_a_fresh_load_gives_and_nothing_is_read_or_cleaned(kind, processed, tmp_path,
                                                                                         monkeypatch):
    if kind == "synthetic csv":
        path, cut = config.SYNTHETIC_COHORT, "2018-12-31"
    else:
        path, cut = tmp_path / "registry", "2019-12-31"
        scale.write_parquet_parts(scale.generate_large(400, seed=9), path, 2)
    fresh = load_cohort(path, data_cut=cut)
    write_processed(fresh)
    import lmlib.cohort as cohort_module

    def no_read(*args, **kwargs):
        raise AssertionError("the input was read again")

    monkeypatch.setattr(cohort_module, "read_table", no_read)
    assert_same_cohort(load_cohort(path, data_cut=cut, reuse_processed=True), fresh)


def test_nothing_is_reused_unless_asked_for_and_never_for_a_lenient_load(processed, monkeypatch):
    write_processed(load_cohort(data_cut="2018-12-31"))
    import lmlib.cohort as cohort_module

    monkeypatch.setattr(cohort_module, "read_processed", lambda *a, **k: pytest.fail("processed data was read"))
    load_cohort(data_cut="2018-12-31")
    load_cohort(data_cut="2018-12-31", strict=False, reuse_processed=True)


def test_another_input_data_cut_codebook_or_lmlib_is_never_served_from_the_processed_cohort(processed, tmp_path):
    cohort = load_cohort(data_cut="2018-12-31")
    write_processed(cohort)
    cb = load_codebook()
    cut = pd.Timestamp("2018-12-31")
    assert read_processed(cohort.source, cb, cut, cohort.sha256) is not None
    assert read_processed(cohort.source, cb, pd.Timestamp("2019-06-30"), cohort.sha256) is None
    assert read_processed(cohort.source, cb, None, cohort.sha256) is None
    assert read_processed(cohort.source, cb, cut, "0" * 64) is None  # another input file
    other = tmp_path / "codebook.yaml"
    other.write_text(config.CODEBOOK.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert read_processed(cohort.source, load_codebook(other), cut, cohort.sha256) is None
    meta = json.loads((processed / "cohort.json").read_text())
    meta["reuse"]["key"]["lmlib"] = "an older lmlib"
    (processed / "cohort.json").write_text(json.dumps(meta), encoding="utf-8")
    assert read_processed(cohort.source, cb, cut, cohort.sha256) is None


def test_a_damaged_or_missing_processed_cohort_means_a_fresh_load(processed):
    cohort = load_cohort(data_cut="2018-12-31")
    write_processed(cohort)
    (processed / "cohort.parquet").write_bytes(b"half a file")
    assert read_processed(cohort.source, load_codebook(), pd.Timestamp("2018-12-31"), cohort.sha256) is None
    assert_same_cohort(load_cohort(data_cut="2018-12-31", reuse_processed=True), cohort)
    (processed / "cohort.json").unlink()
    assert read_processed(cohort.source, load_codebook(), pd.Timestamp("2018-12-31"), cohort.sha256) is None


def test_no_reuse_key_is_written_when_the_parquet_would_not_give_the_cohort_back(processed, monkeypatch):
    import lmlib.processed as processed_module

    monkeypatch.setattr(processed_module, "_identical", lambda a, b: False)
    write_processed(load_cohort(data_cut="2018-12-31"))
    assert "reuse" not in json.loads((processed / "cohort.json").read_text())


@pytest.mark.parametrize("extra_column", ["Ad Soyad", "Yakını"])
def test_an_input_with_an_identifier_or_unknown_column_is_never_reused_and_its_header_not_stored(
        extra_column, processed, tmp_path):
    raw = pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw[extra_column] = "Ayşe Yılmaz"
    path = tmp_path / "export.csv"
    raw.to_csv(path, sep=";", index=False)
    write_processed(load_cohort(path, data_cut="2018-12-31"))
    stored = (processed / "cohort.json").read_text(encoding="utf-8")
    assert "reuse" not in json.loads(stored)
    assert extra_column not in stored and "Ayşe" not in stored


def test_a_lenient_load_with_errors_is_never_reused_by_a_strict_one(processed, tmp_path):
    raw = pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw.loc[3, "Yaş"] = "250"
    path = tmp_path / "export.csv"
    raw.to_csv(path, sep=";", index=False)
    lenient = load_cohort(path, strict=False, data_cut="2018-12-31")
    assert len(lenient.errors) == 1
    write_processed(lenient)
    assert "reuse" not in json.loads((processed / "cohort.json").read_text())


def test_rows_of_another_cohort_beside_the_json_are_never_reused(processed, tmp_path):
    # a run killed between the two writes: the JSON of one input beside the Parquet of another
    cohort = load_cohort(data_cut="2018-12-31")
    write_processed(cohort)
    json_of_first = (processed / "cohort.json").read_bytes()
    other = tmp_path / "registry"
    scale.write_parquet_parts(scale.generate_large(32, seed=2), other, 1)  # same n: only the digest tells
    write_processed(load_cohort(other, data_cut="2018-12-31"))
    (processed / "cohort.json").write_bytes(json_of_first)
    assert read_processed(cohort.source, load_codebook(), pd.Timestamp("2018-12-31"), cohort.sha256) is None
