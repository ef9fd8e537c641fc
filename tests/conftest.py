"""Shared fixtures: the codebook, and small cohort files written the way exports look."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmlib.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def codebook():
    return load_codebook()


def minimal_rows(n: int = 3) -> list[dict]:
    """A small valid cohort with English headers (every required column present)."""
    rows = []
    for i in range(n):
        rows.append({
            "Patient ID": f"P{i + 1}", "Age": 50 + i, "Sex": ["Female", "Male"][i % 2],
            "Primary site": "Lung", "Histology": "Adenocarcinoma", "Treatment": "CT",
            "LM diagnosis date": "01.02.2016", "Last contact date": "15.03.2016",
            "Vital status": "Dead", "Location": "Infratentorial", "Enhancement pattern": "Linear",
            "Hydrocephalus": "No", "Parenchyma": "Yes", "Dura": "No", "Calvarium": "No",
            "Headache": "Yes",
        })
    return rows


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (list of dicts or a DataFrame) as a CSV file and return its path."""

    def _write(rows, name="cohort.csv", encoding="utf-8", sep=","):
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        path = tmp_path / name
        path.write_bytes(frame.to_csv(index=False, sep=sep).encode(encoding))
        return path

    return _write
