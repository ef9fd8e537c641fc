"""How an input is named in outputs, and the synthetic banner decided by content, not by name."""
from __future__ import annotations

import html
import io
import shutil

import pandas as pd
import pytest

from lmlib import config, flow
from lmlib.cohort import load_cohort
from lmlib.colophon import colophon, colophon_html
from lmlib.report.index import index_page
from lmlib.synthetic import export_bytes, generate_cohort, generate_screening, to_hospital_export

ID_NAME = "Ayse_Yilmaz_12345678950.csv"  # valid check digits
WITHHELD = "(withheld: the name looks like a direct identifier)"


def provenance():
    from lmlib import provenance as module  # new with the checks: imported by the tests that need it

    return module


def test_the_recorded_digests_are_those_of_what_the_generator_writes():
    import hashlib

    cohort = generate_cohort()
    made = {hashlib.sha256(export_bytes(to_hospital_export(cohort))).hexdigest(),
            hashlib.sha256(export_bytes(generate_screening(cohort))).hexdigest()}
    assert made == set(provenance().SYNTHETIC_SHA256)


def test_the_bundled_cohort_under_another_name_is_still_synthetic(tmp_path):
    copy = tmp_path / "cohort.csv"
    shutil.copyfile(config.SYNTHETIC_COHORT, copy)
    cohort = load_cohort(copy)
    assert cohort.is_synthetic and cohort.provenance()["synthetic"] is True
    assert provenance().is_synthetic(copy)
    assert "SYNTHETIC DATA" in index_page([("Descriptive", "01_descriptive.html")], cohort)
    assert flow.screening_source(str(copy)) == config.SYNTHETIC_SCREENING


def test_a_patient_export_named_synthetic_is_not_labelled_synthetic(tmp_path):
    frame = pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[0, "Yaş"] = str(int(frame.loc[0, "Yaş"]) + 1)  # one patient's age: no longer the bundled file
    path = tmp_path / "nonsynthetic_export.csv"
    path.write_text(frame.to_csv(sep=";", index=False), encoding="utf-8")
    cohort = load_cohort(path)
    assert not cohort.is_synthetic and not provenance().is_synthetic(path)
    assert "SYNTHETIC DATA" not in index_page([("Descriptive", "01_descriptive.html")], cohort)
    assert flow.screening_source(str(path)) is None


def test_a_file_name_that_looks_like_an_identifier_is_withheld_everywhere_it_would_be_shown(tmp_path):
    path = tmp_path / ID_NAME
    shutil.copyfile(config.SYNTHETIC_COHORT, path)
    cohort = load_cohort(path)
    assert cohort.provenance()["input_file"] is None
    assert "12345678950" not in repr(cohort) + cohort._repr_html_() + cohort.name
    table = colophon(cohort, {"data": str(path), "lang": "en"}, versions={}, commit="x")
    page = colophon_html(table) + index_page([("Descriptive", "01_descriptive.html")], cohort)
    assert "12345678950" not in page and "Ayse" not in page
    assert "withheld: the name looks like a direct identifier" in page


@pytest.mark.parametrize("path, shown", [
    (config.PROJ_ROOT / "data" / "raw" / "export.csv", "data/raw/export.csv"),
    (config.PROJ_ROOT / "data" / "raw" / "Mehmet Demir 05321234567" / "export.csv", "export.csv"),
    ("/home/dr_ayse/exports/export.csv", "export.csv"),
    (f"/home/dr_ayse/{ID_NAME}", WITHHELD),
    ("C:\\Users\\ayse\\export.xlsx", "export.xlsx"),
    ("", ""),
])
def test_a_path_is_recorded_relative_to_the_project_or_by_its_name_never_absolute(path, shown):
    assert provenance().shown_path(path) == shown


def test_the_html_repr_of_a_cohort_escapes_its_name(tmp_path):
    path = tmp_path / 'c"><svg onload=alert(1)>.csv'
    shutil.copyfile(config.SYNTHETIC_COHORT, path)
    shown = load_cohort(path)._repr_html_()
    assert "<svg" not in shown and html.escape(path.name) in shown


def test_a_long_read_reports_how_far_into_the_file_it_is(tmp_path, monkeypatch):
    from lmlib import progress

    path = tmp_path / "big.xlsx"
    path.write_bytes(b"x" * 1000)
    stream = io.StringIO()
    monkeypatch.setattr(progress, "EVERY", 0.05)
    progress.enable(stream)
    try:
        with progress.reading(path), open(path, "rb", buffering=0) as handle:
            handle.read(500)
            import time

            time.sleep(0.3)
    finally:
        progress.enable(None)
    lines = stream.getvalue().splitlines()
    assert lines and lines[0].startswith("lmlib: reading big.xlsx: 50% of the file, ")
    assert "Parquet" in lines[0] and "Parquet" not in "".join(lines[1:])


def test_reading_prints_nothing_unless_a_command_enabled_it(tmp_path, capsys, monkeypatch):
    from lmlib import progress

    monkeypatch.setattr(progress, "EVERY", 0.01)
    with progress.reading(config.SYNTHETIC_COHORT):
        import time

        time.sleep(0.05)
    assert capsys.readouterr() == ("", "")
