"""Tables 1 and 2 by group as a reader sees them (lmlib.comparisons.table_by_group): every cell
against pandas counts of a hospital-style export, every p against R's output on that export's
raw columns (tests/data/r_oracles/), the test named in each p's footnote, the CSV's `p` and
`test` columns, small-cell suppression per group cell that no row or column total gives away,
a study file's own variable as the grouping, and the three renderers."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from r_oracle import DIR, oracle

from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.comparisons import table_by_group
from lmlib.compare_groups import OVERALL, compare_groups
from lmlib.present import Style
from test_present_table import check_docx, check_tex

EXPORT = DIR / "hospital_cohort.csv"
TREATMENT = {"KT": "chemotherapy", "KT+RT": "chemoradiotherapy", "Tedavi almadı": "none"}
HEADERS = {"chemotherapy": "Chemotherapy (CT)", "chemoradiotherapy": "CT and radiotherapy (RT)",
           "none": "No treatment (refused)"}
SEX = {"Kadın": "Female", "Erkek": "Male"}
CODEBOOK = load_codebook()


@pytest.fixture(scope="module")
def cohort():
    return load_cohort(EXPORT)


@pytest.fixture(scope="module")
def synthetic():
    return load_cohort(None, data_cut="2018-12-31")


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(EXPORT, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def by_treatment(cohort):
    return table_by_group(cohort.data, CODEBOOK, "treatment", not_in_file=cohort.not_in_file, adjust="bh", smd=True)


def half_up(x, places: int = 1) -> str:
    """``x`` rounded half away from zero, as SPSS and the reports print (not Python's format)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def pct(n: int, d: int) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    return str((Decimal(100 * n) / Decimal(d)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def column_of(table, header_start: str) -> str:
    found = [c.key for c in table.columns if c.header.startswith(header_start)]
    assert len(found) == 1, (header_start, [c.header for c in table.columns])
    return found[0]


def row_of(table, label: str, after: str | None = None):
    rows = table.rows
    if after is not None:
        start = next(i for i, r in enumerate(rows) if r.cells["label"] == after)
        rows = rows[start + 1:]
    return next(r for r in rows if r.cells["label"] == label)


def footnote_text(table, row, key: str) -> str:
    notes = dict(table.footnotes)
    return " ".join(notes[m] for m in row.marks.get(key, ""))


def test_each_column_header_names_its_group_and_its_patients_counted_by_pandas(by_treatment, raw):
    sizes = raw["Tedavi"].map(TREATMENT).value_counts()
    headers = [c.header for c in by_treatment.table.columns]
    assert headers[:2] == ["Characteristic", f"Overall (n = {len(raw)})"]
    for level, label in HEADERS.items():
        assert f"{label} (n = {sizes[level]})" in headers
    assert headers[-3:] == ["p", "q", "SMD"]
    assert [s.header for s in by_treatment.table.spans] == ["Treatment"]


def test_every_sex_cell_is_the_pandas_count_and_percentage_of_its_column(by_treatment, raw):
    table = by_treatment.table
    group = raw["Tedavi"].map(TREATMENT)
    counts = pd.crosstab(raw["Cinsiyet"], group)
    for word, label in SEX.items():
        row = row_of(table, label, after="Sex")
        for level, header in HEADERS.items():
            n, size = int(counts.loc[word, level]), int(counts[level].sum())
            assert row.cells[column_of(table, header)] == f"{n} ({pct(n, size)}%)", (label, level)
        total = int(counts.loc[word].sum())
        assert row.cells[column_of(table, "Overall")] == f"{total} ({pct(total, len(raw))}%)"


def test_the_age_row_shows_each_groups_mean_sd_and_range_as_pandas_computes_them(by_treatment, raw):
    table = by_treatment.table
    age = pd.to_numeric(raw["Yaş"])
    group = raw["Tedavi"].map(TREATMENT)
    row = row_of(table, "Age, years")
    for level, header in HEADERS.items():
        x = age[group == level]
        assert row.cells[column_of(table, header)] == \
            f"{half_up(x.mean())} ± {half_up(x.std())} ({x.min():.0f}–{x.max():.0f})"


def test_every_p_is_rs_p_on_the_raw_columns_and_its_footnote_names_the_test(by_treatment, cohort):
    case = next(c for c in oracle("group_tests")["hospital"] if c["by"] == "treatment")["tests"]
    table2 = table_by_group(cohort.data, CODEBOOK, "treatment", section="table2", not_in_file=cohort.not_in_file).table
    checks = {"Sex": ("sex", by_treatment.table), "Primary malignancy origin": ("primary_site", by_treatment.table),
              "Location": ("lm_location", table2),
              "Leptomeningeal enhancement pattern": ("enhancement_pattern", table2),
              "MRI field strength": ("field_strength", table2), "Hydrocephalus (mild)": ("hydrocephalus", table2)}
    seen = set()
    for label, (unit, table) in checks.items():
        r = case[unit]
        row = row_of(table, label)
        expected = r["fisher_p"] if r["expected_min"] < 5 else r["chisq_p"]
        assert row.cells["p"] == Style().p(expected), label
        note = footnote_text(table, row, "p")
        if r["expected_min"] < 5:
            assert note.startswith(("Fisher's exact", "Freeman–Halton exact")) and "below 5" in note, note
        else:
            assert note.startswith("Pearson's χ² test without continuity correction"), note
        seen.add(r["expected_min"] < 5)
    assert seen == {True, False}  # both kinds of test were checked
    age = row_of(by_treatment.table, "Age, years")
    assert age.cells["p"] == Style().p(case["age"]["kruskal_p"])
    assert footnote_text(by_treatment.table, age, "p") == "Kruskal–Wallis test."


def test_a_yes_no_item_and_each_option_of_a_multi_response_item_carry_their_own_p(by_treatment):
    table = by_treatment.table
    numbers = by_treatment.numbers
    overall = numbers[numbers["group"] == OVERALL]
    for option, label in (("headache", "Headache"), ("seizure", "Epileptic seizure")):
        p = overall.loc[overall["level"].eq(option) & overall["item"].eq("symptoms"), "p"].iloc[0]
        row = row_of(table, label)
        assert row.cells["p"] == (Style().p(p) if not np.isnan(p) else "—")
        assert row.marks.get("p")
    assert row_of(table, "Clinical symptoms (a patient can have several)").cells.get("p", "") == ""


def test_the_grouping_itself_is_not_a_row_and_the_overall_column_is_the_ungrouped_table(by_treatment, cohort):
    from lmlib import tables
    from lmlib.present.descriptive import display_table

    grouped = by_treatment.table
    assert "Treatment" not in [r.cells["label"] for r in grouped.rows]
    plain = display_table(tables.table1(cohort.data, CODEBOOK, not_in_file=cohort.not_in_file), Style())
    overall = column_of(grouped, "Overall")
    shown = {(r.cells["label"], r.cells[overall]) for r in grouped.rows}
    expected = {(r.cells["label"], r.cells["value"]) for r in plain.rows} - {
        (r.cells["label"], r.cells["value"]) for r in plain.rows if r.cells["label"] in
        ("Treatment", "Chemotherapy (CT)", "CT and radiotherapy (RT)", "No treatment (refused)")}
    assert expected <= shown


def test_the_csv_has_every_group_with_the_p_in_p_and_the_test_in_test(by_treatment):
    csv = by_treatment.csv()
    assert {"p", "test", "q", "smd", "group", "group_label", "group_n", "display"} <= set(csv.columns)
    assert set(csv["group"]) == {OVERALL, *HEADERS}
    sex = csv[csv["item"] == "sex"]
    assert sex["p"].nunique() == 1 and sex["test"].nunique() == 1
    assert sex["test"].iloc[0] in ("pearson_chi2", "fisher_exact", "freeman_halton")
    case = next(c for c in oracle("group_tests")["hospital"] if c["by"] == "treatment")["tests"]["sex"]
    expected = case["fisher_p"] if case["expected_min"] < 5 else case["chisq_p"]
    assert abs(sex["p"].iloc[0] - expected) < 1e-8
    assert "test_note" not in csv.columns  # words are the display's; the CSV keeps codes


def test_parametric_tests_give_welch_or_anova_and_say_so(cohort):
    case = next(c for c in oracle("group_tests")["hospital"] if c["by"] == "sex")["tests"]["age"]
    t = table_by_group(cohort.data, CODEBOOK, "sex", not_in_file=cohort.not_in_file, tests="parametric")
    row = row_of(t.table, "Age, years")
    assert row.cells["p"] == Style().p(case["welch_p"])
    assert footnote_text(t.table, row, "p") == "Welch's t test (unequal variances)."


def test_missing_rows_always_or_never(cohort, raw):
    always = table_by_group(cohort.data, CODEBOOK, "treatment", not_in_file=cohort.not_in_file, section="table2", missing="always").table
    labels = [r.cells["label"] for r in always.rows]
    assert labels.count("Missing") >= 4
    never = table_by_group(cohort.data, CODEBOOK, "treatment", not_in_file=cohort.not_in_file, section="table2", missing="no").table
    assert "Missing" not in [r.cells["label"] for r in never.rows]
    recorded = raw["MRG tesla"] != ""
    group = raw["Tedavi"].map(TREATMENT)
    row = row_of(always, "Missing", after="MRI field strength")
    for level, header in HEADERS.items():
        m = int(((~recorded) & (group == level)).sum())
        assert row.cells[column_of(always, header)].startswith(f"{m} ("), level


def hidden_cells_are_safe(frame: pd.DataFrame, k: int) -> None:
    """No masked count of a grouped table can be worked out from a shown total: in every row the
    masked group cells are none or at least two (Overall shown), and within each group's
    mutually exclusive item the same; every shown count is 0 or at least k."""
    counted = frame[frame["kind"].isin(["level", "yes", "option", "missing"])]
    shown = counted[~counted["suppressed"]]
    assert ((shown["n"] == 0) | (shown["n"] >= k)).all() or (shown["kind"] == "yes").any()
    for (_, _), row in counted.groupby(["item", "level"], sort=False):
        groups = row[row["group"] != OVERALL]
        overall_shown = not row.loc[row["group"] == OVERALL, "suppressed"].iloc[0]
        if overall_shown:
            assert groups["suppressed"].sum() != 1, row[["item", "level", "group", "n", "suppression"]]
    levels = counted[(counted["kind"] == "level") & ~counted["level"].astype(str).str.contains(":")]
    for (_, _), column in levels.groupby(["item", "group"], sort=False):
        assert column["suppressed"].sum() != 1, column[["item", "level", "group", "n", "suppression"]]


@pytest.mark.parametrize("by, k", [("treatment", 5), ("primary_site", 5), ("sex", 10)])
def test_small_cell_suppression_masks_each_group_cell_and_nothing_can_be_recovered(cohort, by, k):
    t = table_by_group(cohort.data, CODEBOOK, by, not_in_file=cohort.not_in_file, section="table2", suppress_below=k)
    frame = t.numbers
    hidden_cells_are_safe(frame, k)
    unmasked = compare_groups(cohort.data, CODEBOOK, by, section="table2", not_in_file=cohort.not_in_file)
    small = unmasked["kind"].isin(["level", "option", "missing"]) & unmasked["n"].between(1, k - 1)
    assert frame.loc[small.to_numpy(), "suppressed"].all()
    text = t.table.text()
    assert f"<{k}" in text and "suppressed" in text
    csv = t.csv()
    assert csv.loc[csv["suppressed"], "n"].isna().all()
    cells = [r.cells[c.key] for r in t.table.rows for c in t.table.columns if c.key.startswith("g:")]
    shown_counts = [int(m.group(1)) for c in cells for m in [re.match(r"(\d+)(?:/\d+)? \(", c)] if m]
    assert shown_counts and all(n == 0 or n >= k for n in shown_counts)


def test_a_group_smaller_than_k_shows_its_size_as_below_k(synthetic):
    t = table_by_group(synthetic.data, CODEBOOK, "primary_site", suppress_below=5)
    frame = t.numbers
    sizes = frame.groupby("group")[["group_n", "group_suppression"]].first()
    small = sizes[(sizes["group_n"] < 5) & (sizes.index != OVERALL)]
    assert len(small) and (small["group_suppression"] == "primary").all()
    headers = " ".join(c.header for c in t.table.columns)
    assert "(n = <5)" in headers
    assert t.csv().loc[lambda f: f["group_suppression"] != "", "group_n"].isna().all()


def test_a_variable_of_a_study_file_groups_the_table(tmp_path, raw):
    export = tmp_path / "export.csv"
    frame = raw.copy()
    frame["BOS sitolojisi"] = np.where(np.arange(len(frame)) % 3 == 0, "pozitif", "negatif")
    frame.loc[5, "BOS sitolojisi"] = ""
    frame.to_csv(export, index=False)
    study = tmp_path / "study.yaml"
    study.write_text("""study_file: 1
variables:
  - name: csf_cytology
    type: categorical
    section: table2
    label: {en: CSF cytology, tr: BOS sitolojisi}
    aliases: ["BOS sitolojisi"]
    levels:
      - {name: positive, label: {en: Positive, tr: Pozitif}, synonyms: [pozitif]}
      - {name: negative, label: {en: Negative, tr: Negatif}, synonyms: [negatif]}
""", encoding="utf-8")
    codebook = load_codebook(study=study)
    cohort = load_cohort(export, codebook)
    t = table_by_group(cohort.data, codebook, "csf_cytology", lang="tr")
    headers = [c.header for c in t.table.columns]
    positive = int((frame["BOS sitolojisi"] == "pozitif").sum())
    negative = int((frame["BOS sitolojisi"] == "negatif").sum())
    assert f"Pozitif (n = {positive})" in headers and f"Negatif (n = {negative})" in headers
    assert headers[1] == f"Tüm hastalar (n = {positive + negative})"
    assert t.table.title.endswith(", BOS sitolojisi gruplarına göre")
    assert "Hiçbir sütunda yer almayan 1 hastanın BOS sitolojisi kaydı yoktur." in t.table.notes
    sex = pd.crosstab(frame["Cinsiyet"], frame["BOS sitolojisi"])
    row = row_of(t.table, "Kadın", after="Cinsiyet")
    n = int(sex.loc["Kadın", "pozitif"])
    assert row.cells[column_of(t.table, "Pozitif")] == f"{n} (%{pct(n, positive)})"


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_six_group_table_renders_in_html_latex_and_a_landscape_word_page(cohort, lang):
    t = table_by_group(cohort.data, CODEBOOK, "primary_site", not_in_file=cohort.not_in_file, lang=lang, adjust="bh", smd=True)
    groups = [c for c in t.table.columns if c.key.startswith("g:")]
    assert len(groups) == 7 and t.table.wide  # Overall and six primary sites
    check_tex(t.table.to_latex())
    read = check_docx(t.table.to_docx(), header_rows=2)
    assert read["caption"].startswith({"en": "Table 1.", "tr": "Tablo 1."}[lang])
    html = t.table.to_html()
    assert html.count("<th") >= len(t.table.columns) + 1
    assert t._repr_html_() == html


def test_the_input_is_not_modified(cohort):
    before = cohort.data.copy()
    table_by_group(cohort.data, CODEBOOK, "treatment", not_in_file=cohort.not_in_file, suppress_below=5, missing="always")
    pd.testing.assert_frame_equal(cohort.data, before)
