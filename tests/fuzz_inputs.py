"""``make fuzz``: over 10,000 generated cohort files, each loaded or refused with one clear message.

Not part of ``make test`` (the file name does not match ``test_*.py``; ``make fuzz`` names it).
Hypothesis, seeded (:data:`SEED`, no example database), generates CSV, Excel .xlsx, SPSS .sav and
Parquet files from the bundled synthetic export with the mutations a hospital export or a hostile
user brings: encodings, delimiters, BOMs, NUL bytes and truncation; headers renamed, duplicated,
dropped, blank, long, holding markup or an identifier; levels misspelt or unknown; dates in other
formats, impossible or far away; rows added, blanked, cut; typed cells (numbers, dates, booleans);
corrupted bytes. Every file is loaded in this process (``load_cohort``, strict or lenient), and:

* it loads (a report could be built), or raises :class:`~lmlib.problems.InputError` whose
  message is non-empty, holds no traceback, is short, and names the file;
* anything else (a bare exception) fails the run, with the example that caused it;
* the file is byte for byte unchanged afterwards.

A sample goes through the whole ``make report`` in a copy of the project (exit 0, or exit 2 and
one ``lmlib: error:`` message; never a traceback). The counts per format and outcome are printed
at the end and written to ``bench/results/fuzz.json`` (the README's "Reliability" section).
``LMLIB_FUZZ_SCALE=0.1 make fuzz`` runs a tenth of the examples.
"""
from __future__ import annotations

from collections import Counter
import hashlib
import io
import json
import os
from pathlib import Path
import zipfile

from hypothesis import HealthCheck, given, seed, settings, strategies as st
import pandas as pd
import pytest

import hostile
from hostile import load_in_subprocess
from lmlib import config
from lmlib.cohort import load_cohort
from lmlib.problems import InputError
from test_hostile_inputs import BOMBS

SEED = 20260414
SCALE = float(os.environ.get("LMLIB_FUZZ_SCALE", "1"))
EXAMPLES = {"csv": 4000, "xlsx": 2000, "sav": 2000, "parquet": 2000}  # 10,000 in all
REPORT_SAMPLE = 8  # of them, also through `make report`
MESSAGE_LIMIT = 16_000  # characters: at most 25 problems spelled out (each with its list of levels), values cut
COUNTS: Counter = Counter()
BASE = hostile.synthetic()
HEADERS = list(BASE.columns)


def examples(kind: str) -> int:
    return max(1, int(EXAMPLES[kind] * SCALE))


def fuzz_settings(kind: str):
    return settings(max_examples=examples(kind), deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


# ------------------------------------------------------------------------------ mutations of the table

MARKUP = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "=HYPERLINK(\"http://x\")", "@SUM(1)",
          "+cmd|' /C calc'!A0", "\x1b[2J", "Robert'); DROP TABLE patients;--"]
IDENTIFIERS = ["12345678950", "123 456 789 50", "１２３４５６７８９５０", "1.2345678950E10", "0532 123 45 67",
               "532 123 45 67", "ayşe@örnek.com.tr", "Ayşe Yılmaz", "10000000146"]
DATES = ["31.02.2016", "2016-13-01", "01.01.1800", "31.12.9999", "29.02.2017", "45000", "45000.5", "2958466",
         "1.1.2016", "2016/01/15", "15-01-2016", "01.01.2100", "", "NA", "?", "0", "-1"]
LEVELS = ["E", "K", "e", "k", "Erkek", "KADIN", "kadın", "M", "F", "x", "Kadin ", " E", "İNFRATENTORYAL",
          "Supra+infra", "supra / infra", "Lineer+nodüler", "Var", "Yok", "var (+)", "1", "0", "2", "-", "+",
          "evet", "Hayır", "yes", "NO", "", "NA", "bilinmiyor"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
CELL = st.one_of(TEXT, st.sampled_from(MARKUP + IDENTIFIERS + DATES + LEVELS + ["x" * 40_000]),
                 st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True, allow_infinity=True).map(str))
HEADER = st.one_of(st.sampled_from(HEADERS), st.sampled_from(MARKUP + IDENTIFIERS + ["", " ", "Unnamed: 3", "yas",
                   "AGE", "Yaş.1", "Age", "x" * 200]), TEXT)


@st.composite
def tables(draw) -> pd.DataFrame:
    """The synthetic export with a few rows, headers and cells mutated (often still valid)."""
    frame = BASE.copy()
    rows = draw(st.integers(0, 40))
    if rows < len(frame):
        frame = frame.iloc[:rows]
    elif rows > len(frame):
        extra = frame.sample(rows - len(frame), replace=True, random_state=draw(st.integers(0, 1000)))
        frame = pd.concat([frame, extra], ignore_index=True)
        frame["Hasta No"] = [f"LM-{i:03d}" for i in range(len(frame))]
    frame = frame.reset_index(drop=True)
    headers = list(frame.columns)
    frame.columns = range(len(headers))  # by position: headers may repeat
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 4]))):
        if len(frame) == 0:
            break
        frame.iat[draw(st.integers(0, len(frame) - 1)), draw(st.integers(0, len(headers) - 1))] = draw(CELL)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        position = draw(st.integers(0, len(headers) - 1))
        action = draw(st.sampled_from(["rename", "drop", "duplicate", "add"]))
        if action == "rename":
            headers[position] = draw(HEADER)
        elif action == "drop" and len(headers) > 1:
            frame = frame.drop(columns=frame.columns[position])
            headers.pop(position)
        elif action == "duplicate":
            frame[len(frame.columns) + 1000] = frame.iloc[:, position]
            headers.append(headers[position])
        elif action == "add":
            frame[len(frame.columns) + 1000] = draw(CELL)
            headers.append(draw(HEADER))
        frame.columns = range(len(headers))
    frame.columns = headers
    return frame


def csv_bytes(frame: pd.DataFrame, draw, mild: bool = False) -> bytes:
    """The table as a CSV file's bytes; ``mild``: only the separators and encodings a hospital's
    Excel writes (so that a sample through make report often builds)."""
    sep = draw(st.sampled_from([";", ",", "\t"] + ([] if mild else ["|"])))
    text = frame.to_csv(sep=sep, index=False, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 3))):  # blank lines, including above the header
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["", sep * 3, "   "])))
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1254", "utf-16"] + ([] if mild else [
        "utf-16-le", "utf-16-be", "latin-1", "utf-32"])))
    data = text.encode(encoding, errors="replace")
    return data if mild else bytes_mutation(data, draw)


def bytes_mutation(data: bytes, draw) -> bytes:
    """Now and then: truncated, a few bytes flipped, NUL bytes or noise appended."""
    kind = draw(st.sampled_from(["none"] * 6 + ["truncate", "flip", "nul", "noise"]))
    at = st.floats(0, 1, exclude_max=True)  # a position as a share of the length: the draws never depend on
    if kind == "truncate" and data:         # the bytes (a workbook's carry the time it was written)
        return data[:int(draw(at) * (len(data) + 1))]
    if kind == "flip" and data:
        buffer = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            buffer[int(draw(at) * len(buffer))] = draw(st.integers(0, 255))
        return bytes(buffer)
    if kind == "nul":
        return data + b"\x00" * draw(st.integers(1, 64))
    if kind == "noise":
        return data + draw(st.binary(min_size=1, max_size=64))
    return data


def typed(frame: pd.DataFrame, draw) -> pd.DataFrame:
    """Some columns as numbers, dates or booleans, as Excel, SPSS and Parquet keep them."""
    out = frame.copy()
    for position, column in enumerate(frame.columns):
        if not draw(st.booleans()):
            continue
        values = frame.iloc[:, position]
        if str(column).startswith("Ya"):
            out.isetitem(position, pd.to_numeric(values, errors="coerce"))
        elif "tarih" in str(column):
            out.isetitem(position, pd.to_datetime(values, format="%d.%m.%Y", errors="coerce"))
        elif draw(st.booleans()):
            out.isetitem(position, values.map(lambda v: v == "Var" if v in ("Var", "Yok", "") else v))
    return out


# ------------------------------------------------------------------------------ checking one file

def check(path: Path, kind: str, strict: bool) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    try:
        cohort = load_cohort(path, strict=strict)
    except InputError as exc:
        message = str(exc)
        assert message.strip() and "Traceback" not in message and 'File "' not in message, message
        assert len(message) <= MESSAGE_LIMIT, f"a message of {len(message):,} characters"
        first = message.splitlines()[0]
        assert path.name in first or "withheld" in first or str(path) in first, first
        COUNTS[(kind, "refused with one message")] += 1
    else:
        assert isinstance(cohort.data, pd.DataFrame) and isinstance(cohort.problems, pd.DataFrame)
        COUNTS[(kind, "loaded")] += 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest and path.stat().st_mtime_ns == mtime, \
        "the input changed"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _name(draw, suffix: str) -> str:
    stem = draw(st.sampled_from(["cohort", "export 2024", "veri_ş", 'c"><b>x', "$(id)", "Ayse_Yilmaz_12345678950",
                                 "a;b'c", "-rf", "."]))
    return f"{stem}{suffix}"


# ------------------------------------------------------------------------------ the four formats

@seed(SEED)
@fuzz_settings("csv")
@given(data=st.data(), strict=st.booleans())
def test_csv(workdir, data, strict):
    frame = data.draw(tables())
    path = workdir / data.draw(st.sampled_from(["cohort.csv", "export.txt", "veri.tsv"]))
    path.write_bytes(csv_bytes(frame, data.draw))
    check(path, "CSV", strict)


@seed(SEED + 1)
@fuzz_settings("xlsx")
@given(data=st.data(), strict=st.booleans())
def test_xlsx(workdir, data, strict):
    frame = typed(data.draw(tables()), data.draw)
    frame = frame.map(_excel_text).set_axis([_excel_text(c) for c in frame.columns], axis=1)
    path = workdir / "cohort.xlsx"
    buffer = io.BytesIO()
    title_rows = data.draw(st.integers(0, 3))
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, startrow=title_rows)
        if title_rows:
            writer.sheets["Sheet1"]["A1"] = data.draw(st.sampled_from(["LM hastaları 2015-2018", "=1+1", "x" * 300]))
    raw = buffer.getvalue()
    if data.draw(st.integers(0, 9)) == 0:  # an entry that unzips far beyond the file's size
        raw = _inflated_entry(raw, data.draw(st.integers(1, 200)) << 20)
    path.write_bytes(bytes_mutation(raw, data.draw))
    check(path, "xlsx", strict)


def _excel_text(value):
    """What Excel can hold in a cell: control characters dropped (openpyxl refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _inflated_entry(raw: bytes, size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/media/padding.bin", b"\x00" * size)
    return out.getvalue()


@seed(SEED + 2)
@fuzz_settings("sav")
@given(data=st.data(), strict=st.booleans())
def test_sav(workdir, data, strict):
    import pyreadstat

    frame = typed(data.draw(tables()), data.draw)
    labels = [str(c) for c in frame.columns]
    frame = frame.set_axis([f"V{i}" for i in range(len(labels))], axis=1)
    for column in frame.columns:  # SPSS holds numbers, dates and text; booleans as numbers
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: "" if v is None or v != v else str(v)[:200])
    value_labels = {}
    if "V2" in frame and data.draw(st.booleans()):  # sex coded 1/2 with labels, as SPSS keeps it
        frame["V2"] = frame["V2"].map({"E": 1.0, "K": 2.0})
        value_labels["V2"] = {1.0: "Erkek", 2.0: "Kadın"}
    path = workdir / "cohort.sav"
    try:
        pyreadstat.write_sav(frame, str(path), column_labels=labels if data.draw(st.booleans()) else None,
                             variable_value_labels=value_labels or None)
    except Exception:  # noqa: BLE001 - a table SPSS cannot hold is not a test of lmlib
        COUNTS[("sav", "not writable as .sav")] += 1
        return
    raw = path.read_bytes()
    if data.draw(st.integers(0, 9)) == 0:  # a header claiming many more cases than the file holds
        raw = raw[:80] + int(data.draw(st.integers(33, 2**31 - 1))).to_bytes(4, "little", signed=True) + raw[84:]
    path.write_bytes(bytes_mutation(raw, data.draw))
    check(path, "sav", strict)


PARQUET_TYPES = ["string"] * 30 + ["large_string", "dictionary", "int", "float", "timestamp", "date", "bool", "null",
                                    "binary", "list", "decimal"]  # mostly text, as an export converted to Parquet


@seed(SEED + 3)
@fuzz_settings("parquet")
@given(data=st.data(), strict=st.booleans())
def test_parquet(workdir, data, strict):
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = typed(data.draw(tables()), data.draw)
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        names = [f"{n}#{i}" if names.count(n) > 1 else n for i, n in enumerate(names)]
    arrays = []
    for position, name in enumerate(names):
        values = frame.iloc[:, position]
        arrays.append(_arrow_column(values, data.draw(st.sampled_from(PARQUET_TYPES)), data.draw))
    table = pa.table(dict(zip(names, arrays)))
    path = workdir / "cohort.parquet"
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression=data.draw(st.sampled_from(["snappy", "zstd", "none"])))
    path.write_bytes(bytes_mutation(buffer.getvalue(), data.draw))
    check(path, "Parquet", strict)


def _arrow_column(values: pd.Series, kind: str, draw):
    import decimal

    import pyarrow as pa

    text = [None if v is None or (isinstance(v, float) and v != v) or v is pd.NaT else str(v) for v in values]
    if kind in ("string", "large_string"):
        return pa.array(text, pa.string() if kind == "string" else pa.large_string())
    if kind == "dictionary":
        return pa.array(text, pa.string()).dictionary_encode()
    if kind in ("int", "float", "decimal"):
        numbers = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce")
        if kind == "int":
            return pa.array([None if pd.isna(n) or abs(n) > 2**62 else int(n) for n in numbers], pa.int64())
        if kind == "decimal":
            return pa.array([None if pd.isna(n) or abs(n) > 1e20 else decimal.Decimal(str(round(n, 2)))
                             for n in numbers], pa.decimal128(24, 2))
        return pa.array(numbers.to_numpy(dtype=float))
    if kind in ("timestamp", "date"):
        days = [draw(st.integers(-200_000, 2_900_000)) if draw(st.integers(0, 20)) == 0 else 16_800 + i
                for i in range(len(values))]
        if kind == "date":
            return pa.array(days, pa.int32()).cast(pa.date32())
        return pa.array([d * 86_400_000_000 for d in days], pa.int64()).cast(pa.timestamp("us"))
    if kind == "bool":
        return pa.array([None if t is None else t in ("Var", "E", "1") for t in text], pa.bool_())
    if kind == "null":
        return pa.nulls(len(values))
    if kind == "binary":
        return pa.array([None if t is None else t.encode() for t in text], pa.binary())
    return pa.array([[t] if t is not None else None for t in text], pa.list_(pa.string()))


# ------------------------------------------------------------------------------ a sample through make report

@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from test_kill_report import copy_project

    return copy_project(tmp_path_factory.mktemp("fuzz-report") / "repo")


@seed(SEED + 4)
@settings(max_examples=max(1, int(REPORT_SAMPLE * min(SCALE, 1))), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_sample_through_make_report(project, data):
    from test_kill_report import run_make

    frame = data.draw(tables())
    kind = data.draw(st.sampled_from(["csv", "xlsx"]))
    raw = project / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    path = raw / data.draw(st.sampled_from(["cohort", 'c"><b onclick=alert(1)>x', "$(touch PWNED)", "o'x; #"]))
    path = path.with_suffix(f".{kind}")
    if kind == "csv":
        path.write_bytes(csv_bytes(frame, data.draw, mild=True))
    else:
        frame = typed(frame, data.draw).map(_excel_text)
        hostile.write_xlsx(frame.set_axis([_excel_text(c) for c in frame.columns], axis=1), path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run_make(project, f"DATA=data/raw/{path.name}", "DATA_CUT=2018-12-31")
    assert "Traceback" not in result.stderr and 'File "' not in result.stderr, result.stderr[-3000:]
    assert not (project / "PWNED").exists()
    if result.returncode == 0:
        COUNTS[("make report", "reports built")] += 1
    else:
        errors = [ln for ln in result.stderr.splitlines() if ln.startswith("lmlib: error:")]
        assert result.returncode == 2 and len(errors) == 1, result.stderr[-3000:]
        COUNTS[("make report", "refused with one message")] += 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    path.unlink()


# ------------------------------------------------------------------------------ the bombs, measured

MEASURED: dict[str, dict] = {}


@pytest.mark.parametrize("name", [b[0] for b in BOMBS])
def test_each_bomb_measured(tmp_path, name):
    """Each hostile file of tests/test_hostile_inputs.py, loaded in a fresh Python: its wall time
    and peak memory are recorded (the budget, 4 GiB, is checked; the time only reported)."""
    make = {b[0]: b[1] for b in BOMBS}[name]
    path = make(tmp_path / name)
    code, err, seconds, peak = load_in_subprocess(path, timeout=300)
    assert code == 2 and "Traceback" not in err and len(err) < 1000, err[-2000:]
    assert peak <= 4 * hostile.GiB
    MEASURED[name] = {"file_bytes": path.stat().st_size, "seconds": round(seconds, 2),
                      "peak_gib": round(peak / hostile.GiB, 2), "message": err.strip().replace(str(tmp_path) + "/", "")}


# ------------------------------------------------------------------------------ the counts

def test_zz_counts(capsys):
    total = sum(n for (kind, _), n in COUNTS.items() if kind != "make report" and _ != "not writable as .sav")
    rows = {f"{kind}: {outcome}": n for (kind, outcome), n in sorted(COUNTS.items())}
    record = {"seed": SEED, "scale": SCALE, "inputs_loaded_in_process": total, "counts": rows, "bombs": MEASURED}
    out = config.PROJ_ROOT / "bench" / "results" / "fuzz.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with capsys.disabled():
        print(f"\nmake fuzz: {total:,} generated inputs loaded in process (seed {SEED}, scale {SCALE}):")
        for name, n in rows.items():
            print(f"  {name:45} {n:6,}")
        for name, facts in MEASURED.items():
            print(f"  {name:32} {facts['file_bytes'] / 2**20:9,.1f} MiB {facts['seconds']:6.1f} s "
                  f"{facts['peak_gib']:5.2f} GiB peak")
    ran = {kind.lower() for kind, outcome in COUNTS if kind.lower() in EXAMPLES}
    assert total >= 0.95 * sum(examples(kind) for kind in ran)  # hypothesis may skip a few duplicates

