"""`make docs`: the API reference (pdoc) builds with no warning, has the short API on its start page
and the statistical conventions on a page of their own; a warning fails the build and leaves the
previous docs/ as it was."""
from __future__ import annotations

from pathlib import Path
import subprocess
import sys

import pytest

from lmlib import config

ROOT = config.PROJ_ROOT
SCRIPT = ROOT / "scripts" / "make_docs.py"


def make_docs_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("docs") / "docs"
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    return out, result


def test_make_docs_builds_every_module_with_no_warning(docs):
    out, result = docs
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    modules = make_docs_module().module_names()
    assert {f"{name.replace('.', '/')}.html" for name in modules} <= pages
    assert {"index.html", "lmlib.html", "lmlib/api.html", "lmlib/results.html", "lmlib/conventions.html",
            "lmlib/present/table.html", "lmlib/survival/cox.html"} <= pages
    assert (out / "search.js").stat().st_size > 0


def test_the_start_page_gives_the_short_api_and_links_each_result_and_the_conventions(docs):
    out, _ = docs
    page = (out / "lmlib.html").read_text(encoding="utf-8")
    for name in ("load", "table1", "table2", "km_plot", "Cohort", "TableResult", "SurvivalResult", "FigureResult"):
        assert f'id="{name}"' in page, name  # documented on the start page itself
    for target in ("#TableResult", "#SurvivalResult", "#Cohort", "lmlib/conventions.html", "lmlib/api.html"):
        assert f'href="{target}"' in page, target


def test_the_conventions_page_is_the_readmes_section_on_a_page_of_its_own(docs):
    out, _ = docs
    page = (out / "lmlib" / "conventions.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Statistical conventions", 1)[1].split("\n## ", 1)[0]
    assert "Brookmeyer" in section and "Wilson" in section and "Grambsch" in section
    for phrase in ("Median survival, SPSS", "Median survival, Brookmeyer–Crowley", "Wilson score",
                   "Tables by group", "Cox models", "PH test"):
        assert phrase in section and phrase in page, phrase


def test_a_docstring_warning_fails_the_build_and_leaves_the_docs_as_they_were(tmp_path, monkeypatch):
    package = tmp_path / "src" / "brokenpkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""A package."""\n\n\ndef f(x: "NoSuchName") -> int:\n    """F."""\n',
                                         encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    make_docs = make_docs_module()
    monkeypatch.setattr(make_docs, "PACKAGE", "brokenpkg")
    out = tmp_path / "docs"
    out.mkdir()
    (out / "index.html").write_text("previous build", encoding="utf-8")
    found = make_docs.build(out)
    assert found and "NoSuchName" in found[0]
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous build"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".docs")] == []
