"""The multivariable Cox model as a reader sees it (lmlib.comparisons.cox_table): every cell of its
table against R's coxph on R's lung data (tests/data/r_oracles/cox.json, described to lmlib by a
study file of its own), the reference levels named, the likelihood-ratio p of a factor, events
per coefficient with the exploratory mark, the PH test named with its transform, a model that
cannot be estimated said so with its reason, the post-baseline note, and the forest plot's files
and alt text."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from r_oracle import dataset, oracle

from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.comparisons import cox_table
from lmlib.present import Style
from test_table_by_group import row_of as row

LUNG_STUDY = """study_file: 1
variables:
  - {name: sex_r, type: categorical, section: none, label: {en: Sex (R coding), tr: Cinsiyet (R kodu)},
     levels: [{name: "1", label: {en: Male, tr: Erkek}}, {name: "2", label: {en: Female, tr: Kadın}}]}
  - name: ecog
    type: categorical
    section: none
    label: {en: ECOG performance status, tr: ECOG performans durumu}
    levels:
      - {name: "0", label: {en: ECOG 0, tr: ECOG 0}}
      - {name: "1", label: {en: ECOG 1, tr: ECOG 1}}
      - {name: "2", label: {en: ECOG 2, tr: ECOG 2}}
      - {name: "3", label: {en: ECOG 3, tr: ECOG 3}}
  - {name: weight_loss, type: continuous, section: none, label: {en: "Weight loss, lb", tr: "Kilo kaybı, lb"}}
"""
TERMS = {"age": ("age", ""), "sex=2": ("sex_r", "Female"), "ph.ecog=1": ("ecog", "ECOG 1"),
         "ph.ecog=2": ("ecog", "ECOG 2"), "ph.ecog=3": ("ecog", "ECOG 3"), "wt.loss": ("weight_loss", "")}


def two(x) -> str:
    return str(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def lung_codebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("lung") / "lung.study.yaml"
    path.write_text(LUNG_STUDY, encoding="utf-8")
    return load_codebook(study=path)


@pytest.fixture(scope="module")
def lung():
    frame = dataset("lung")
    return pd.DataFrame({
        "survival_days": frame["time"], "death": frame["dead"].astype(bool), "age": frame["age"],
        "sex_r": frame["sex"].astype(int).astype(str),
        "ecog": frame["ph.ecog"].map(lambda v: None if pd.isna(v) else str(int(v))),
        "weight_loss": frame["wt.loss"]})


@pytest.fixture(scope="module")
def r_case():
    return next(c for c in oracle("cox")["cox"] if c["name"] == "lung_ecog_factor")


@pytest.fixture(scope="module")
def lung_cox(lung, lung_codebook):
    return cox_table(lung, ["age", "sex_r", "ecog", "weight_loss"], lung_codebook)


def test_every_hr_ci_p_and_ph_cell_is_rs_coxph_on_the_lung_data(lung_cox, r_case):
    table = lung_cox.table
    style = Style()
    ph = r_case["ph_old"]["rank"]["p"]
    labels = {"age": "Age, years (per 1-unit increase)", "wt.loss": "Weight loss, lb (per 1-unit increase)"}
    for coefficient in r_case["coefficients"]:
        term = coefficient["term"]
        variable, level = TERMS[term]
        heading = {"sex_r": "Sex (R coding)", "ecog": "ECOG performance status"}.get(variable)
        cells = (row(table, level, after=heading) if level else row(table, labels[term])).cells
        assert cells["hr"] == f"{two(coefficient['hr'])} ({two(coefficient['lower'])}–{two(coefficient['upper'])})", term
        assert cells["p"] == style.p(coefficient["p"]), term
        assert cells["ph"] == style.p(ph[term]), term


def test_each_reference_level_is_named_and_a_factor_of_four_levels_has_its_likelihood_ratio_p(lung_cox, r_case):
    table = lung_cox.table
    assert row(table, "ECOG 0").cells["hr"] == "1 (reference)"
    assert row(table, "Male").cells["hr"] == "1 (reference)"
    heading = row(table, "ECOG performance status")
    assert heading.bold and heading.cells["p"] == Style().p(r_case["lr_per_column"]["ph.ecog"]["p"])
    notes = dict(table.footnotes)
    assert notes[heading.marks["p"]].startswith("Likelihood-ratio test of the whole variable")
    assert row(table, "Sex (R coding)").cells.get("p", "") == ""  # two levels: the level's own p only


def test_the_notes_give_n_events_per_coefficient_and_the_ph_test_with_its_transform(lung_cox, r_case):
    notes = " ".join(lung_cox.table.notes)
    assert f"of the {r_case['n']} of 228 patients with every covariate recorded, {r_case['events']} deaths" in notes
    epv = r_case["events"] / 6
    assert f"Events per variable: {epv:.1f} ({r_case['events']} deaths; coefficients estimated: 6)." in notes
    assert "(exploratory)" not in lung_cox.table.title
    g = r_case["ph_old"]["rank"]["global"]
    assert "score approximation of R's cox.zph before survival 3.0" in notes
    assert "mid-ranks of the death times" in notes
    assert f"Global: χ² = {two(g['chisq'])}, df = {g['df']}, p = {Style().p(g['p'])}." in notes
    lr = r_case["lr_test"]
    assert f"Likelihood-ratio test of the model: χ² = {two(lr['chisq'])}, df = {int(lr['df'])}" in notes


def test_fewer_than_ten_events_per_coefficient_marks_the_model_exploratory(lung, lung_codebook):
    small = cox_table(lung.iloc[:30], ["age", "sex_r", "ecog"], lung_codebook, lang="tr")
    events = int(small.numbers.model["events"])
    assert small.numbers.model["events_per_variable"] == pytest.approx(events / 5) and events / 5 < 10
    assert small.table.title.endswith("(keşif amaçlı)")
    assert any(n.startswith("Keşif amaçlı:") for n in small.table.notes)


def test_complete_separation_is_a_term_not_estimable_never_a_number():
    data = dataset("separation").rename(columns={"time": "survival_days", "status": "death"})
    data["death"] = data["death"].astype(bool)
    data["hydrocephalus"] = data["x"].astype(bool)
    t = cox_table(data, ["age", "hydrocephalus"])
    cells = row(t.table, "Yes", after="Hydrocephalus (mild)").cells
    assert cells["hr"] == "not estimable" and cells["p"] == "" and cells["ph"] == ""
    r = next(c for c in oracle("cox")["cox"] if c["name"] == "separation")["coefficients"][1]
    age = row(t.table, "Age, years (per 1-unit increase)").cells
    assert age["hr"] == f"{two(r['hr'])} ({two(r['lower'])}–{two(r['upper'])})"  # R keeps the finite one
    assert any("Not every coefficient is estimable" in n for n in t.table.notes)
    assert "not estimable" in t.forest_alt()


def test_a_model_that_cannot_be_fitted_is_one_row_saying_why():
    data = pd.DataFrame({"survival_days": [42.0], "death": [True], "age": [50.0]})
    t = cox_table(data, "age")
    assert [r.cells["label"] for r in t.table.rows] == [
        "Model not estimable: 1 patients with every covariate recorded, for 1 coefficients."]
    assert t.forest() is None


def test_a_single_covariate_name_works_and_treatment_carries_the_immortal_time_note():
    cohort = load_cohort(None, data_cut="2018-12-31")
    t = cox_table(cohort.data, "treatment")
    heading = row(t.table, "Treatment")
    notes = dict(t.table.footnotes)
    assert "immortal-time bias" in notes[heading.marks["label"]]
    assert row(t.table, "Chemotherapy (CT)").cells["hr"] == "1 (reference)"


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_forest_plot_is_written_as_a_300_dpi_png_and_a_pdf_with_alt_text_naming_every_term(
        lung_cox, lung, lung_codebook, tmp_path, lang):
    from lmlib.plots import save_figures
    from test_figures import png_dpi

    t = cox_table(lung, ["age", "sex_r", "ecog", "weight_loss"], lung_codebook, lang=lang)
    fig = t.forest()
    width, height = fig.get_size_inches()
    assert width == 7.0 and height < 9.0
    paths = save_figures(fig, tmp_path, "forest")
    assert round(png_dpi(paths["png"].read_bytes())) == 300 and paths["pdf"].read_bytes().startswith(b"%PDF")
    alt = t.forest_alt()
    hr = {"en": "HR", "tr": "HO"}[lang]
    for r in t.numbers.terms[~t.numbers.terms["is_reference"]].itertuples():
        assert f"{hr} {two(r.hr)} ({two(r.lower)}–{two(r.upper)})" in alt
    texts = [text.get_text() for ax in fig.axes for text in ax.texts]
    assert {"en": "reference", "tr": "referans"}[lang] in texts
    assert fig.axes[1].get_xscale() == "log"


def test_the_csv_keeps_codes_and_numbers_with_the_display_beside_them(lung_cox, r_case):
    csv = lung_cox.csv()
    assert {"term", "variable", "level", "hr", "lower", "upper", "p", "ph_p", "variable_p", "display"} <= set(csv.columns)
    ecog = csv[(csv["variable"] == "ecog") & ~csv["is_reference"]]
    got = dict(zip(ecog["level"], ecog["hr"]))
    for c in r_case["coefficients"]:
        if c["term"].startswith("ph.ecog="):
            assert got[c["term"].split("=")[1]] == pytest.approx(c["hr"], rel=2e-8)
