"""Cells that cannot mislead, checked on the rendered output (the HTML, text and exported files a
reader sees), each against the numbers computed here or by lmlib.survival, never against the
presentation's own output. Each of these failed on the main branch before the presentation layer."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from lmlib import crosstab, tables  # noqa: E402
from lmlib import survival_report as sr  # noqa: E402
from lmlib.codebook import load_codebook  # noqa: E402
from lmlib.cohort import load_cohort  # noqa: E402
from lmlib.colophon import colophon_html, colophon, methods_paragraph, methods_references  # noqa: E402
from lmlib.present import crosstabs, descriptive  # noqa: E402
from lmlib.present.numbers import Style  # noqa: E402
from lmlib.survival import spss_median  # noqa: E402


@pytest.fixture(scope="module")
def cohort():
    return load_cohort()


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


def cells_of(table) -> list[dict]:
    return [{**r.cells, "_marks": r.marks, "_indent": r.indent} for r in table.rows]


def footnote(table, marks: str) -> str:
    return " ".join(text for mark, text in table.footnotes if mark in marks)


# ------------------------------------------------------------------------------ survival

SMALL = pd.DataFrame({
    "survival_days": [1.0, 2, 15, 30, 13, 5, 8, 11, 20, 40, 60],
    "death": [True, True, True, True, True, True, True, True, True, False, True],
    "grp": ["wide", "wide", "wide", "wide", "one", "many", "many", "many", "many", "many", "many"],
})


def test_the_headline_names_the_standard_error_instead_of_a_plus_minus_that_reads_as_sd(cohort, codebook):
    est = spss_median(cohort.data["survival_days"], cohort.data["death"].astype(bool))
    line = sr.headline(sr.build(cohort.data, codebook))
    assert line.startswith(f"Median overall survival: 30 days (SE 9.5; 95% CI 11.3–48.7")
    assert "± 9.5" not in line and round(est.se, 1) == 9.5
    table = sr.summary_styler(sr.build(cohort.data, codebook)).to_html()
    assert "Mean (SE; 95% CI)" in table and "47.1 (7.4; 32.5–61.6)" in table and "47.1 ± 7.4" not in table


def test_an_spss_limit_below_zero_is_shown_as_spss_gives_it_with_a_footnote_pointing_to_brookmeyer_crowley():
    wide = SMALL[SMALL["grp"] == "wide"]
    est = spss_median(wide["survival_days"], wide["death"])
    assert est.lower < 0  # -11.72: the symmetric interval crosses zero
    rep = sr.build(SMALL, None, group_by="grp")
    table = sr.summary_styler(rep, "grp")
    row = next(r for r in table.rows if r.cells["label"] == "wide")
    assert row.cells["ci_spss"] == "−11.7 to 15.7"  # not "-11.7–15.7"
    note = footnote(table, row.marks["ci_spss"])
    assert "below zero" in note and "Brookmeyer–Crowley" in note
    assert "−11.7 to 15.7" in table.to_html() and "-11.7–15.7" not in table.to_latex()


def test_a_one_patient_group_is_not_estimable_not_se_zero_and_not_not_reached():
    rep = sr.build(SMALL, None, group_by="grp")
    table = sr.summary_styler(rep, "grp")
    row = next(r for r in table.rows if r.cells["label"] == "one")
    assert row.cells["median"] == "13"
    assert row.cells["se"] == row.cells["ci_spss"] == row.cells["ci_loglog"] == "not estimable"
    assert "0.0" not in row.cells["se"] and "13.0–13.0" not in table.to_html()
    assert "not reached" not in " ".join(row.cells.values())
    assert "no variance" in footnote(table, row.marks["se"]) and "median itself was reached" in footnote(
        table, row.marks["se"])


def test_a_degenerate_landmark_interval_shows_a_dash_as_its_footnote_says(cohort, codebook):
    rep = sr.build(cohort.data, codebook, landmarks="0,30", group_by="")
    table = sr.landmark_styler(rep)
    first = table.rows[0]
    assert first.cells["survival"] == "100.0% (—)" and "100.0–100.0" not in table.to_html()
    assert "survival is 100% or 0%" in footnote(table, first.marks["survival"])


def test_follow_up_not_reached_is_said_plainly_without_an_interval_that_ends_in_not_reached(cohort, codebook):
    line = sr.followup_text(sr.build(cohort.data, codebook))
    assert "not reached." in line and not re.search(r"\d+–not reached", line) and "IQR" not in line
    assert "A quarter of the patients had a potential follow-up of 75 days or less" in line


# ------------------------------------------------------------------------------ Table 1

def test_histology_of_an_unknown_primary_is_not_applicable_rather_than_missing_with_an_interval(cohort):
    plain = cohort.data
    unknown = plain["primary_site"].astype(str) == "unknown_primary"
    assert unknown.sum() == 1 and plain.loc[unknown, "histology"].isna().all()
    table = descriptive.display_table(tables.table1(plain), Style(), hide_ci=False)
    rows = cells_of(table)
    at = next(i for i, r in enumerate(rows) if r["label"] == "Metastatic tumour of unknown primary")
    child = rows[at + 1]
    assert child["label"] == "Histological type" and child["value"] == "not applicable" and child["ci"] == ""
    assert "Missing" not in [r["label"] for r in rows[at + 1:at + 3]]
    assert "does not apply" in footnote(table, child["_marks"]["label"])


def test_lost_to_follow_up_is_indented_under_the_vital_status(cohort):
    table = descriptive.display_table(tables.table1(cohort.data), Style())
    rows = cells_of(table)
    at = next(i for i, r in enumerate(rows) if r["label"] == "Lost to follow-up")
    assert rows[at]["_indent"] == 1 and rows[at - 1]["label"] == "Alive at last contact"
    assert 'class="lm-left lm-i1">Lost to follow-up' in table.to_html()


# ------------------------------------------------------------------------------ cross-tabulations

def test_complementary_cross_tabs_report_their_test_once(cohort, codebook):
    xt = crosstab.findings_by(cohort.data, codebook)
    isolated = cohort.data["isolated_lm"].astype(bool)
    assert (isolated == ~cohort.data["metastases_parenchyma"].astype(bool)).all()  # complements in every patient
    table = crosstabs.display_table(xt, Style())
    rows = {r.cells["label"]: r for r in table.rows}
    first = rows["Isolated intracranial leptomeningeal involvement"]
    second = rows["Accompanying metastasis: Cerebral parenchyma"]
    assert first.cells["p"] == "0.743" and second.cells["p"] == ""
    assert "same test" in footnote(table, second.marks["label"])
    assert table.to_html().count(">0.743<") == 1


# ------------------------------------------------------------------------------ audit and methods

def test_the_audit_shows_labels_and_verdict_words_never_raw_keys(cohort, codebook):
    from lmlib.audit import consistency, reproduce
    from lmlib.present import audit
    from lmlib.published import load_published

    findings = consistency.check_published(load_published())
    shown = audit.consistency_table(findings, Style(), codebook).text() + \
        audit.compare_table(reproduce.reproduction_audit(cohort.data, codebook), Style(), codebook).text()
    for raw in ("cn_group_7_8", "consistent_truncated", "paper_inconsistent", "percent_rounding", "vital_status"):
        assert raw not in shown, raw
    assert "CN 7–8" in shown and "consistent only if truncated" in shown


def test_the_audit_legend_comes_before_its_table(monkeypatch):
    from lmlib.audit import reproduce
    from lmlib.cohort import load_cohort
    from lmlib.present import Style, audit, page

    shown = []
    monkeypatch.setattr(page, "show", shown.append)
    cohort = load_cohort()
    audit.show_comparison(reproduce.reproduction_audit(cohort.data), cohort, Style())
    page_text = "\n".join(shown)
    assert "DIFFERS (unexplained)" in page_text and 'id="lm-table-audit"' in page_text
    assert page_text.index("DIFFERS (unexplained)") < page_text.index('id="lm-table-audit"')


@pytest.mark.parametrize("options", [{}, {"group_by": "primary_site", "group_tests": "parametric", "adjust": "holm",
                                          "smd": True, "cox": "age,sex", "landmark": "30", "pairwise_adjust": "bh"},
                                     {"group_by": "sex", "adjust": "bh"}])
def test_the_methods_paragraph_cites_author_year_and_lists_exactly_the_works_it_cites(options):
    for summary in ("", "age=median_iqr"):
        paragraph = methods_paragraph("en", continuous_summary=summary, options=options)
        references = methods_references(continuous_summary=summary, options=options)
        cited = set(re.findall(r"([A-Z][A-Za-z-]+)(?: (?:&|and) [A-Z][A-Za-z-]+| et al\.)? (\d{4})", paragraph))
        listed = {(ref.split(" ")[0].rstrip(","), re.search(r"(\d{4})", ref).group(1)) for ref in references}
        assert cited - {("Python", "3")} == listed, (cited ^ listed)
        assert references == sorted(references, key=str.casefold)
    page = colophon_html(colophon({"input_file": "x.csv"}, {}), methods_paragraph("en"), methods_references())
    assert "<ol" not in page and '<ul class="lm-references">' in page and "Hyndman" not in page
