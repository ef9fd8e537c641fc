"""Small-cell suppression (lmlib.suppress): hand-made tables, display, exports, survival, a notebook."""
from __future__ import annotations

import html as html_lib
import io
import re
import subprocess
import sys
import zipfile

from hypothesis import given, settings, strategies as st
import numpy as np
import pandas as pd
import pytest

from lmlib import config, export, formatting, suppress, tables
from lmlib import survival_report as sr
from lmlib.cohort import load_cohort

K = 5
FOOTNOTE = "Counts below 5 are suppressed (shown as <5), with further cells suppressed where a total would reveal them"


def row(item, level, kind, n, denominator=32, multi=False):
    pct = np.nan if n is None or denominator is None else 100 * n / denominator
    return {"item": item, "level": level, "kind": kind, "n": n, "denominator": denominator, "percent": pct,
            "ci_low": None if n is None else pct - 1, "ci_high": None if n is None else pct + 1,
            "multi_response": multi}


def hand_made() -> pd.DataFrame:
    rows = [
        row("n_patients", "", "count", 32, None),
        row("site", "", "header", None, None),
        row("site", "a", "level", 20), row("a_hist", "a:x", "nested", 18), row("a_hist", "a:y", "nested", 2),
        row("site", "b", "level", 6), row("b_hist", "b:x", "nested", 6),
        row("site", "c", "level", 3), row("c_hist", "c:x", "nested", 3),
        row("site", "d", "level", 3), row("d_hist", "d:missing", "missing", 3),
        row("pattern", "", "header", None, None),
        row("pattern", "linear", "level", 25), row("pattern", "nodular", "level", 6),
        row("pattern", "none", "level", 0), row("pattern", "both", "level", 1),
        row("symptoms", "", "header", None, None, multi=True),
        row("symptoms", "headache", "option", 31, multi=True), row("symptoms", "seizure", "option", 2, multi=True),
        row("symptoms", "fever", "option", 0, multi=True),
        row("hydro", "yes", "yes", 30), row("isolated", "yes", "yes", 3), row("sub", "yes", "yes", 16),
        row("nobody", "yes", "yes", 0),
        row("field", "", "header", None, None),
        row("field", "1.5T", "level", 20, 30), row("field", "3T", "level", 10, 30), row("field", "missing", "missing", 2),
    ]
    frame = pd.DataFrame(rows)
    frame["n"] = frame["n"].astype("Int64")
    frame["denominator"] = frame["denominator"].astype("Int64")
    return frame


def reasons(table: pd.DataFrame) -> dict:
    return {(r.item, r.level): r.suppression for r in table.itertuples() if r.suppression}


# ------------------------------------------------------------------------------ the rules

def test_counts_from_1_to_k_minus_1_are_masked_with_their_percent_and_ci_and_zero_is_not():
    out = suppress.suppress_table(hand_made(), K)
    by = out.set_index(["item", "level"])
    for key in [("site", "c"), ("site", "d"), ("symptoms", "seizure"), ("isolated", "yes"), ("pattern", "both")]:
        assert by.loc[key, "suppression"] == "primary", key
        assert pd.isna(by.loc[key, "n"]) and np.isnan(by.loc[key, "percent"]), key
        assert np.isnan(by.loc[key, "ci_low"]) and np.isnan(by.loc[key, "ci_high"]), key
    for key in [("pattern", "none"), ("symptoms", "fever"), ("nobody", "yes")]:
        assert by.loc[key, "n"] == 0 and not by.loc[key, "suppressed"], key
    assert by.loc[("n_patients", ""), "n"] == 32 and not by.loc[("n_patients", ""), "suppressed"]


def test_a_single_masked_level_takes_the_next_smallest_non_zero_level_with_it():
    out = suppress.suppress_table(hand_made(), K)
    got = reasons(out)
    # pattern: 25, 6, 0, 1 of 32 -> "both" (1) primary, "nodular" (6) secondary, 0 and 25 shown
    assert got[("pattern", "nodular")] == "secondary"
    assert ("pattern", "linear") not in got and ("pattern", "none") not in got
    # site: 20, 6, 3, 3 -> two primary cells already: no secondary among the sites
    assert ("site", "a") not in got and ("site", "b") not in got


def test_nested_levels_are_protected_within_their_parent():
    got = reasons(suppress.suppress_table(hand_made(), K))
    # a = 20 = 18 + 2: the 2 is masked, so the 18 must be too (20 - 18 would give it away)
    assert got[("a_hist", "a:y")] == "primary" and got[("a_hist", "a:x")] == "secondary"
    assert got[("c_hist", "c:x")] == "primary" and got[("d_hist", "d:missing")] == "primary"
    assert ("b_hist", "b:x") not in got  # its parent b (6) is shown


def test_a_nested_group_whose_parent_is_masked_as_secondary_hides_a_child_too():
    table = pd.DataFrame([row("site", "a", "level", 25), row("site", "b", "level", 6), row("site", "c", "level", 1),
                          row("b_hist", "b:x", "nested", 6), row("c_hist", "c:x", "nested", 1)])
    got = reasons(suppress.suppress_table(table, K))
    assert got[("site", "b")] == "secondary"
    assert got[("b_hist", "b:x")] == "secondary", "6 under a masked 6 would show the masked parent"


def test_yes_rows_are_masked_when_the_count_or_its_complement_is_below_k():
    got = reasons(suppress.suppress_table(hand_made(), K))
    assert got[("hydro", "yes")] == "complement"  # 30 of 32: the 2 without it would be known
    assert got[("isolated", "yes")] == "primary"
    assert ("sub", "yes") not in got


def test_multi_response_options_are_masked_on_their_own_without_secondary_cells():
    got = reasons(suppress.suppress_table(hand_made(), K))
    assert got[("symptoms", "seizure")] == "primary"
    assert ("symptoms", "headache") not in got  # 31 of 32: options are independent questions


def test_a_missing_row_of_a_categorical_item_is_masked_alone_and_the_levels_are_checked_against_their_denominator():
    got = reasons(suppress.suppress_table(hand_made(), K))
    assert got[("field", "missing")] == "primary"
    assert ("field", "3T") not in got and ("field", "1.5T") not in got


def test_below_2_the_table_is_returned_unchanged_and_the_input_is_never_modified():
    table = hand_made()
    before = table.copy()
    for k in (0, 1, None):
        out = suppress.suppress_table(table, k)
        pd.testing.assert_frame_equal(out, before)
        assert out is not table
    suppress.suppress_table(table, K)
    pd.testing.assert_frame_equal(table, before)


@pytest.mark.parametrize("k", [-1, 2.5, "five"])
def test_an_invalid_k_is_refused(k):
    with pytest.raises(ValueError, match="suppress_below"):
        suppress.suppress_table(hand_made(), k)


@settings(max_examples=300, deadline=None)
@given(counts=st.lists(st.integers(0, 30), min_size=2, max_size=6), k=st.integers(2, 11))
def test_no_total_ever_gives_a_single_masked_cell_away(counts, k):
    total = sum(counts)
    if total == 0:
        return
    table = pd.DataFrame([row("item", f"l{i}", "level", c, total) for i, c in enumerate(counts)])
    out = suppress.suppress_table(table, k)
    masked = out["suppressed"].to_numpy()
    n = np.array(counts)
    assert all(masked[(n >= 1) & (n < k)])
    assert not masked[n == 0].any()
    if masked.sum() == 1:  # only allowed when no other non-zero cell could be masked with it
        assert ((n > 0) & ~masked).sum() == 0
    shown = out.loc[~out["suppressed"], "n"].astype(int).tolist()
    assert sorted(shown) == sorted(n[~masked].tolist())


# ------------------------------------------------------------------------------ display and exports

@pytest.fixture(scope="module")
def table1():
    cohort = load_cohort(data_cut="2018-12-31")
    return tables.table1(cohort.data, lang="en")


def test_masked_cells_show_less_than_k_or_a_star_and_the_footnote_says_so(table1):
    frame, notes = formatting.display_table(suppress.suppress_table(table1, K), hide_ci=False)
    shown = dict(zip(frame["label"], frame["value"]))
    assert shown["Skin"] == "<5" and shown["Epileptic seizure"] == "<5"
    assert shown["CT and radiotherapy (RT)"] == suppress.SECONDARY_MARK  # 11, masked with the 3 of "none"
    assert shown["Female"] == "12 (37.5%)"
    assert frame.loc[frame["label"] == "Skin", "ci"].item() == ""
    assert any(note.startswith(FOOTNOTE) for note in notes)
    plain, plain_notes = formatting.display_table(table1, hide_ci=False)
    assert not any("suppressed" in note for note in plain_notes) and "<5" not in set(plain["value"])


def test_a_small_count_in_a_footnote_is_shown_as_less_than_k(table1):
    _, notes = formatting.display_table(suppress.suppress_table(table1, 7))
    assert "(<7 left out of the denominator)" in " ".join(notes)


def test_the_shared_csv_latex_and_docx_never_hold_a_masked_count(table1, tmp_path):
    masked = suppress.suppress_table(table1, K)
    paths = export.write_table(masked, tmp_path, "table1", caption="Table 1")
    csv = pd.read_csv(paths["csv"])
    hidden = csv[csv["suppressed"]]
    assert len(hidden) >= 10
    assert hidden[["n", "percent", "ci_low", "ci_high"]].isna().all().all()
    assert set(hidden["display"]) == {"<5", suppress.SECONDARY_MARK}
    tex = paths["tex"].read_text(encoding="utf-8")
    assert r"\textless{}5" in tex and "Counts below 5 are suppressed" in tex
    with zipfile.ZipFile(paths["docx"]) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "&lt;5" in xml and "Counts below 5 are suppressed" in xml
    # the masked values themselves: Skin is 3 (9.4%), Ovary 1 (3.1%)
    for text in (tex, xml, paths["csv"].read_text(encoding="utf-8")):
        assert not re.search(r"(?<![\d.])(9\.4|3\.1)\\?%|\b[13] \(", text)


def test_the_cross_tables_mask_cells_and_small_group_sizes():
    from lmlib import crosstab

    cohort = load_cohort(data_cut="2018-12-31")
    xt = suppress.suppress_crosstab(crosstab.findings_by(cohort.data), K)
    wide = formatting.crosstab_wide(xt)
    assert "Ovary (n = <5)" in wide.columns and "Lung (n = 17)" in wide.columns
    for _, part in xt.groupby(["item", "by_level"]):
        masked = part["suppressed"].sum()
        assert masked != 1 or (part.loc[~part["suppressed"], "n"] > 0).sum() == 0
    frame = export.crosstab_frame(xt)
    assert frame.loc[frame["suppressed"], "n"].isna().all()
    assert not ((frame["n"] >= 1) & (frame["n"] < K)).any()


def test_the_flow_csv_masks_small_counts():
    flow = pd.DataFrame({"section": "flow", "item": ["screened", "excluded", "excluded", "included"],
                         "level": ["", "", "other", ""], "label": "x", "n": [40, 3, 3, 37],
                         "denominator": 40, "percent": [100, 7.5, 7.5, 92.5]})
    out = export.flow_frame(flow, suppress_below=K)
    assert list(out["display"]) == ["40", "<5", "<5", "37 (92.5%)"]
    assert out["n"].isna().sum() == 2


# ------------------------------------------------------------------------------ survival

def test_the_risk_table_and_group_sizes_of_the_survival_section_show_less_than_k(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    cohort = load_cohort(data_cut="2018-12-31")
    report = sr.build(cohort.data, group_by="treatment", suppress_below=K)
    km = sr.km_figure(report, "treatment")
    numbers = [t.get_text() for t in km.table_ax.texts]
    assert "<5" in numbers
    assert not any(re.fullmatch(r"[1-4]", t) for t in numbers)
    legend = [t.get_text() for t in km.ax.get_legend().get_texts()]
    assert any(t.endswith("n <5") for t in legend), legend  # "No treatment" has 3 patients
    landmarks = sr.landmark_styler(report, "treatment").data
    assert "<5" in set(landmarks.iloc[:, 2])
    files = sr.write_tables(report, tmp_path)
    risk = pd.read_csv(files["risk"])
    for column in ("at_risk", "censored", "events"):
        assert not risk[column].between(1, K - 1).any(), column
    plain = sr.build(cohort.data, group_by="treatment")
    assert "<5" not in sr.headline(plain) and "<5" not in set(sr.landmark_styler(plain, "treatment").data.iloc[:, 2])


# ------------------------------------------------------------------------------ through a notebook

@pytest.mark.slow
def test_the_descriptive_notebook_with_suppress_below_masks_its_tables_and_leaves_out_its_count_figures(tmp_path):
    html = tmp_path / "out" / "01_descriptive.html"
    stale = tmp_path / "out" / "figures" / "symptoms.png"  # a figure of an earlier unsuppressed run
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    result = subprocess.run(
        [sys.executable, "-m", "lmlib.report", "section", config.NOTEBOOKS_DIR / "01_descriptive.ipynb", html,
         "--data-cut", "2018-12-31", "--output-dir", html.parent, "--suppress-below", str(K)],
        cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    page = html.read_text(encoding="utf-8")
    assert "&lt;5" in page and html_lib.escape(FOOTNOTE) in page
    assert "Figure not drawn: it would show counts below 5" in page
    assert not stale.exists()
    csv = pd.read_csv(html.parent / "tables" / "table1.csv")
    assert not csv["n"].between(1, K - 1).any()
    assert "suppress_below" in page and "<td>5</td>" in page  # the colophon records the parameter


def test_the_docx_is_byte_identical_whatever_the_clock_says(table1, monkeypatch):
    import time as time_module

    first = export.to_docx_bytes(table1)
    monkeypatch.setattr(time_module, "time", lambda: 2_000_000_000.0)  # 2033: zip entries would carry it
    assert export.to_docx_bytes(table1) == first
    with zipfile.ZipFile(io.BytesIO(first)) as docx:
        assert {info.date_time for info in docx.infolist()} == {export.ZIP_TIME}


def test_registry_sized_counts_are_written_in_full_never_in_exponent_notation():
    from lmlib.suppress import count_text
    from lmlib.survival.formatting import format_summary

    assert count_text(1_000_000.0, 0) == "1000000"
    assert count_text(12_345_678, 5) == "12345678"
    assert count_text(2.5, 0) == "2.5"  # a weighted count keeps its decimals
    from lmlib.survival import survival_summary

    data = load_cohort(None).data.assign(w=31_250.0)  # 32 patients standing for 1e6
    summary = survival_summary(data, "survival_days", "death", weights_col="w")
    shown = format_summary(summary).loc["Overall"]
    assert (shown["n"], shown["events"]) == ("1000000", "812500")  # 26 deaths x 31250
