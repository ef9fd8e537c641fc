"""The text catalog (lmlib/present/texts.yaml): every key in both languages with the same
placeholders, one lookup, no module with its own en/tr dictionary, the paper's Turkish terms."""
from __future__ import annotations

import ast
from pathlib import Path
import re

import pytest

from lmlib.present import catalog
from lmlib.present.catalog import CatalogError, catalog_problems, load_catalog, text

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for p in (ROOT / "lmlib").rglob("*.py")) + sorted((ROOT / "scripts").rglob("*.py"))


def test_every_key_of_the_catalog_has_english_and_turkish_with_the_same_placeholders():
    entries = load_catalog()
    assert len(entries) > 300
    assert catalog_problems(entries) == []


def test_a_key_lacking_a_language_or_with_other_placeholders_is_refused(tmp_path):
    bad = tmp_path / "texts.yaml"
    bad.write_text('a.b: {en: "Yes"}\nc.d: {en: "{n} deaths", tr: "{k} eksitus"}\ne.f: {en: "x", tr: " "}\n'
                   'g.h: {en: At risk, censored, tr: Risk altında, sansürlü}\n', encoding="utf-8")
    problems = catalog_problems(__import__("yaml").safe_load(bad.read_text(encoding="utf-8")))
    assert problems == ["a.b: no tr text", "c.d: placeholders differ between en and tr", "e.f: no tr text",
                        "g.h: unknown fields ['censored', 'sansürlü'] (quote a text that has a comma)"]
    with pytest.raises(CatalogError, match="a.b: no tr text"):
        load_catalog(bad)


def test_one_lookup_fills_values_and_refuses_an_unknown_key_or_language():
    assert text("survival.headline", "tr", value="30 gün", n="32", events="26", censored="6").startswith(
        "Genel medyan sağkalım: 30 gün")
    with pytest.raises(KeyError, match="no.such.key"):
        text("no.such.key", "en")
    with pytest.raises(ValueError, match="language"):
        text("word.yes", "de")
    assert catalog.translator("tr")("word.yes") == "Var"


def literal_keys() -> set[tuple[str, str]]:
    """(file, key) of every catalog key written literally in the code: text("key"...),
    style.text("key"...), t("key"...), say("key"...), prose("key"...)."""
    found = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                value = node.args[0].value
                if name in ("text", "t", "say", "prose", "_text") and isinstance(value, str) and \
                        re.fullmatch(r"[a-z_0-9]+(\.[a-z_0-9-]+)+", value):
                    found.add((path.name, value))
    return found


def test_every_key_the_code_names_is_in_the_catalog():
    keys = literal_keys()
    assert len(keys) > 150
    missing = sorted({f"{where}: {key}" for where, key in keys if key not in load_catalog()})
    assert missing == []


def test_no_module_keeps_its_own_english_turkish_dictionary():
    pattern = re.compile(r"""["']tr["']\s*:\s*["']""")
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in SOURCES for i, line in
                 enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


@pytest.mark.parametrize("word", ["ortanca", "Ortanca", "KOSS", "yarımı sıfırdan uzağa", "(%)'si", "tehlike oranı"])
def test_turkish_texts_avoid_the_translated_sounding_words_the_paper_does_not_use(word):
    assert not [key for key, entry in load_catalog().items() if word in entry["tr"]]


def test_turkish_texts_use_the_papers_terms():
    turkish = " ".join(entry["tr"] for entry in load_catalog().values())
    for term in ("medyan", "eksitus", "Eksitus", "%95 GA", "KS {n}", "sansürlü"):
        assert term in turkish, term


def test_every_prose_cell_of_the_section_notebooks_comes_from_the_catalog_and_the_generators_are_current():
    import subprocess
    import sys

    import nbformat

    for notebook in sorted((ROOT / "notebooks").glob("0*_*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        prose = [c for c in nb.cells if c.cell_type == "markdown"]
        assert prose and all((c.metadata.get("lmlib") or {}).get("text") in load_catalog() for c in prose), notebook
        assert all(c.source == text(c.metadata["lmlib"]["text"], "en") for c in prose), notebook
    for script in ("make_notebooks.py", "make_survival_notebook.py", "make_reproduction_notebook.py",
                   "make_start_notebook.py"):
        result = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--check"], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr


def test_a_report_build_puts_the_prose_in_the_reports_language_with_its_decimal_mark():
    import nbformat

    from lmlib.report.common import section_title, translate_prose

    notebook = ROOT / "notebooks" / "03_survival.ipynb"
    nb = translate_prose(nbformat.read(notebook, as_version=4), "tr", ",")
    first = nb.cells[0].source
    assert first.startswith("# Leptomeningeal metastaz tanısından sonra genel sağkalım")
    median = next(c.source for c in nb.cells if c.metadata.get("lmlib", {}).get("text") == "notebook.survival.median")
    assert "1,96" in median and "1.96" not in median  # the synthetic cohort's SE (9,543) is a note of its own
    assert section_title(notebook, "tr") == "Leptomeningeal metastaz tanısından sonra genel sağkalım"
