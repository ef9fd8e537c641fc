"""The whole report, built twice from the synthetic cohort, in English and in Turkish.

* the Turkish build is Turkish throughout: no sentence of the English build appears in it (the
  reference lists of the methods paragraph excepted: a citation is not translated);
* the numbers of both builds are byte-identical in every CSV (only labels and display text differ);
* every exported table passes the journal checks (.docx: rules, caption, repeated header, A4;
  .tex: booktabs, caption), every figure has alt text and a PDF beside its 300-dpi PNG;
* every section ends with links to its downloads and the index lists every download with its size.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
import re
import subprocess
import sys

import pandas as pd
import pytest

from lmlib import config
from test_figures import png_dpi
from test_present_table import check_docx, check_tex

pytestmark = pytest.mark.slow
SECTIONS = ["01_descriptive", "02_imaging", "03_survival", "04_reproduction"]
PAGES = SECTIONS + ["index"]
# columns of codes, the same in every language (the others hold labels and text in the report's language)
CODE_COLUMNS = {"section", "item", "level", "kind", "summary", "summary_source", "test", "reason", "unit", "by",
                "by_level", "rule", "status", "statistic", "analysis", "transform", "term", "denominator_rule"}


class VisibleText(HTMLParser):
    """The text a reader sees (alt texts included), without style blocks and reference lists."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden, self.references = [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("style", "script", "title"):
            self.hidden += 1
        if tag == "ul" and "lm-references" in (attrs.get("class") or ""):
            self.references += 1
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "figcaption", "caption", "tr", "br"):
            self.parts.append("\n")
        if tag == "img" and attrs.get("alt"):
            self.parts.append("\n" + attrs["alt"] + "\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self.hidden -= 1
        if tag == "ul" and self.references:
            self.references -= 1

    def handle_data(self, data):
        if not self.hidden and not self.references:
            self.parts.append(data)


# a download's sizes ("CSV 2.4 kB · LaTeX 1.8 kB · Word 38.0 kB"): format names and numbers, no language
SIZES = re.compile(r"\w+ [\d.,]+ [kMG]?B( · \w+ [\d.,]+ [kMG]?B)*")


def sentences(page: Path) -> set[str]:
    """The page's sentences of four or more words (file names, hashes, numbers and a download's
    sizes are not words)."""
    parser = VisibleText()
    parser.feed(page.read_text(encoding="utf-8"))
    out = set()
    for chunk in re.split(r"(?<=[.!?;:])\s+|\n", "".join(parser.parts)):
        if SIZES.fullmatch(" ".join(chunk.split())):
            continue
        words = [w for w in chunk.split() if re.fullmatch(r"[^\W\d_]{2,}[,.;:)]?", w)]
        if len(words) >= 4:
            out.add(" ".join(chunk.split()))
    return out


def build(folder: Path, lang: str, *extra, data: Path = config.SYNTHETIC_COHORT, data_cut: str = "2018-12-31") -> Path:
    notebooks = [config.NOTEBOOKS_DIR / f"{name}.ipynb" for name in SECTIONS]
    result = subprocess.run([sys.executable, "-m", "lmlib.report", "build", *map(str, notebooks), "--output-dir",
                             str(folder), "--data", str(data), "--data-cut", data_cut, "--lang", lang, *map(str, extra)],
                            cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("languages")
    return {lang: build(root / lang, lang) for lang in ("en", "tr")}


def shared_sentences(builds) -> dict[str, list[str]]:
    found = {}
    for page in PAGES:
        english, turkish = sentences(builds["en"] / f"{page}.html"), sentences(builds["tr"] / f"{page}.html")
        assert len(english) > 10 and len(turkish) > 10, page
        if english & turkish:
            found[page] = sorted(english & turkish)
    return found


def test_no_sentence_of_the_english_build_appears_in_the_turkish_build(builds):
    assert shared_sentences(builds) == {}


def test_the_turkish_build_has_turkish_headings_titles_and_index(builds):
    descriptive = (builds["tr"] / "01_descriptive.html").read_text(encoding="utf-8")
    assert "<title>Hastaların klinik özellikleri (Tablo 1)</title>" in descriptive
    assert re.search(r"<h1[^>]*>Hastaların klinik özellikleri \(Tablo 1\)", descriptive)
    assert re.search(r"<h2[^>]*>Tablo 1: demografik ve klinik bilgiler", descriptive)
    assert "<b>Tablo 1.</b>" in descriptive and "SENTETİK VERİ" in descriptive
    index = (builds["tr"] / "index.html").read_text(encoding="utf-8")
    for title in ("Hastaların klinik özellikleri (Tablo 1)", "Yeniden üretim denetimi",
                  "Leptomeningeal metastaz tanısından sonra genel sağkalım"):
        assert title in index
    survival = (builds["tr"] / "03_survival.html").read_text(encoding="utf-8")
    assert "Genel medyan sağkalım: 30 gün (SH 9.5; %95 GA 11.3–48.7" in survival


def csv_numbers_agree(builds) -> None:
    english = sorted(p.name for p in (builds["en"] / "tables").glob("*.csv"))
    assert english == sorted(p.name for p in (builds["tr"] / "tables").glob("*.csv")) and len(english) >= 10
    for name in english:
        en = pd.read_csv(builds["en"] / "tables" / name, keep_default_na=False, na_values=[""])
        tr = pd.read_csv(builds["tr"] / "tables" / name, keep_default_na=False, na_values=[""])
        assert list(en.columns) == list(tr.columns), name
        numeric = [c for c in en.columns if pd.api.types.is_numeric_dtype(en[c]) or pd.api.types.is_bool_dtype(en[c])]
        keys = [c for c in en.columns if c in CODE_COLUMNS]
        assert numeric or name.startswith("audit_consistency"), name
        assert en[numeric + keys].to_csv(index=False) == tr[numeric + keys].to_csv(index=False), name
        texts = [c for c in en.columns if c not in numeric]
        if "display" in texts:
            assert (en["display"] != tr["display"]).any(), name  # the words did change


def test_the_numbers_of_both_builds_are_byte_identical_in_every_csv(builds):
    csv_numbers_agree(builds)


TABLES = {"table1", "table2", "crosstabs", "survival_summary", "survival_landmarks", "survival_groups", "survival_cox",
          "audit", "audit_consistency"}


def journal_checks(tables: Path, lang: str, expected=TABLES) -> None:
    names = sorted(p.stem for p in tables.glob("*.docx"))
    assert set(expected) <= set(names)
    for name in names:
        tex = (tables / f"{name}.tex").read_text(encoding="utf-8")
        check_tex(tex)
        read = check_docx((tables / f"{name}.docx").read_bytes(), header_rows=2 if r"\cmidrule" in tex else 1)
        assert read["caption"].startswith({"en": "Table ", "tr": "Tablo "}[lang]), name


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_exported_table_passes_the_journal_checks(builds, lang):
    journal_checks(builds[lang] / "tables", lang)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_figure_has_alt_text_a_300_dpi_png_and_a_pdf(builds, lang):
    folder = builds[lang]
    for page in SECTIONS:
        html = (folder / f"{page}.html").read_text(encoding="utf-8")
        images = re.findall(r"<img\b[^>]*>", html)
        assert images or page == "04_reproduction", page
        assert all(re.search(r'\balt="[^"]{20,}"', img) for img in images), page
    for png in (folder / "figures").glob("*.png"):
        assert round(png_dpi(png.read_bytes())) == 300, png.name
        assert png.with_suffix(".pdf").is_file(), png.name


def test_each_section_links_its_downloads_and_the_index_lists_every_file_with_its_size(builds):
    downloads_checks(builds["en"])


def downloads_checks(folder: Path) -> None:
    linked = set()
    for page in SECTIONS:
        html = (folder / f"{page}.html").read_text(encoding="utf-8")
        links = re.findall(r'<a class="lm-download" href="([^"]+)"', html)
        assert links, page
        assert all((folder / link).is_file() for link in links), page
        linked.update(links)
    written = {p.relative_to(folder).as_posix() for sub in ("tables", "figures") for p in (folder / sub).iterdir()}
    assert written == linked
    index = (folder / "index.html").read_text(encoding="utf-8")
    for link in written:
        size = (folder / link).stat().st_size
        assert re.search(rf'<a href="{re.escape(link)}">[^<]+</a> <span class="size">'
                         rf'{re.escape(f"{size / 1000:.1f}")} kB</span>', index), link


def test_a_decimal_comma_reaches_the_tables_and_sentences_of_a_section(tmp_path):
    notebook = config.NOTEBOOKS_DIR / "03_survival.ipynb"
    html = tmp_path / "03_survival.html"
    result = subprocess.run([sys.executable, "-m", "lmlib.report", "section", str(notebook), str(html),
                             "--data-cut", "2018-12-31", "--output-dir", str(tmp_path), "--lang", "tr",
                             "--decimal-mark", ","], cwd=config.PROJ_ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr
    page = html.read_text(encoding="utf-8")
    assert "30 gün (SH 9,5; %95 GA 11,3–48,7" in page and "%49,8 (30,7–66,3)" in page
    assert "9,543 günlük standart hatasıyla sınırlar 11,296 ve 48,704" in page  # the synthetic cohort's note
    assert "11.3–48.7" not in page


# ------------------------------------------------------------------------------ a user's cohort
# The SPSS export of tests/realistic_exports.py as a user brings it, with the study file the user
# wrote after `make study` (tests/data/exports/lm_series.study.yaml; the Turkish labels of their
# two new histologies filled in, as the draft asks), built with LENIENT and two problems: the
# focal-deficit column is not in the file (a "not recorded" option) and one sex code has no label
# (an invalid cell, missing under LENIENT, listed in the appendix).
OWN_TURKISH = {"Clear cell renal cell carcinoma": "Berrak hücreli renal hücreli karsinom",
               "Signet ring cell carcinoma": "Taşlı yüzük hücreli karsinom"}


def own_export(folder: Path) -> tuple[Path, Path]:
    import pyreadstat

    import realistic_exports as rx

    written = rx.write_spss(rx.truth_table(), folder / "written.sav")
    frame, meta = pyreadstat.read_sav(str(written), user_missing=True)
    frame = frame.drop(columns=["focal"])
    frame.loc[0, "cins"] = 7.0  # no value label: not a sex
    kept = lambda spec: {k: v for k, v in spec.items() if k in frame.columns}  # noqa: E731
    export = folder / "lm_series.sav"
    pyreadstat.write_sav(frame, str(export), column_labels=[meta.column_names_to_labels[c] for c in frame.columns],
                         variable_value_labels=kept(meta.variable_value_labels),
                         missing_ranges=kept(meta.missing_ranges),
                         variable_format={"lmdate": "EDATE10", "fudate": "EDATE10"})
    study = (config.PROJ_ROOT / "tests" / "data" / "exports" / "lm_series.study.yaml").read_text(encoding="utf-8")
    for english, turkish in OWN_TURKISH.items():
        assert f'tr: "{english}"' in study
        study = study.replace(f'tr: "{english}"', f'tr: "{turkish}"')
    (folder / "lm_series.study.yaml").write_text(study, encoding="utf-8")
    return export, folder / "lm_series.study.yaml"


@pytest.fixture(scope="module")
def own_builds(tmp_path_factory):
    import realistic_exports as rx

    root = tmp_path_factory.mktemp("own")
    export, study = own_export(root)
    return {lang: build(root / lang, lang, "--study", study, "--lenient", "--problems", root / f"problems_{lang}.csv",
                        data=export, data_cut=rx.DATA_CUT) for lang in ("en", "tr")}


def test_no_sentence_of_the_english_build_of_a_users_cohort_appears_in_its_turkish_build(own_builds):
    assert shared_sentences(own_builds) == {}


def page_text(folder: Path, page: str) -> str:
    parser = VisibleText()
    parser.feed((folder / f"{page}.html").read_text(encoding="utf-8"))
    return " ".join("".join(parser.parts).split())


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_users_cohort_shows_its_rows_notes_appendix_and_side_by_side_in_the_reports_language(own_builds, lang):
    words = {
        "en": {"variable": "Karnofsky performance status", "level": "Clear cell renal cell carcinoma",
               "not_recorded": ("Focal neurological deficit", "not recorded in this file"),
               "footnote": "Not recorded in this file: the export has no column for this option",
               "not_in_file": "Not in this file: MRI field strength.", "group": "CN 4–6 (all of 4, 5, 6 involved)",
               "appendix": "Appendix: problems found in the input file", "lenient": "built with LENIENT=1: 1 invalid",
               "rule": "none of the levels of the variable or their spellings", "beside": "Table S2. Your series beside",
               "synthetic": "synthetic", "colophon": "synthetic data no", "verdict": "DIFFERS (unexplained)"},
        "tr": {"variable": "Karnofsky performans skoru", "level": "Berrak hücreli renal hücreli karsinom",
               "not_recorded": ("Fokal nörolojik defisit", "bu dosyada kayıtlı değil"),
               "footnote": "Bu dosyada kayıtlı değil: veri dosyasında bu seçeneğin sütunu yok",
               "not_in_file": "Bu dosyada bulunmayan değişkenler: MRG alan gücü.",
               "group": "KS 4-6 (4, 5, 6 numaralı sinirlerin tümü tutulmuş)",
               "appendix": "Ek: girdi dosyasında bulunan sorunlar", "lenient": "LENIENT=1 ile hazırlanmıştır: geçersiz 1",
               "rule": "değişkenin düzeylerinden ya da yazımlarından hiçbiri değil",
               "beside": "Tablo S2. Sizin seriniz ve yayımlanan seri yan yana", "synthetic": "sentetik",
               "colophon": "sentetik veri hayır",
               "verdict": "FARKLI (açıklanamayan)"},
    }[lang]
    folder = own_builds[lang]
    pages = {page: page_text(folder, page) for page in SECTIONS}
    label, cell = words["not_recorded"]  # the option's row: its label, a footnote mark, the cell
    assert re.search(re.escape(label) + r"[a-z]? ?" + re.escape(cell), pages["01_descriptive"])
    for key in ("variable", "level", "footnote"):
        assert words[key] in pages["01_descriptive"], key
    for key in ("not_in_file", "group"):
        assert words[key] in pages["02_imaging"], key
    assert words["beside"] in pages["04_reproduction"] and words["verdict"] not in pages["04_reproduction"]
    for page, text in pages.items():  # each report ends with the appendix; no sentence about the synthetic cohort
        assert words["appendix"] in text and words["lenient"] in text and words["rule"] in text, page
        assert words["synthetic"] not in text.lower().replace(words["colophon"], ""), page  # the colophon's "no"
    problems = pd.read_csv(folder.parent / f"problems_{lang}.csv")
    assert set(problems["rule"]) == {"invalid_categorical", "missing_option_column"}


def test_the_numbers_of_both_builds_of_a_users_cohort_are_byte_identical_in_every_csv(own_builds):
    csv_numbers_agree(own_builds)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_exported_table_of_a_users_cohort_passes_the_journal_checks(own_builds, lang):
    journal_checks(own_builds[lang] / "tables", lang, TABLES | {"appendix_problems", "appendix_first_problems"})


# ------------------------------------------------------------------------------ comparisons (issue 13)
# Tables 1 and 2 by primary site (q-values, SMDs), survival by primary site in weeks with a
# multivariable Cox model of a post-baseline covariate (treatment) and its landmark analysis.
COMPARISONS = ("GROUP_BY=primary_site", "ADJUST=bh", "SMD=1", "COX=age,sex,treatment", "LANDMARK=30", "TIME_UNIT=weeks")
COMPARISON_TABLES = TABLES | {"survival_pairwise", "survival_rmst", "survival_cox_multivariable",
                              "survival_landmark_analysis"}


@pytest.fixture(scope="module")
def grouped_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("grouped")
    settings = [a for s in COMPARISONS for a in ("--setting", s)]
    return {lang: build(root / lang, lang, *settings) for lang in ("en", "tr")}


def test_no_sentence_of_the_english_build_by_group_and_cox_appears_in_its_turkish_build(grouped_builds):
    assert shared_sentences(grouped_builds) == {}


def test_the_numbers_of_both_builds_by_group_and_cox_are_byte_identical_in_every_csv(grouped_builds):
    csv_numbers_agree(grouped_builds)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_exported_table_by_group_and_cox_passes_the_journal_checks(grouped_builds, lang):
    journal_checks(grouped_builds[lang] / "tables", lang, COMPARISON_TABLES)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_grouped_tables_carry_p_and_test_and_the_survival_section_its_comparisons(grouped_builds, lang):
    folder = grouped_builds[lang]
    for name in ("table1", "table2"):
        table = pd.read_csv(folder / "tables" / f"{name}.csv")
        assert {"p", "test", "group", "q", "smd"} <= set(table.columns), name
        assert set(table["group"]) == {"overall", "lung", "breast", "skin", "stomach", "ovary", "unknown_primary"}
    words = {"en": ("Table 1.", "by primary malignancy origin", "Forest plot", "immortal-time bias",
                    "Landmark analysis at day 30", "In weeks (1 week = 7 days)", "Pairwise log-rank tests"),
             "tr": ("Tablo 1.", "primer malignite orijini gruplarına göre", "orman grafiği", "ölümsüz zaman yanlılığı",
                    "30. gün landmark analizi", "Hafta olarak (1 hafta = 7 gün)", "İkili log-rank testleri")}[lang]
    pages = page_text(folder, "01_descriptive") + page_text(folder, "03_survival")
    missing = [w for w in words if w not in pages]
    assert missing == []
    assert (folder / "figures" / "survival_forest.png").is_file() and (folder / "figures" / "survival_forest.pdf").is_file()
    assert (folder / "figures" / "survival_km_overall_weeks.png").is_file()


def test_every_figure_of_the_builds_by_group_has_alt_text_and_both_files(grouped_builds):
    for lang in ("en", "tr"):
        folder = grouped_builds[lang]
        html = (folder / "03_survival.html").read_text(encoding="utf-8")
        forest = [img for img in re.findall(r"<img\b[^>]*>", html) if "HR" in img or "HO" in img]
        assert forest and re.search(r'\balt="[^"]{80,}"', forest[0])
        for png in (folder / "figures").glob("*.png"):
            assert round(png_dpi(png.read_bytes())) == 300 and png.with_suffix(".pdf").is_file(), png.name


def test_the_builds_by_group_link_every_download_and_the_index_lists_them(grouped_builds):
    downloads_checks(grouped_builds["tr"])
