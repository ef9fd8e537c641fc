"""Spreadsheet layouts a hospital export has: a two-row header with merged group titles, and a
totals row under the patients (lmlib.headers through lmlib.read)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmlib import config
from lmlib.cohort import load_cohort
from lmlib.headers import summary_rows
from lmlib.problems import InputError

GROUPS = {"Semptomlar": ["Baş ağrısı", "Bilinç değişikliği", "Bulantı-kusma", "Fokal nörolojik defisit",
                         "Genel durum bozukluğu", "Epileptik nöbet"],
          "Eşlik eden metastaz": ["Parankim met", "Dura met", "Kalvaryum met"]}


def synthetic() -> pd.DataFrame:
    return pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def merged_workbook(frame: pd.DataFrame, path: Path, groups=GROUPS, totals: bool = True, title: bool = True) -> Path:
    """``frame`` as an .xlsx with a title row, a two-row header (group titles merged across
    their columns, single headers merged down) and a totals row, as openpyxl writes merges."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    top = 1
    if title:
        ws.cell(1, 1, "LM hastaları 2015-2018")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
        top = 3
    grouped = {c: g for g, cols in groups.items() for c in cols}
    columns = list(frame.columns)
    done = set()
    for j, column in enumerate(columns, start=1):
        group = grouped.get(column)
        if group is None:
            ws.cell(top, j, column)
            ws.merge_cells(start_row=top, start_column=j, end_row=top + 1, end_column=j)
        else:
            if group not in done:
                span = [k for k, c in enumerate(columns, start=1) if grouped.get(c) == group]
                ws.cell(top, span[0], group)
                ws.merge_cells(start_row=top, start_column=span[0], end_row=top, end_column=span[-1])
                done.add(group)
            ws.cell(top + 1, j, column)
    for i, row in enumerate(frame.itertuples(index=False), start=top + 2):
        for j, value in enumerate(row, start=1):
            if value != "":
                ws.cell(i, j, value)
    if totals:
        last = top + 2 + len(frame)
        ws.cell(last, 1, "Toplam")
        ws.cell(last, 2, len(frame))
    wb.save(path)
    return path


def test_a_two_row_merged_header_with_a_title_and_a_totals_row_reads_as_the_flat_file(tmp_path):
    frame = synthetic()
    flat = load_cohort(config.SYNTHETIC_COHORT)
    merged = load_cohort(merged_workbook(frame, tmp_path / "export.xlsx"), strict=False)
    assert merged.errors.empty, merged.errors
    pd.testing.assert_frame_equal(merged.data.reset_index(drop=True), flat.data.reset_index(drop=True),
                                  check_dtype=False)
    totals = merged.problems[merged.problems["rule"] == "totals_row"]
    assert list(totals["row"]) == [3 + 2 + len(frame)] and "Toplam" in totals["expected"].iloc[0]
    assert not (merged.problems["rule"] == "unknown_column").any()


def test_repeated_sub_headers_take_their_group_title(tmp_path):
    from lmlib.codebook import load_codebook
    from lmlib.read import read_table

    frame = synthetic().drop(columns=["KS 7", "KS 8"])
    frame["a"], frame["b"], frame["c"], frame["d"] = "", "", "Sağ", ""
    frame = frame.rename(columns={"a": "Sağ ", "b": "Sol ", "c": "Sağ", "d": "Sol"})
    path = merged_workbook(frame, tmp_path / "x.xlsx", {**GROUPS, "KS 7": ["Sağ ", "Sol "], "KS 8": ["Sağ", "Sol"]})
    table = read_table(path, load_codebook().header_targets.keys())
    assert list(table.frame.columns[-4:]) == ["KS 7 / Sağ", "KS 7 / Sol", "KS 8 / Sağ", "KS 8 / Sol"]
    assert "Baş ağrısı" in table.frame.columns and "Semptomlar" not in table.frame.columns


def test_sub_headers_that_cannot_be_told_apart_are_refused_with_how_to_flatten(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for j, name in enumerate(["Hasta No", "Yaş"], start=1):
        ws.cell(1, j, name)
        ws.merge_cells(start_row=1, start_column=j, end_row=2, end_column=j)
    ws.cell(1, 3, "KS 7")
    ws.merge_cells(start_row=1, start_column=3, end_row=1, end_column=4)
    ws.cell(2, 3, "Taraf")
    ws.cell(2, 4, "Taraf")
    ws.cell(3, 1, "P1")
    ws.cell(3, 2, 50)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as caught:
        load_cohort(path)
    message = str(caught.value)
    assert str(path) in message and "flatten it into one row" in message and "'KS 7 / Taraf'" in message


def test_a_first_patient_row_is_never_taken_for_a_sub_header(tmp_path):
    frame = synthetic()
    path = tmp_path / "flat.xlsx"
    frame.replace("", None).to_excel(path, index=False)
    cohort = load_cohort(path, strict=False)
    assert len(cohort.data) == len(frame) and cohort.errors.empty


@pytest.mark.parametrize("first, is_total", [
    ("Toplam", True), ("TOPLAM (n=32)", True), ("Total", True), ("Genel toplam", True), ("Ortalama", True),
    ("%", True), ("Total-01", False), ("LM-033", False),
])
def test_a_totals_row_is_known_by_its_first_filled_cell(first, is_total):
    frame = pd.DataFrame({"id": ["LM-001", "LM-002", first], "x": ["1", "2", "3"]}, index=[2, 3, 4])
    assert summary_rows(frame) == ([4] if is_total else [])


def test_a_totals_row_of_a_csv_is_left_out_with_a_note(tmp_path):
    frame = synthetic()
    total = {c: "" for c in frame.columns}
    total.update({"Hasta No": "Toplam", "Yaş": str(len(frame))})
    path = tmp_path / "x.csv"
    path.write_bytes(pd.concat([frame, pd.DataFrame([total])]).to_csv(sep=";", index=False).encode("utf-8"))
    cohort = load_cohort(path, strict=False)
    assert cohort.errors.empty and cohort.n == len(frame)
    assert list(cohort.problems.loc[cohort.problems["rule"] == "totals_row", "row"]) == [len(frame) + 2]
