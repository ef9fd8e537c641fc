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


def sentences(page: Path) -> set[str]:
    """The page's sentences of four or more words (file names, hashes and numbers are not words)."""
    parser = VisibleText()
    parser.feed(page.read_text(encoding="utf-8"))
    out = set()
    for chunk in re.split(r"(?<=[.!?;:])\s+|\n", "".join(parser.parts)):
        words = [w for w in chunk.split() if re.fullmatch(r"[^\W\d_]{2,}[,.;:)]?", w)]
        if len(words) >= 4:
            out.add(" ".join(chunk.split()))
    return out


def build(folder: Path, lang: str, *extra) -> Path:
    notebooks = [config.NOTEBOOKS_DIR / f"{name}.ipynb" for name in SECTIONS]
    result = subprocess.run([sys.executable, "-m", "lmlib.report", "build", *map(str, notebooks), "--output-dir",
                             str(folder), "--data", str(config.SYNTHETIC_COHORT), "--data-cut", "2018-12-31",
                             "--lang", lang, *extra], cwd=config.PROJ_ROOT, capture_output=True, text=True,
                            timeout=1200)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("languages")
    return {lang: build(root / lang, lang) for lang in ("en", "tr")}


def test_no_sentence_of_the_english_build_appears_in_the_turkish_build(builds):
    found = {}
    for page in PAGES:
        english, turkish = sentences(builds["en"] / f"{page}.html"), sentences(builds["tr"] / f"{page}.html")
        assert len(english) > 10 and len(turkish) > 10, page
        if english & turkish:
            found[page] = sorted(english & turkish)
    assert found == {}


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


def test_the_numbers_of_both_builds_are_byte_identical_in_every_csv(builds):
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


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_exported_table_passes_the_journal_checks(builds, lang):
    tables = builds[lang] / "tables"
    names = sorted(p.stem for p in tables.glob("*.docx"))
    assert {"table1", "table2", "crosstabs", "survival_summary", "survival_landmarks", "survival_groups",
            "survival_cox", "audit", "audit_consistency"} <= set(names)
    for name in names:
        tex = (tables / f"{name}.tex").read_text(encoding="utf-8")
        check_tex(tex)
        read = check_docx((tables / f"{name}.docx").read_bytes(), header_rows=2 if r"\cmidrule" in tex else 1)
        assert read["caption"].startswith({"en": "Table ", "tr": "Tablo "}[lang]), name


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
    folder = builds["en"]
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
