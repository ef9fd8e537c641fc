"""Hostile and careless inputs end in one clear message, within a memory budget, and never hang.

Each bomb is generated here, small on disk (tests/hostile.py), and loaded in a fresh Python whose
peak resident memory (``os.wait4``) must stay within :data:`BUDGET`; a hang guard kills it after
a few minutes (a guard, not a speed criterion: times are measured by ``make bench``).
"""
from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys

import pandas as pd
import pytest

import hostile
from hostile import GiB, MiB, load_in_subprocess, measure, synthetic
from lmlib import config
from lmlib.cohort import load_cohort
from lmlib.problems import InputError, ValidationError

BUDGET = 4 * GiB
ROOT = config.PROJ_ROOT


def one_clear_message(code: int, err: str, *fragments: str) -> str:
    """The load ended in exit 2 with one short message holding ``fragments`` and no traceback."""
    assert code == 2, err[-3000:]
    assert "Traceback" not in err and 'File "' not in err, err[-3000:]
    assert len(err) < 1000, f"a message of {len(err):,} characters"
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    return err


# ------------------------------------------------------------------------------ bombs

BOMBS = [
    ("shared_string_1GiB.xlsx", lambda p: hostile.xlsx_shared_string_bomb(p, GiB), ["unzips to 1.0 GiB", "zip bomb"]),
    ("whitespace_2GiB.xlsx", lambda p: hostile.xlsx_whitespace_bomb(p, 2 * GiB), ["unzips to 2.0 GiB", "zip bomb"]),
    ("lying_sizes.xlsx", hostile.xlsx_lying_sizes, ["cannot be read as an Excel .xlsx workbook", "CRC"]),
    ("sparse_2GB.csv", hostile.csv_sparse, ["looks binary", "NUL byte"]),
    ("seventy_million_cells.csv", hostile.csv_many_cells, ["70,000,050 cells", "at most 60,000,000 cells"]),
    ("cell_500MB.csv", hostile.csv_long_cell, ["row 2, column 'Not'", "524,288,000 characters",
                                               "at most 32,767"]),
    ("hundred_million_rows.parquet", hostile.parquet_many_rows, ["declares 100,000,000 rows", "at most 60,000,000"]),
    ("thirty_GB_of_text.parquet", hostile.parquet_long_strings, ["characters of text"]),
    ("hundred_million_cases.sav", lambda p: hostile.sav_declaring_rows(p, 100_000_000),
     ["declares 100,000,000 cases × 36 variables"]),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, make, fragments", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_memory_bomb_is_refused_with_one_message_within_the_memory_budget(tmp_path, name, make, fragments):
    path = make(tmp_path / name)
    assert path.stat().st_size < 600 * MiB or name.startswith("sparse")
    before = path.stat().st_mtime_ns, path.stat().st_size
    code, err, seconds, peak = load_in_subprocess(path, timeout=240)
    one_clear_message(code, err, name, *fragments)
    assert peak <= BUDGET, f"peak {peak / GiB:.2f} GiB"
    assert (path.stat().st_mtime_ns, path.stat().st_size) == before


def test_a_cell_longer_than_excels_limit_is_refused_naming_its_row_and_column_not_its_text(tmp_path):
    path = hostile.xlsx_shared_string_bomb(tmp_path / "long_cell.xlsx", 40_000)  # Excel itself stops at 32,767
    with pytest.raises(InputError) as caught:
        load_cohort(path)
    message = str(caught.value)
    assert "row 2, column 'Hasta No': a cell of 40,000 characters; expected at most 32,767" in message
    assert "AAAA" not in message and len(message) < 300


# ------------------------------------------------------------------------------ files that are not files

def validate_command(data, *extra):
    return [sys.executable, "-m", "lmlib.report", "validate", str(data), *extra]


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "dev_stdin_pipe"])
def test_a_pipe_or_device_is_refused_before_a_byte_is_read(tmp_path, kind):
    stamp = tmp_path / "reports" / ".data"
    stdin = subprocess.DEVNULL
    if kind == "fifo":
        data = tmp_path / "export.csv"
        os.mkfifo(data)  # nobody ever writes: opening it would block forever
    elif kind == "dev_zero":
        data = Path("/dev/zero")  # hashing it would never end
    else:
        data, stdin = Path("/dev/stdin"), subprocess.PIPE  # an open pipe nobody writes to
    code, _, err, _, _ = measure(validate_command(data, "--stamp", str(stamp)), timeout=120, stdin=stdin)
    expected = {"fifo": "a named pipe (FIFO)", "dev_zero": "a character device", "dev_stdin_pipe": "a named pipe (FIFO)"}[kind]
    assert code == 2 and f"is {expected}, not a regular file" in err and "Traceback" not in err, err
    assert not stamp.exists() and not stamp.parent.exists()
    code, _, err, _, _ = measure([sys.executable, "-m", "lmlib", "clean", str(data), "--out",
                                  str(tmp_path / "out.parquet")], timeout=120, stdin=stdin)
    assert code == 1 and "not a regular file" in err and "Traceback" not in err, err


def test_the_hash_of_a_non_regular_file_is_refused_not_computed(tmp_path):
    import threading

    from lmlib.hashing import sha256_of

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: os.close(os.open(fifo, os.O_WRONLY)), daemon=True)
    writer.start()  # a writer that closes at once: a reader that opened the pipe would get nothing, not hang
    try:
        with pytest.raises(ValueError, match="not a regular file"):
            sha256_of(fifo)
    finally:
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer go if nobody read
        writer.join(timeout=10)
        os.close(reader)


# ------------------------------------------------------------------------------ encodings, headers, dates, rows

@pytest.mark.parametrize("bom, sep", [(True, "\t"), (False, ";")])
def test_a_utf16_csv_is_read_like_its_utf8_twin(tmp_path, bom, sep):
    utf16 = hostile.csv_utf16(tmp_path / "unicode.csv", bom=bom, sep=sep)
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(hostile.csv_text(sep=sep), encoding="utf-8")
    a, b = load_cohort(utf16), load_cohort(utf8)
    pd.testing.assert_frame_equal(a.data, b.data)
    assert list(a.data["patient_id"][:2]) == list(synthetic()["Hasta No"][:2])


def test_a_duplicate_header_in_a_workbook_is_one_message_naming_both_columns(tmp_path):
    path = hostile.xlsx_duplicate_header(tmp_path / "twice.xlsx")
    with pytest.raises(InputError) as caught:
        load_cohort(path)
    assert "the header 'Yaş' appears twice (columns 2 and 37)" in str(caught.value)


def test_a_duplicate_header_in_a_csv_is_refused_not_renamed_and_dropped(tmp_path):
    frame = synthetic()
    text = hostile.csv_text(frame.assign(Extra=frame["Yaş"].astype(int) + 1))
    path = tmp_path / "twice.csv"
    path.write_text(text.replace(";Extra\r\n", ";Yaş\r\n", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"the header 'Yaş' appears twice \(columns 2 and 37\)"):
        load_cohort(path)


def test_a_year_9999_date_in_parquet_is_a_problem_of_its_row_not_a_traceback(tmp_path):
    path = hostile.parquet_far_date(tmp_path / "far.parquet")
    with pytest.raises(ValidationError) as caught:
        load_cohort(path)
    assert "far.parquet, row 1, column 'LM tanı tarihi'" in str(caught.value)
    assert "between the years 1678 and 2261" in str(caught.value)


def test_a_year_9999_date_typed_in_a_csv_is_a_problem_of_its_row(tmp_path):
    frame = synthetic()
    frame.loc[3, "LM tanı tarihi"] = "31.12.9999"
    path = tmp_path / "far.csv"
    path.write_text(hostile.csv_text(frame), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"far.csv, row 5, column 'LM tanı tarihi': value '31.12.9999'"):
        load_cohort(path)


def test_row_numbers_count_blank_lines_as_the_spreadsheet_does(tmp_path):
    lines = hostile.csv_text().split("\r\n")
    lines[4] = lines[4].replace(lines[4].split(";")[1], "yaşlı", 1)  # patient 4 (spreadsheet row 5) in the export
    # two blank lines above the header and one between patients 2 and 3; Excel numbers every line
    text = "\r\n\r\n" + "\r\n".join(lines[:3] + [""] + lines[3:])
    path = tmp_path / "blank_lines.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_cohort(path)
    # header on row 3; patient 4 was line 5 of the export, now 2 + 1 lines lower
    assert "blank_lines.csv, row 8, column 'Yaş': value 'yaşlı'" in str(caught.value)
    assert pd.read_csv(path, skiprows=7, nrows=1, header=None, sep=";").iloc[0, 1] == "yaşlı"  # row 8 indeed


def test_a_row_of_only_separators_is_a_blank_row_as_in_the_workbook(tmp_path):
    lines = hostile.csv_text().split("\r\n")
    separators = ";" * (len(lines[0].split(";")) - 1)
    path = tmp_path / "empty_row.csv"
    path.write_text("\r\n".join(lines[:5] + [separators] + lines[5:]), encoding="utf-8")
    cohort = load_cohort(path)
    assert cohort.n == 32 and 6 not in cohort.data.index and cohort.data.index[-1] == 34


def test_a_long_invalid_value_is_echoed_cut_to_about_eighty_characters(tmp_path):
    frame = synthetic()
    frame.loc[0, "Cinsiyet"] = "K" * 10_000
    path = tmp_path / "long_value.csv"
    path.write_text(hostile.csv_text(frame), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_cohort(path)
    line = next(ln for ln in str(caught.value).splitlines() if "column 'Cinsiyet'" in ln)
    assert "… (10,000 characters)" in line and len(line) < 400


# ------------------------------------------------------------------------------ identifiers

NATIONAL_ID = "12345678950"  # valid check digits


@pytest.mark.parametrize("written", [
    "123 456 789 50", "１２３４５６７８９５０", "1.2345678950E10", "12.345.678.950", "ayşe.yılmaz@örnek.com.tr",
    "532 123 45 67", "5321234567", "Ayşe Yılmaz", "MEHMET ALI DEMIR",
])
def test_a_patient_id_that_is_an_identifier_in_any_spelling_is_an_error(tmp_path, written):
    frame = synthetic()
    frame.loc[2, "Hasta No"] = written
    path = tmp_path / "ids.csv"
    path.write_text(hostile.csv_text(frame), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_cohort(path)
    message = str(caught.value)
    assert "ids.csv, row 4, column 'Hasta No': expected a study number" in message
    assert written not in message


@pytest.mark.parametrize("header, shown", [
    (NATIONAL_ID, "column 37 (header withheld: it looks like an identifier)"),
    ("Refakatçi Mehmet Demir 05321234567", "column 37 (header withheld: it looks like an identifier)"),
])
def test_a_header_that_looks_like_an_identifier_is_never_printed(tmp_path, header, shown):
    frame = synthetic()
    frame[header] = "x"
    path = tmp_path / "headers.csv"
    path.write_text(hostile.csv_text(frame), encoding="utf-8")
    cohort = load_cohort(path)
    columns = list(cohort.problems["column"].dropna())
    assert shown in columns and not any(header in c or "05321234567" in c for c in columns)
    assert header not in set(cohort.columns["input"])
    problems = tmp_path / "problems.csv"
    code, out, err, _, _ = measure([sys.executable, "-m", "lmlib", "clean", str(path), "--out",
                                    str(tmp_path / "out.parquet"), "--problems", str(problems)], timeout=120)
    assert code == 0, err
    assert header not in out + err + problems.read_text(encoding="utf-8") and shown in err


# ------------------------------------------------------------------------------ the input is never written

def test_clean_refuses_an_output_that_is_its_input_and_leaves_it_as_it_was(tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(config.SYNTHETIC_COHORT.read_bytes())
    before = path.read_bytes(), path.stat().st_mtime_ns
    for options in (["--problems", str(path)], ["--out", str(path)], ["--out", str(tmp_path / "x.parquet"),
                                                                     "--problems", str(tmp_path / "x.parquet")]):
        code, out, err, _, _ = measure([sys.executable, "-m", "lmlib", "clean", str(path), *options], timeout=120)
        assert code == 1 and err.startswith("lmlib: error: ") and err.count("\n") == 1, err
        assert "refusing to write over the input" in err or "given as two different outputs" in err
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not (tmp_path / "x.parquet").exists()


@pytest.mark.parametrize("folder", ["data/processed", "reports"])
def test_an_input_inside_the_pipelines_own_output_folders_is_refused(tmp_path, folder):
    target = ROOT / folder / "lmlib-test-input.csv"
    created = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(config.SYNTHETIC_COHORT.read_bytes())
    try:
        with pytest.raises(InputError, match=f"the input is inside {folder}/, which the pipeline writes"):
            load_cohort(target)
        code, _, err, _, _ = measure(validate_command(target.relative_to(ROOT)), timeout=120)
        assert code == 2 and "which the pipeline writes" in err
    finally:
        target.unlink()
        if created:
            target.parent.rmdir()


# ------------------------------------------------------------------------------ settings of the commands

@pytest.mark.parametrize("command", [
    ["-m", "lmlib", "clean", "DATA", "--data-cut", "abc"],
    ["-m", "lmlib", "clean", "DATA", "--data-cut", "2018-02-30"],
    ["-m", "lmlib.report", "section", "notebooks/01_descriptive.ipynb", "OUT", "--decimals", "-1"],
    ["-m", "lmlib.report", "section", "notebooks/01_descriptive.ipynb", "OUT", "--decimals", "100"],
    ["-m", "lmlib.report", "build", "notebooks/01_descriptive.ipynb", "--data", "DATA", "--decimals", "abc"],
    ["-m", "lmlib.report", "build", "notebooks/01_descriptive.ipynb", "--data", "DATA", "--suppress-below", "1"],
    ["-m", "lmlib.report", "index", "OUT", "--data-cut", "31.12.2018"],
])
def test_every_command_checks_its_settings_before_anything_is_touched(tmp_path, command):
    out = tmp_path / "out" / "x.html"
    args = [str(config.SYNTHETIC_COHORT) if a == "DATA" else str(out) if a == "OUT" else a for a in command]
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("lmlib: error: ") and "expected" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_clean_in_strict_mode_with_warnings_succeeds_and_lists_them(tmp_path):
    frame = synthetic().assign(Notlar="x")
    path = tmp_path / "warnings.csv"
    path.write_text(hostile.csv_text(frame), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lmlib", "clean", str(path), "--out", str(tmp_path / "o.parquet")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "warnings.csv: 32 patients, 0 error(s), 1 warning(s)" in result.stdout
    assert "warning: warnings.csv, column 'Notlar': expected a column the codebook knows" in result.stderr


# ------------------------------------------------------------------------------ found by make fuzz

def test_a_csv_with_old_mac_line_ends_reads_like_its_twin(tmp_path):
    cr = tmp_path / "mac.csv"
    cr.write_text(hostile.csv_text().replace("\r\n", "\r"), encoding="utf-8", newline="")
    crlf = tmp_path / "windows.csv"
    crlf.write_text(hostile.csv_text(), encoding="utf-8", newline="")
    pd.testing.assert_frame_equal(load_cohort(cr).data, load_cohort(crlf).data)


def test_a_parquet_file_whose_column_names_are_not_utf8_is_one_message(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "names.parquet"
    pq.write_table(pa.Table.from_pandas(synthetic(), preserve_index=False).replace_schema_metadata(None), path)
    path.write_bytes(path.read_bytes().replace(b"Cinsiyet", b"Cins\x96yet"))  # not UTF-8, in the footer
    with pytest.raises(InputError, match="names.parquet: cannot be read as a Parquet file"):
        load_cohort(path)


# ------------------------------------------------------------------------------ code in a name

@pytest.mark.parametrize("name", ['a"b.csv', "a\\\\\"; import os; os.system('touch PWNED'); x=\"\\\\.csv",
                                  'a"""b\n c.csv', "x\\u0022y\\x00z.csv", "ş'ı\"; __import__('os').system('id') #.csv"])
def test_a_path_with_quotes_backslashes_or_newlines_reaches_the_notebook_as_literal_text(name):
    """The notebook parameters cell papermill injects is Python source: a path must come back
    as the same string, never as code."""
    import ast

    from papermill.translators import translate_parameters

    source = translate_parameters("python3", "python", {"data": f"/tmp/{name}"}, "Parameters")
    assignments = [node for node in ast.parse(source).body]
    assert len(assignments) == 1 and isinstance(assignments[0], ast.Assign)
    assert ast.literal_eval(assignments[0].value) == f"/tmp/{name}"
