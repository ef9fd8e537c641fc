"""The cleaned cohort is written atomically to data/processed/ with its input's SHA-256."""
from __future__ import annotations

import hashlib
import json

import pandas as pd

from lmlib import config
from lmlib.cohort import load_cohort, write_processed


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
