"""`make report DATA=<bad file>`: a non-zero exit and one clear message, never a traceback.

Each case runs the real `make -s report DATA=... DATA_CUT=...` in this checkout: the validate
step fails before any kernel starts and before anything is written, so it is quick and the
reports stay as they were (checked). Files that are unusual but valid (Windows-1254 CSV, Excel
with title rows and merged title cells) must pass `python -m lmlib.report validate`.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from lmlib import config
from lmlib.problems import MAX_LISTED

ROOT = config.PROJ_ROOT
DATA_CUT = "2018-12-31"
SYNTHETIC = config.SYNTHETIC_COHORT


def synthetic() -> pd.DataFrame:
    return pd.read_csv(SYNTHETIC, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    path.write_bytes(frame.to_csv(sep=";", index=False).encode(encoding))
    return path


def edited(path: Path, edits) -> Path:
    """The synthetic cohort with ``edits`` [(patient row index, column, value)]; spreadsheet row = index + 2."""
    frame = synthetic()
    for index, column, value in edits:
        frame.loc[index, column] = value
    return write(frame, path)


# Each case: (file name, how to make it, fragments the message must hold, cell = (row, column,
# value) when the problem is one cell, or None). Fragments name what was expected.
def case_missing(path):
    return path


def case_bytes(content: bytes):
    def make(path):
        path.write_bytes(content)
        return path
    return make


def case_prose(path):
    path.write_text("Sayın hocam,\nEkte LM hastalarının listesini gönderiyorum.\nSaygılarımla\n", encoding="utf-8")
    return path


def case_no_sex_column(path):
    return write(synthetic().drop(columns=["Cinsiyet"]), path)


def case_many_bad_ages(path):
    frame = synthetic()
    frame["Yaş"] = [f"yaşlı {i}" for i in range(len(frame))]
    return write(frame, path)


def case_one_bad_age_everywhere(path):
    frame = synthetic()
    frame["Yaş"] = "yaşlı"
    return write(frame, path)


def case_merged_data_cells(path):
    """Two patients' treatment typed once in a merged cell: Excel keeps the value in the first row only."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        synthetic().to_excel(writer, index=False)
        writer.sheets["Sheet1"].merge_cells("L2:L3")  # column L: Tedavi
    return path


CASES = [
    ("missing.csv", case_missing, ["missing.csv: file not found"], None),
    ("empty.csv", case_bytes(b""), ["empty.csv: the file is empty", "expected a header row"], None),
    ("scan.csv", case_bytes(b"%PDF-1.4\x00\x01\x02\x03" * 40), ["scan.csv: looks binary", "expected comma-"], None),
    ("report.xlsx", case_bytes(b"PK\x03\x04 this is not a workbook"), ["report.xlsx: cannot be read as an Excel"], None),
    ("letter.csv", case_prose, ["letter.csv", "expected a column for 'Patient ID'", "[missing_column]"], None),
    ("cohort.pdf", case_bytes(b"%PDF-1.4"), ["cohort.pdf: unsupported file type '.pdf'", "expected one of .csv"], None),
    ("cohort.xls", case_bytes(b"\xd0\xcf\x11\xe0"), ["cohort.xls: unsupported file type", "save it as .xlsx"], None),
    ("no_sex.csv", case_no_sex_column, ["no_sex.csv", "expected a column for 'Sex'"], None),
    ("unknown_level.csv", lambda p: edited(p, [(2, "Cinsiyet", "X")]),
     ["expected one of Female (Kadın), Male (Erkek)", "[invalid_categorical]"], (4, "Cinsiyet", "X")),
    ("impossible_date.csv", lambda p: edited(p, [(0, "LM tanı tarihi", "31.02.2015")]),
     ["expected a real calendar date", "[invalid_date]"], (2, "LM tanı tarihi", "31.02.2015")),
    ("future_date.csv", lambda p: edited(p, [(5, "Ölüm / son kontrol tarihi", "01.06.2019")]),
     # (the value is shown as read, yyyy-mm-dd: lmlib.derive checks dates after parsing them)
     ["expected a date on or before the data cut-off 2018-12-31"], (7, "Ölüm / son kontrol tarihi", "2019-06-01")),
    ("duplicate_id.csv", lambda p: edited(p, [(1, "Hasta No", "LM-001")]),
     ["expected a unique Patient ID (also on row", "[duplicate_id]"], (3, "Hasta No", "LM-001")),
    ("merged_cells.xlsx", case_merged_data_cells,
     ["merged_cells.xlsx, row 3, column 'Tedavi': expected a value for 'Treatment' (required)"], None),
    ("many_problems.csv", case_many_bad_ages,
     ["32 problem(s) must be fixed", f"... and {32 - MAX_LISTED} more", "expected a number"], (2, "Yaş", "yaşlı 0")),
    ("one_cause.csv", case_one_bad_age_everywhere,  # one value on every row: one line naming the rows
     ["32 problem(s) must be fixed", "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, ... (32 rows), column 'Yaş': "
      "value 'yaşlı': expected a number"], None),
]


def make_env() -> dict:
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    return {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}


def digest(path: Path):
    return (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) if path.exists() else None


def report_state() -> dict:
    """Every file under reports/ and data/processed/ (hidden ones too), with its hash and time."""
    state = {}
    for folder in (ROOT / "reports", config.PROCESSED_DIR):
        for path in folder.rglob("*") if folder.is_dir() else []:
            if path.is_file():
                state[str(path)] = digest(path)
    return state


@pytest.mark.parametrize("name, make_file, fragments, cell", CASES, ids=[c[0] for c in CASES])
def test_make_report_with_bad_input_exits_non_zero_with_one_clear_message(tmp_path, name, make_file, fragments, cell):
    path = make_file(tmp_path / name)
    before_input = digest(path)
    before_reports = report_state()
    # -o: never (re)install the environment from a test
    command = ["make", "-s", "--no-print-directory", "-o", ".venv/.installed", "report", f"DATA={path}",
               f"DATA_CUT={DATA_CUT}"]
    result = subprocess.run(command, cwd=ROOT, env=make_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    message = "\n".join(line for line in result.stderr.splitlines() if not line.startswith("make: ***"))
    assert "Traceback" not in result.stderr and 'File "' not in result.stderr
    assert message.startswith("lmlib: error: ") and message.count("lmlib: error:") == 1, message
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    if cell is not None:  # a cell: file, row, column, value and what was expected, on one line
        row, column, value = cell
        line = next((ln for ln in message.splitlines() if f"row {row}," in ln and f"column '{column}'" in ln), None)
        assert line is not None, message
        assert line.strip().startswith(f"- {name}, row {row}, column '{column}': value {value!r}: expected "), line
    assert len(message.splitlines()) <= MAX_LISTED + 3, "the list of problems is capped"
    assert digest(path) == before_input, "the input file is never modified"
    assert report_state() == before_reports, "a failed run leaves the reports and processed files as they were"


# ------------------------------------------------------------------------------ unusual but valid

def cp1254_csv(path: Path) -> Path:
    return write(synthetic(), path, encoding="cp1254")


def excel_with_title_rows(path: Path) -> Path:
    frame = synthetic()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, startrow=3)
        sheet = writer.sheets["Sheet1"]
        sheet["A1"] = "Radyoloji AD - leptomeningeal metastaz hastaları 2015-2018"
        sheet.merge_cells("A1:H1")
        sheet["A2"] = "Hazırlayan: Dr. X"
        sheet.merge_cells("A2:D2")
    return path


@pytest.mark.parametrize("name, make_file", [("cohort_cp1254.csv", cp1254_csv),
                                             ("cohort_titled.xlsx", excel_with_title_rows)])
def test_unusual_but_valid_files_pass_validation(tmp_path, name, make_file):
    path = make_file(tmp_path / name)
    raw = path.read_bytes()
    if name.endswith(".csv"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # really Windows-1254, not UTF-8
    result = subprocess.run([sys.executable, "-m", "lmlib.report", "validate", str(path), "--data-cut", DATA_CUT],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stderr) == (0, "")
    assert path.read_bytes() == raw

    from lmlib.cohort import load_cohort

    cohort = load_cohort(path, data_cut=DATA_CUT)
    assert cohort.n == 32
    assert cohort.data["sex"].value_counts().to_dict() == {"male": 20, "female": 12}
