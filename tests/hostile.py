"""Hostile input files, generated small (never committed): what a careless or hostile user could
hand to ``make report``. Used by tests/test_hostile_inputs.py and tests/fuzz_inputs.py.

Each maker writes ``path`` and returns it. The bombs are small on disk and large once read: a
zip entry or a Parquet column that expands a thousandfold, a sparse file, a header that claims
more rows than the file holds.
"""
from __future__ import annotations

import os
from pathlib import Path
import re
import struct
import selectors
import subprocess
import sys
import time
import zipfile

import pandas as pd

from lmlib import config

GiB = 1 << 30
MiB = 1 << 20
ROOT = config.PROJ_ROOT


def synthetic() -> pd.DataFrame:
    """The bundled synthetic export, every cell as text."""
    return pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False)
    return path


# ------------------------------------------------------------------------------ zip bombs

def _rezip(source: Path, target: Path, replace: dict[str, object], add: dict[str, object] | None = None) -> Path:
    """``source`` (a zip) copied to ``target`` with the entries in ``replace`` substituted and
    those in ``add`` appended (name: bytes, or an iterable of byte chunks written as one stream)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        entries = [(info.filename, replace.get(info.filename)) for info in src.infolist()]
        for name, content in entries + list((add or {}).items()):
            if content is None:
                dst.writestr(name, src.read(name))
            elif isinstance(content, bytes):
                dst.writestr(name, content)
            else:
                with dst.open(name, "w", force_zip64=True) as handle:
                    for chunk in content:
                        handle.write(chunk)
    return target


def _repeat(block: bytes, total: int):
    chunk = block * max(1, MiB // len(block))
    left = total
    while left > 0:
        piece = chunk[:left]
        yield piece
        left -= len(piece)


def xlsx_shared_string_bomb(path: Path, expanded: int = GiB) -> Path:
    """A valid workbook (the synthetic cohort) whose first patient id is a shared string of
    ``expanded`` bytes of one letter: about 1 MB on disk per GiB."""
    plain = write_xlsx(synthetic(), path.with_name(path.stem + ".plain.xlsx"))
    with zipfile.ZipFile(plain) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        types = z.read("[Content_Types].xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    sheet = re.sub(r'<c r="A2"[^>]*>.*?</c>', '<c r="A2" t="s"><v>0</v></c>', sheet, count=1)
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                          'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')

    def shared():
        yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/' \
              b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        yield from _repeat(b"A", expanded)
        yield b"</t></si></sst>"

    _rezip(plain, path, {"xl/worksheets/sheet1.xml": sheet.encode(), "[Content_Types].xml": types.encode(),
                         "xl/_rels/workbook.xml.rels": rels.encode()}, add={"xl/sharedStrings.xml": shared()})
    plain.unlink()
    return path


def xlsx_whitespace_bomb(path: Path, expanded: int = 2 * GiB) -> Path:
    """A valid workbook whose sheet holds ``expanded`` bytes of white space between two rows
    (legal XML): about 2 MB on disk per GiB."""
    plain = write_xlsx(synthetic(), path.with_name(path.stem + ".plain.xlsx"))
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(plain) as z:
        sheet = z.read(name)
    cut = sheet.index(b"</row>") + len(b"</row>")

    def stream():
        yield sheet[:cut]
        yield from _repeat(b" \n\t", expanded)
        yield sheet[cut:]

    _rezip(plain, path, {name: stream()})
    plain.unlink()
    return path


def xlsx_lying_sizes(path: Path, expanded: int = 256 * MiB) -> Path:
    """A workbook whose sheet entry declares 1 KB uncompressed in the central directory but
    inflates to ``expanded`` bytes (a zip that lies about its sizes)."""
    xlsx_whitespace_bomb(path, expanded)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    central = data.rfind(b"PK\x01\x02", 0, len(data))
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len, extra_len = struct.unpack("<HH", data[pos + 28:pos + 32])
        if bytes(data[pos + 46:pos + 46 + name_len]) == name:
            central = pos
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    # uncompressed size (offset 24) and, when zip64, the zip64 extra field's first value
    data[central + 24:central + 28] = struct.pack("<I", 1024)
    name_len, extra_len = struct.unpack("<HH", data[central + 28:central + 32])
    extra = central + 46 + name_len
    end = extra + extra_len
    while extra + 4 <= end:
        tag, size = struct.unpack("<HH", data[extra:extra + 4])
        if tag == 0x0001:
            data[extra + 4:extra + 12] = struct.pack("<Q", 1024)
            data[central + 24:central + 28] = struct.pack("<I", 0xFFFFFFFF)
        extra += 4 + size
    path.write_bytes(bytes(data))
    return path


def xlsx_duplicate_header(path: Path) -> Path:
    """The synthetic cohort as a workbook with its age column twice under the same header."""
    frame = synthetic()
    ages = frame["Yaş"].tolist()
    frame.insert(len(frame.columns), "Yaş ", [str(int(a) + 1) for a in ages])
    write_xlsx(frame, path)
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet.cell(row=1, column=sheet.max_column, value="Yaş")
    book.save(path)
    return path


# ------------------------------------------------------------------------------ CSV

def csv_text(frame: pd.DataFrame | None = None, sep: str = ";") -> str:
    frame = synthetic() if frame is None else frame
    return frame.to_csv(sep=sep, index=False, lineterminator="\r\n")


def csv_sparse(path: Path, size: int = 2 * GiB) -> Path:
    """The synthetic cohort, then a hole of NUL bytes up to ``size`` (a sparse file: no disk used)."""
    path.write_bytes(csv_text().encode("utf-8"))
    with open(path, "r+b") as handle:
        handle.truncate(size)
    return path


def csv_many_cells(path: Path, cells: int = 70_000_000, columns: int = 50) -> Path:
    """A well-formed table of ``cells`` one-digit cells (about two bytes each)."""
    header = ";".join(f"c{i}" for i in range(columns)).encode() + b"\n"
    line = (b"1;" * columns)[:-1] + b"\n"
    rows = cells // columns
    with open(path, "wb") as handle:
        handle.write(header)
        block = line * 10_000
        for _ in range(rows // 10_000):
            handle.write(block)
        handle.write(line * (rows % 10_000))
    return path


def csv_long_cell(path: Path, length: int = 500 * MiB) -> Path:
    """The synthetic cohort with one more column whose first cell is ``length`` letters."""
    frame = synthetic()
    frame["Not"] = ""
    text = csv_text(frame)
    first_row_end = text.index("\r\n", text.index("\r\n") + 2)
    with open(path, "wb") as handle:
        handle.write(text[:first_row_end].encode("utf-8"))
        for chunk in _repeat(b"x", length):
            handle.write(chunk)
        handle.write(text[first_row_end:].encode("utf-8"))
    return path


def csv_utf16(path: Path, bom: bool = True, sep: str = "\t") -> Path:
    """The synthetic cohort as Excel's "Unicode text" saves it: UTF-16 LE (with BOM), tabs."""
    text = csv_text(sep=sep)
    data = text.encode("utf-16" if bom else "utf-16-le")
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------ Parquet, SPSS

def parquet_many_rows(path: Path, rows: int = 100_000_000) -> Path:
    """A Parquet file of one int8 column of ``rows`` zeros: well under 1 MB on disk."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"Yaş": pa.array(np.zeros(rows, dtype=np.int8))}), path)
    return path


def parquet_long_strings(path: Path, rows: int = 1_000_000, length: int = 30_000) -> Path:
    """``rows`` copies of one ``length``-letter string (dictionary encoded: small on disk, 30 GB
    decoded), beside a valid cohort's columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = synthetic()
    reps = -(-rows // len(frame))
    big = pd.concat([frame] * reps, ignore_index=True).iloc[:rows]
    table = pa.Table.from_pandas(big, preserve_index=False)
    value = "y" * length
    table = table.append_column("Not", pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()),
                                                                        pa.array([value])))
    pq.write_table(table, path, compression="zstd")
    return path


def parquet_far_date(path: Path) -> Path:
    """The synthetic cohort as Parquet with a real date column holding 9999-12-31 in one row."""
    import datetime as dt

    frame = synthetic()
    dates = pd.to_datetime(frame["LM tanı tarihi"], format="%d.%m.%Y").dt.date.tolist()
    dates[0] = dt.date(9999, 12, 31)
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame.drop(columns=["LM tanı tarihi"]), preserve_index=False)
    table = table.append_column("LM tanı tarihi", pa.array([dt.datetime.combine(d, dt.time()) for d in dates],
                                                          pa.timestamp("us")))
    pq.write_table(table, path)
    return path


def write_sav(frame: pd.DataFrame, path: Path) -> Path:
    """``frame`` as an SPSS .sav: variables V0, V1, ... labelled with the headers (as SPSS keeps
    headers that are not valid variable names)."""
    import pyreadstat

    labels = [str(c) for c in frame.columns]
    frame = frame.set_axis([f"V{i}" for i in range(len(labels))], axis=1)
    pyreadstat.write_sav(frame, str(path), column_labels=labels)
    return path


def sav_declaring_rows(path: Path, rows: int = 2_000_000_000) -> Path:
    """The synthetic cohort as an SPSS .sav whose header claims ``rows`` cases."""
    import pyreadstat

    write_sav(synthetic(), path)
    data = bytearray(path.read_bytes())
    data[80:84] = struct.pack("<i", min(rows, 2**31 - 1))  # ncases in the file header
    path.write_bytes(bytes(data))
    return path


# ------------------------------------------------------------------------------ measuring

# the loader a test runs in a fresh Python: one message and exit 2 for unusable input; its own peak
# resident memory (VmHWM, counted from its start: not the peak a forked child inherits from its
# parent) as the last line of stderr
LOADER = """
import atexit, sys
from pathlib import Path

def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(f"peak_rss_bytes={int(line.split()[1]) * 1024}", file=sys.stderr)

atexit.register(peak)
from lmlib.cohort import load_cohort
from lmlib.problems import InputError
try:
    load_cohort(sys.argv[1], strict=True)
except InputError as exc:
    print(str(exc), file=sys.stderr)
    sys.exit(2)
"""


# sets the memory cap, then becomes the command: started without a preexec function, the child is
# spawned (not forked from this large process), so its peak memory is its own
LIMITED = ("import os, resource, sys; limit = int(sys.argv[1]); "
           "resource.setrlimit(resource.RLIMIT_DATA, (limit, limit)); os.execvp(sys.argv[2], sys.argv[2:])")


def measure(args: list[str], timeout: float = 300, memory_limit: int = 6 * GiB, cwd: Path = ROOT,
            env: dict | None = None, stdin=subprocess.DEVNULL):
    """Run ``args``: (exit status, stdout, stderr, seconds, peak resident memory in bytes of the
    process itself, from ``os.wait4``). ``memory_limit`` caps its data segment (a runaway
    allocation fails in the child instead of starving the machine); past ``timeout`` it is
    killed and the test fails (a hang guard, not a speed criterion)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", LIMITED, str(memory_limit), *args], cwd=cwd, env=env,
                            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    streams = {proc.stdout: b"", proc.stderr: b""}
    with selectors.DefaultSelector() as sel:
        for stream in streams:
            sel.register(stream, selectors.EVENT_READ)
        while sel.get_map():
            left = start + timeout - time.perf_counter()
            if left <= 0:
                proc.kill()
                proc.wait()
                raise AssertionError(f"{args[:3]}... did not finish in {timeout} s")
            for key, _ in sel.select(timeout=min(left, 1.0)):
                chunk = os.read(key.fileobj.fileno(), 1 << 16)
                if chunk:
                    streams[key.fileobj] += chunk
                else:
                    sel.unregister(key.fileobj)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out, err = (streams[s].decode("utf-8", "replace") for s in (proc.stdout, proc.stderr))
    return os.waitstatus_to_exitcode(status), out, err, seconds, usage.ru_maxrss * 1024


def load_in_subprocess(path: Path, timeout: float = 300, memory_limit: int = 6 * GiB):
    """``load_cohort(path)`` in a fresh Python: (exit status, stderr without the peak line, seconds,
    the loader's own peak RSS in bytes)."""
    code, _, err, seconds, inherited = measure([sys.executable, "-c", LOADER, str(path)], timeout, memory_limit)
    lines = err.rstrip("\n").split("\n")
    if lines and lines[-1].startswith("peak_rss_bytes="):
        return code, "\n".join(lines[:-1]) + "\n", seconds, int(lines[-1].split("=")[1])
    return code, err, seconds, inherited  # killed before it could say: the upper bound
