"""An export that marks present findings only ("+", "Var") and leaves the rest empty.

A study file's new yes/no variable takes the standard yes/no spellings, ``blank: false`` says
"an empty cell means no" (for a yes/no variable and for a multi-response item), a column with
only "yes" among its recorded values and empty cells left as missing gets a warning naming the
study-file line, and dates after the data cut-off get one line saying the cut-off in force.

The export is drawn here (its own seed; nothing from the synthetic cohort) and written as an
.xlsx with openpyxl, as a hospital's spreadsheet is; every count is checked against the drawn
table with pandas.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
import textwrap

import numpy as np
import openpyxl
import pandas as pd
import pytest

from lmlib import tables
from lmlib.cohort import load_cohort
from lmlib.study import StudyError

N = 40
SITES = {"Parankim met": "parenchyma", "Dura met": "dura", "Kalvaryum met": "calvarium"}
DATES = ["LM tanı tarihi", "Ex tarihi", "Son kontrol"]


def drawn(seed: int = 2026, start: dt.datetime = dt.datetime(2015, 1, 1)) -> pd.DataFrame:
    """The export's cells as written ("" for an empty cell)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(N):
        dx = start + dt.timedelta(days=int(rng.integers(0, 900)))
        end = dx + dt.timedelta(days=int(rng.integers(10, 500)))
        dead = rng.random() < 0.7
        rows.append({
            "Hasta No": f"H{i + 1:03d}", "Yaş": int(rng.integers(30, 80)), "Cinsiyet": str(rng.choice(["E", "K"])),
            "Primer": "Akciğer", "Patoloji": "Adenokarsinom", "Tedavi": "KT", "LM tanı tarihi": dx,
            "Ex tarihi": end if dead else "", "Son kontrol": end,
            "Kontrastlanma paterni": "Lineer", "Lokalizasyon": "Supratentoryal",
            "Kemik metastazı": str(rng.choice(["+", "Var", "", "", "", "Yok", "bilinmiyor"])),
            "Hidrosefali": str(rng.choice(["Var", "+", "", "", "bilinmiyor"])),
            "Parankim met": str(rng.choice(["+", "", ""])),
            "Dura met": str(rng.choice(["+", "", "", ""])),
            "Kalvaryum met": str(rng.choice(["Var", "", "", "", "?"])),
        })
    frame = pd.DataFrame(rows)
    frame.loc[[3, 17], list(SITES)] = ""  # rows with every site empty
    return frame


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        sheet.append([None if isinstance(v, str) and v == "" else v for v in record])
    book.save(path)
    return path


def study(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my_study.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


BONE = "  - {name: bone_metastasis, type: boolean, section: table2, label: {en: Bone metastasis}, " \
       "aliases: [Kemik metastazı]"


def yes_no_truth(cells: pd.Series, empty_means_no: bool) -> pd.Series:
    """True for "+"/"Var", False for "Yok" (and "" when empty means no), NA otherwise."""
    out = pd.Series(pd.NA, index=cells.index, dtype="boolean")
    out[cells.isin(["+", "Var"])] = True
    out[cells.eq("Yok") | (cells.eq("") if empty_means_no else False)] = False
    return out


def as_rows(series: pd.Series) -> pd.Series:
    """The drawn table's index as the cleaned cohort's (spreadsheet rows: the header is row 1)."""
    return pd.Series(series.to_numpy(), index=series.index + 2, dtype="boolean")


def test_a_new_yes_no_variable_takes_the_standard_yes_no_spellings(tmp_path):
    frame = drawn()
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"), study=study(tmp_path, "variables:\n" + BONE + "}\n"))
    truth = as_rows(yes_no_truth(frame["Kemik metastazı"], empty_means_no=False))
    pd.testing.assert_series_equal(cohort.data["bone_metastasis"], truth, check_names=False)
    assert int(truth.sum()) > 0 and int((~truth).sum()) > 0


def test_a_new_multi_response_variable_takes_the_standard_yes_no_spellings(tmp_path):
    frame = drawn()
    text = """\
        variables:
          - name: bone_sites
            type: multi_response
            section: table2
            label: {en: Bone metastasis site}
            options:
              - {name: spine, label: {en: Spine}, aliases: [Kemik metastazı]}
              - {name: skull, label: {en: Skull}, aliases: [Kafa kemiği]}
        """
    frame["Kafa kemiği"] = np.where(frame["Kemik metastazı"].eq(""), "Var", "")
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"), study=study(tmp_path, text))
    spine = yes_no_truth(frame["Kemik metastazı"], empty_means_no=False)
    spine[frame["Kemik metastazı"].eq("") & frame["Kafa kemiği"].eq("Var")] = False  # a filled row
    pd.testing.assert_series_equal(cohort.data["bone_sites_spine"], as_rows(spine), check_names=False)


def test_blank_false_makes_an_empty_yes_no_cell_no_and_keeps_unknowns_missing(tmp_path):
    frame = drawn()
    text = "variables:\n" + BONE + ", blank: false}\n  - {name: hydrocephalus, blank: false}\n"
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"), study=study(tmp_path, text), strict=False)
    for column, name in (("Kemik metastazı", "bone_metastasis"), ("Hidrosefali", "hydrocephalus")):
        truth = as_rows(yes_no_truth(frame[column], empty_means_no=True))
        pd.testing.assert_series_equal(cohort.data[name], truth, check_names=False)
        assert int(truth.isna().sum()) == int(frame[column].eq("bilinmiyor").sum()) > 0
        table = tables.table2(cohort.data, load_codebook_with(text, tmp_path))
        row = table[(table["item"] == name) & (table["kind"] == "yes")].iloc[0]
        assert (int(row["n"]), int(row["denominator"])) == (int(truth.sum()), int(truth.notna().sum()))


def load_codebook_with(text: str, tmp_path: Path):
    from lmlib.codebook import load_codebook

    return load_codebook(study=study(tmp_path, text))


def test_blank_false_on_a_multi_response_item_makes_every_empty_option_cell_not_present(tmp_path):
    frame = drawn()
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"),
                         study=study(tmp_path, "variables:\n  - {name: metastases, blank: false}\n"))
    for column, option in SITES.items():
        cells = frame[column]
        truth = pd.Series(pd.NA, index=cells.index, dtype="boolean")
        truth[cells.isin(["+", "Var"])] = True
        truth[cells.eq("")] = False  # also in the rows with every site empty
        assert truth.isna().sum() == cells.eq("?").sum()
        pd.testing.assert_series_equal(cohort.data[f"metastases_{option}"], as_rows(truth), check_names=False)
    assert not cohort.data.loc[[3 + 2, 17 + 2], [f"metastases_{o}" for o in SITES.values()]].isna().any().any()


def test_without_blank_false_a_row_with_every_option_empty_stays_missing(tmp_path):
    frame = drawn()
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"), strict=False)
    assert cohort.data.loc[[3 + 2, 17 + 2], [f"metastases_{o}" for o in SITES.values()]].isna().all().all()


@pytest.mark.parametrize("entry, fragment", [
    ("  - {name: hydrocephalus, blank: true}", "expected false"),
    ("  - {name: lm_location, blank: false}", "key 'blank': 'blank: false' (an empty cell means no) is for a yes/no"),
    ("  - {name: kps, type: integer, section: table1, label: {en: KPS}, blank: false}",
     "key 'blank': not used by a variable of type integer"),
])
def test_blank_is_refused_where_it_means_nothing(tmp_path, entry, fragment):
    with pytest.raises(StudyError) as caught:
        load_codebook_with("variables:\n" + entry + "\n", tmp_path)
    assert fragment in str(caught.value) and "my_study.yaml" in str(caught.value)


def only_yes(cohort) -> pd.DataFrame:
    return cohort.problems[cohort.problems["rule"] == "only_yes"]


def test_a_column_with_only_yes_and_empty_cells_gets_a_warning_with_the_study_file_line(tmp_path):
    frame = drawn()
    frame["Hidrosefali"] = frame["Hidrosefali"].replace({"bilinmiyor": ""})
    frame["Kemik metastazı"] = frame["Kemik metastazı"].replace({"Yok": ""})
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"), study=study(tmp_path, "variables:\n" + BONE + "}\n"),
                         strict=False)
    found = only_yes(cohort).set_index("column")
    for column, name in (("Hidrosefali", "hydrocephalus"), ("Kemik metastazı", "bone_metastasis")):
        yes, empty = int(frame[column].isin(["+", "Var"]).sum()), int(frame[column].eq("").sum())
        text = found.loc[column, "expected"]
        assert f"its {yes} recorded value(s) are all 'yes' and {empty} empty cell(s)" in text
        assert f"{yes}/{yes} (100%)" in text and f"- {{name: {name}, blank: false}}" in text
        assert found.loc[column, "severity"] == "warning" and found.loc[column, "file"] == "lm.xlsx"
    # a site with only "+": its empty cells in the rows with every site empty stay missing
    all_empty = frame[list(SITES)].eq("").all(axis=1)
    for column in ("Parankim met", "Dura met"):
        empty = int((frame[column].eq("") & all_empty).sum())
        assert f"and {empty} empty cell(s)" in found.loc[column, "expected"]
        assert "- {name: metastases, blank: false}" in found.loc[column, "expected"]
    assert "Kalvaryum met" in found.index  # "Var" and "?": the unknowns are not "no"
    assert "Yaş" not in found.index and len(found) == 5


def test_no_only_yes_warning_once_blank_false_is_said_or_a_no_is_recorded(tmp_path):
    frame = drawn()
    text = "variables:\n" + BONE + "}\n  - {name: hydrocephalus, blank: false}\n  - {name: metastases, blank: false}\n"
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"), study=study(tmp_path, text), strict=False)
    assert frame["Kemik metastazı"].eq("Yok").any()
    assert only_yes(cohort).empty
    assert only_yes(load_cohort(strict=False)).empty  # the synthetic cohort records its "Yok"s


def test_the_make_report_summary_says_the_only_yes_warning_first(tmp_path):
    from lmlib.report.stamp import validate

    frame = drawn()
    stream = io.StringIO()
    validate(write_xlsx(frame, tmp_path / "lm.xlsx"), warnings_to=stream, lenient=True)
    lines = stream.getvalue().splitlines()
    loud = [i for i, line in enumerate(lines) if "WARNING: only 'yes' recorded" in line]
    assert loud and "'Hidrosefali'" in lines[loud[0]] and "blank: false" in lines[loud[0]]
    assert max(loud) < min(i for i, line in enumerate(lines) if "warning:" in line)


def test_the_catalog_words_the_only_yes_rule_in_both_languages():
    from lmlib.present.catalog import text

    assert "blank: false" in text("problem.rule.only_yes", "en")
    assert "blank: false" in text("problem.rule.only_yes", "tr")


def test_make_study_drafts_blank_false_for_the_columns_with_only_yes(tmp_path):
    from lmlib.mapping.draft import draft
    from lmlib.mapping.scan import scan

    frame = drawn()
    frame["Hidrosefali"] = frame["Hidrosefali"].replace({"bilinmiyor": ""})
    frame["Kemik"] = frame["Kemik metastazı"].replace({"Yok": "", "bilinmiyor": ""})
    text = draft(scan(write_xlsx(frame, tmp_path / "lm.xlsx")))
    assert '# - {name: hydrocephalus, blank: false}   # "Hidrosefali"' in text
    assert '# - {name: metastases, blank: false}   # "Parankim met", "Dura met", "Kalvaryum met"' in text
    empty = int(frame["Kemik"].eq("").sum())
    assert f'type: boolean}}   # only "yes" recorded, {empty} empty cell(s): if an empty cell means no' in text
    assert "name: kemik_metastazi" in text and "Kemik metastazı\"], type: boolean}\n" in text  # a "Yok": no hint
