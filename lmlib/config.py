"""Every path the project uses, derived from ``PROJ_ROOT`` (cookiecutter-data-science style).

Notebooks and scripts import paths from here and never hard-code them.
"""
from __future__ import annotations

from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[1]

DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"  # a user's own exports: read-only, git-ignored
PROCESSED_DIR = DATA_DIR / "processed"  # derived, git-ignored
SYNTHETIC_DIR = DATA_DIR / "synthetic"

CODEBOOK = DATA_DIR / "codebook.yaml"
PUBLISHED = DATA_DIR / "published.yaml"
SYNTHETIC_COHORT = SYNTHETIC_DIR / "synthetic_lm_cohort.csv"
SYNTHETIC_SCREENING = SYNTHETIC_DIR / "synthetic_screening_log.csv"

NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
TABLES_DIR = REPORTS_DIR / "tables"
