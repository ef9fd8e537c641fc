"""The short public API (lmlib.api, at the top of the package): light to import, the same names in
every import order, results shown and written as the report shows and writes them, numbers
checked against a made-up hospital export counted with pandas (tests/realistic_exports.py) and
against lifelines, and markup from the input shown as text.
"""
from __future__ import annotations

import base64
import hashlib
import html as html_lib
import re
import subprocess
import sys

import pandas as pd
import pytest

import lmlib
import realistic_exports as rx
from lmlib import config
from test_realistic_exports import EXPORTS, study_file

ROOT = config.PROJ_ROOT
HEAVY = ("pandas", "numpy", "scipy", "matplotlib", "lifelines", "statsmodels")


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def synthetic():
    return lmlib.load(data_cut="2018-12-31")


# ------------------------------------------------------------------------------ the package

def test_import_lmlib_loads_no_heavy_library_and_lists_the_api_without_loading_it():
    out = run_python("import sys, lmlib; names = dir(lmlib); all_ = list(lmlib.__all__)\n"
                     f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})), "
                     "set(all_) <= set(names), sorted(all_))")
    assert out.startswith("[] True")
    assert {"load", "table1", "table2", "survival", "km_plot", "crosstab", "audit", "Cohort", "TableResult",
            "SurvivalResult", "FigureResult"} <= set(eval(out.split("True ", 1)[1]))  # noqa: S307 - our own print


def test_an_unknown_attribute_of_lmlib_is_an_attribute_error_naming_it():
    with pytest.raises(AttributeError, match="no attribute 'tabel1'"):
        lmlib.tabel1  # noqa: B018


@pytest.mark.parametrize("order", [
    "import lmlib; f = lmlib.survival",
    "from lmlib.survival import cox_model; import lmlib; f = lmlib.survival",
    "import lmlib.survival as f",
    "from lmlib import survival as f",
    "import lmlib.survival.km, lmlib; f = lmlib.survival",
])
def test_lmlib_survival_is_both_the_statistics_module_and_the_api_function_in_every_import_order(order):
    out = run_python(f"{order}\nimport lmlib\nr = f(lmlib.load())\n"
                     "print(type(r).__name__, f is __import__('sys').modules['lmlib.survival'], "
                     "callable(f.cox_model), type(f.km).__name__)")
    assert out == "SurvivalResult True True module"


def test_lmlib_crosstab_and_audit_are_their_modules_and_the_api_functions():
    out = run_python("import lmlib, lmlib.audit.reproduce\nfrom lmlib.crosstab import findings_by\n"
                     "c = lmlib.load()\nprint(type(lmlib.crosstab(c)).__name__, type(lmlib.audit(c)).__name__, "
                     "callable(lmlib.audit.reproduce.reproduction_audit), callable(lmlib.crosstab.freeman_halton))")
    assert out == "TableResult TableResult True True"


def test_the_api_functions_have_the_signature_of_their_definition():
    import inspect

    from lmlib import api

    for name in ("survival", "crosstab", "audit"):
        assert inspect.signature(getattr(lmlib, name)) == inspect.signature(getattr(api, name))
    assert lmlib.table1 is api.table1 and lmlib.load is api.load


def test_a_call_on_something_that_is_not_a_cohort_says_what_was_expected(synthetic):
    with pytest.raises(TypeError, match=r"expected a cohort from lmlib.load\(\.\.\.\), not DataFrame"):
        lmlib.table1(synthetic.data)
    with pytest.raises(ValueError, match="lang must be one of en, tr, not 'fr'"):
        lmlib.load(lang="fr")
    from lmlib.problems import InputError

    with pytest.raises(InputError, match="no column 'treatmnet'"):
        lmlib.survival(synthetic, by="treatmnet")


# ------------------------------------------------------------------------------ numbers

@pytest.fixture(scope="module")
def hospital(tmp_path_factory):
    """The made-up cohort's Windows-1254 semicolon CSV (with a study file) and its truth."""
    truth = rx.truth_table()
    name, writer, rename = EXPORTS["csv"]
    folder = tmp_path_factory.mktemp("export")
    path = writer(truth, folder / name)
    return path, truth, rename


def test_tables_1_and_2_written_by_the_api_count_what_pandas_counts_in_a_hospital_export(hospital, tmp_path):
    path, truth, rename = hospital
    before = path.read_bytes()
    cohort = lmlib.load(path, study=study_file("csv"), data_cut=rx.DATA_CUT)
    files = [lmlib.table1(cohort).to_csv(tmp_path / "t1.csv"), lmlib.table2(cohort).to_csv(tmp_path / "t2.csv")]
    got = pd.concat([pd.read_csv(f, dtype={"level": str}, keep_default_na=False) for f in files], ignore_index=True)
    got["level"] = got["level"].map(lambda level: ":".join(rename.get(p, p) for p in level.split(":")))
    wrong = []
    for row in rx.expected_counts(truth, "csv").itertuples():
        found = got[(got["section"] == row.section) & (got["item"] == row.item) & (got["level"] == row.level)]
        if len(found) != 1 or float(found["n"].iloc[0]) != row.n or \
                (not pd.isna(row.denominator) and float(found["denominator"].iloc[0]) != row.denominator):
            wrong.append((row.item, row.level, row.n, found[["n", "denominator"]].to_dict("records")))
    assert wrong == []
    for item, level in rx.not_recorded_rows():  # no column in the export: said, never 0
        assert list(got.loc[(got["item"] == item) & (got["level"] == level), "kind"]) == ["not_recorded"]
    assert path.read_bytes() == before  # only read


def test_survival_by_a_grouping_gives_lifelines_log_rank_p_and_median(hospital):
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    path, truth, _ = hospital
    cohort = lmlib.load(path, study=study_file("csv"), data_cut=rx.DATA_CUT)
    result = lmlib.survival(cohort, by="sex")
    days = rx.survival(truth)
    test = multivariate_logrank_test(days["days"], truth["sex"], days["death"])
    assert f"p = {lmlib.present.Style().p(test.p_value)}" in result.lines[0]
    assert f"χ² = {lmlib.present.Style().number(test.test_statistic, 2)}" in result.lines[0]
    overall = result.frame[(result.frame["item"] == "overall_survival") & (result.frame["unit"] == "days")].iloc[0]
    km = KaplanMeierFitter().fit(days["days"], days["death"])
    assert float(overall["median"]) == km.median_survival_time_
    assert int(overall["n"]) == len(truth) and int(overall["events"]) == int(truth["dead"].sum())


# ------------------------------------------------------------------------------ what is shown

def test_table_1_shows_the_reports_table_with_caption_indents_footnotes_and_the_ci(synthetic):
    t1 = lmlib.table1(synthetic)
    page = t1._repr_html_()
    assert '<caption><b>Table 1.</b> Demographic and clinical data of the patients</caption>' in page
    assert '<td class="lm-left lm-i1">Female</td><td class="lm-right">12 (37.5%)</td>' in page
    assert "<sup>a</sup>" in page and '<div class="lm-table-notes">' in page
    assert "95% CI" in page and "95% CI" not in t1.to_latex()  # the files keep the paper's layout
    assert page.count("<table") == 1


def test_a_cohort_loaded_in_turkish_shows_everything_in_turkish_and_lang_overrides_it():
    cohort = lmlib.load(lang="tr")
    assert "Tablo 1." in lmlib.table1(cohort)._repr_html_()
    assert "Hasta sayısı" in cohort._repr_html_() and "Patients" not in cohort._repr_html_()
    assert "Tablo 4." in lmlib.survival(cohort)._repr_html_()
    assert lmlib.table2(cohort, lang="en").table.caption_label == "Table 2."
    assert lmlib.crosstab(cohort).table.caption_label == "Tablo 3."


def test_a_survival_result_shows_the_log_rank_line_the_summary_table_and_the_curve_once(synthetic):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    result = lmlib.survival(synthetic, by="primary_site")
    assert plt.get_fignums() == before  # JupyterLab's inline backend will not show it a second time
    page = result._repr_html_()
    assert page.index("Log-rank test") < page.index("<caption><b>Table 4.</b>") < page.index("<img")
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1))
    assert png == result.km.png() and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'alt="' in page and "<figcaption>" in page
    assert set(result.tables) == {"summary", "landmarks", "comparisons", "cox"}


def test_a_km_plot_draws_the_codebooks_labels_not_the_raw_level_names(synthetic):
    km = lmlib.km_plot(synthetic, by="sex", lang="tr")
    legend = [t.get_text() for t in km.figure.axes[0].get_legend().get_texts()]
    assert any(text.startswith("Kadın") for text in legend) and not any("female" in text for text in legend)
    assert list(km.frame.columns) == ["at_risk", "censored", "events"]


def test_a_result_writes_word_latex_and_csv_that_read_back(synthetic, tmp_path):
    import docx

    t2 = lmlib.table2(synthetic)
    path = t2.to_docx(tmp_path / "word" / "table2.docx")
    document = docx.Document(str(path))
    assert any("MRI findings" in p.text for p in document.paragraphs)
    assert len(document.tables) == 1 and document.tables[0].cell(0, 0).text == "Characteristic"
    csv = pd.read_csv(t2.to_csv(tmp_path / "table2.csv"))
    assert list(csv.columns[:7]) == ["section", "item", "level", "n", "denominator", "percent", "display"]
    assert csv["n"].fillna(-1).tolist() == t2.frame["n"].astype("Float64").fillna(-1).tolist()
    assert [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []


def test_the_console_repr_of_a_table_is_its_caption_and_cells_indented(synthetic):
    text = repr(lmlib.table1(synthetic))
    assert text.splitlines()[0] == "Table 1. Demographic and clinical data of the patients"
    assert re.search(r"^  Female +12 \(37\.5%\)", text, re.MULTILINE)


HOSTILE_NAME = '<img src=x onerror="alert(1)">.csv'
HOSTILE_HEADER = "<b>Cinsiyet</b>"


def test_a_cohort_shows_n_its_digests_and_problems_with_markup_from_the_input_as_text(tmp_path):
    from conftest import minimal_rows

    rows = pd.DataFrame(minimal_rows(5)).rename(columns={"Sex": HOSTILE_HEADER})
    rows.loc[[1, 3], HOSTILE_HEADER] = "Üçüncü"  # not a level of sex: two problems in that column
    path = tmp_path / HOSTILE_NAME
    rows.to_csv(path, index=False)
    study = tmp_path / "study.yaml"
    study.write_text('study_file: 1\nvariables:\n  - {name: sex, aliases: ["<b>Cinsiyet</b>"]}\n', encoding="utf-8")
    cohort = lmlib.load(path, study=study, strict=False)
    page = cohort._repr_html_()
    assert "<b>Cinsiyet" not in page and "<img src=x" not in page  # never markup
    assert html_lib.escape(HOSTILE_HEADER) in page and html_lib.escape(HOSTILE_NAME) in page
    assert hashlib.sha256(path.read_bytes()).hexdigest() in page
    assert len(cohort.errors) == 2 and set(cohort.errors["row"]) == {3, 5}  # the two cells, as the file numbers rows
    assert ">5<" in page and f"{len(cohort.problems)} problems found in the file" in page
    column_row = re.search(r"<tr><td[^>]*>&lt;b&gt;Cinsiyet&lt;/b&gt;</td>(.*?)</tr>", page).group(1)
    assert re.search(r">2</td>$", column_row)  # Table A1: the two invalid cells of that column
    assert "Table A1." in page and "Table A2." in page and "Üçüncü" not in page  # never a cell's value


def test_the_audit_of_the_synthetic_cohort_explains_its_verdicts_above_the_table(synthetic):
    s2 = lmlib.audit(synthetic)
    page = s2._repr_html_()
    assert page.index("<ul>") < page.index("<strong>") < page.index("<caption><b>Table S2.</b>")
    assert set(s2.frame["status"]) <= {"exact", "rounding", "truncation", "paper_inconsistent"}


# ------------------------------------------------------------------------------ comparisons (issue 13's builders)

def test_a_table_by_group_is_the_comparisons_builders_table_in_the_cohorts_language():
    from lmlib.comparisons import table_by_group

    cohort = lmlib.load(lang="tr")
    mine = lmlib.table1(cohort, by="treatment", adjust="bh", smd=True, suppress_below=3)
    theirs = table_by_group(cohort.data, cohort.codebook, "treatment", adjust="bh", smd=True, lang="tr",
                            suppress_below=3, not_in_file=cohort.not_in_file)
    assert mine._repr_html_() == theirs.table.to_html() and mine.to_latex() == theirs.table.to_latex()
    pd.testing.assert_frame_equal(mine.csv, theirs.csv())
    assert mine.table.caption_label == "Tablo 1." and "q" in mine.table.keys
    assert mine.frame["n"].isna().any()  # small cells masked (suppress_below=3)
    counts = lmlib.table1(cohort, by="treatment").frame
    female = counts[(counts["item"] == "sex") & (counts["level"] == "female")]
    data = cohort.data  # counted here with pandas
    for group, n in female.set_index("group")["n"].items():
        rows = data if group == "overall" else data[data["treatment"].astype(str) == group]
        assert n == int((rows["sex"].astype(str) == "female").sum()), group


def test_a_cox_model_is_the_comparisons_builders_table_and_forest_plot(synthetic):
    from lmlib.comparisons import cox_table

    result = lmlib.survival(synthetic, cox="treatment")
    theirs = cox_table(synthetic.data, "treatment", synthetic.codebook)
    model = result.tables["multivariable"]
    assert model.table.to_html() == theirs.table.to_html()
    pd.testing.assert_frame_equal(model.csv, theirs.csv())
    assert result.forest is not None and result.forest.alt == theirs.forest_alt()
    page = result._repr_html_()
    assert page.index("<caption><b>Table 4.</b>") < page.index(theirs.table.title) < page.rindex("<img")
    assert page.count("<img") == 2  # the curve and the forest plot


@pytest.mark.parametrize("module", ["lmlib.api", "lmlib.results", "lmlib.cohort"])
def test_every_docstring_example_of_the_api_modules_runs(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
