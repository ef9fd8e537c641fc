"""Reports built from hostile inputs: markup in the file name, headers, levels, labels and values
never becomes an element or an attribute of a report; a file or folder name that looks like an
identifier, and the absolute paths of the user's machine, never reach any output.

Each build runs in a throwaway copy of the project (tests/test_kill_report.py's helpers), so the
real reports/ and data/processed/ are never touched.
"""
from __future__ import annotations

import html.parser
import json
from pathlib import Path
import re
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
import yaml

import hostile
from test_kill_report import VENV, copy_project, make_env, run_make

pytestmark = pytest.mark.slow

MARKUP = {
    "name": 'c"><svg onload=alert(1)><img src=x onerror=alert(2)>',
    "header": "<iframe src=javascript:alert(3)></iframe>",
    "value": "<script>alert(4)</script>",
    "level_label": "Female<img src=x onerror=alert(5)>",
    "synonym": "<svg/onload=alert(6)>",
    "variable_label": "Primary <b onmouseover=alert(7)>site</b>",
    "alias": "Yaş<i onclick=alert(8)>",
    "formula": '=HYPERLINK("http://example.com/x","click")',
}
TEXT_ATTRIBUTES = ("alt", "title", "aria-label")  # attributes whose value is text for people
TEMPLATE = Path(__file__).resolve().parents[1] / "lmlib" / "templates" / "lmreport" / "index.html.j2"


class Elements(html.parser.HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def parse(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def hostile_codebook(path: Path) -> Path:
    book = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "codebook.yaml").read_text(encoding="utf-8"))
    for var in book["variables"]:
        if var["name"] == "sex":
            for level in var["levels"]:
                if level["name"] == "female":
                    level["label"] = {"en": MARKUP["level_label"], "tr": MARKUP["level_label"]}
                    level["synonyms"] = list(level.get("synonyms", [])) + [MARKUP["synonym"]]
        if var["name"] == "primary_site":
            var["label"] = {"en": MARKUP["variable_label"], "tr": MARKUP["variable_label"]}
        if var["name"] == "age":
            var["aliases"] = list(var["aliases"]) + [MARKUP["alias"]]
        if var["name"] == "treatment":
            var["levels"][0]["label"] = {"en": MARKUP["formula"], "tr": MARKUP["formula"]}
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def xss_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("xss")
    repo = copy_project(base / "repo")
    frame = hostile.synthetic()
    frame["Cinsiyet"] = frame["Cinsiyet"].replace({"K": MARKUP["synonym"]})
    frame = frame.rename(columns={"Yaş": MARKUP["alias"]})
    frame[MARKUP["header"]] = MARKUP["value"]
    outside = base / "exports"
    outside.mkdir()
    data = outside / f"{MARKUP['name']}.csv"
    data.write_text(hostile.csv_text(frame), encoding="utf-8")
    codebook = hostile_codebook(base / "codebook.yaml")
    notebooks = sorted(str(p.relative_to(repo)) for p in (repo / "notebooks").glob("0[1-9]_*.ipynb"))
    result = subprocess.run([str(VENV / "bin" / "python"), "-m", "lmlib.report", "build", *notebooks, "--data",
                             str(data), "--codebook", str(codebook), "--data-cut", "2018-12-31", "--stamp",
                             "reports/.data"], cwd=repo, env=make_env(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-5000:]
    return {"repo": repo, "data": data, "stderr": result.stderr}


def test_no_element_or_attribute_from_the_input_reaches_any_report(xss_build):
    template_handlers = set(re.findall(r"\s(on[a-z]+)\s*=", TEMPLATE.read_text(encoding="utf-8")))
    pages = sorted((xss_build["repo"] / "reports").glob("*.html"))
    assert len(pages) == 5  # four sections and the index
    for page in pages:
        parsed = parse(page)
        for tag, attrs in parsed.tags:
            handlers = {a for a in attrs if a.startswith("on")} - template_handlers
            assert not handlers, (page.name, tag, attrs)
            assert tag not in ("iframe", "svg", "b", "i") or not attrs, (page.name, tag, attrs)
            for name, value in attrs.items():
                value = value or ""
                if name in ("id", "href") and value.lstrip("#") and "<" not in value and '"' not in value:
                    continue  # a heading's anchor, made from its text (percent-encoded): inert
                if name in TEXT_ATTRIBUTES:
                    continue  # words for the reader (a figure's alt text names its variable): checked escaped below
                assert "alert(" not in value and "javascript:" not in value, (page.name, tag, name, value)
            if tag == "img":
                assert (attrs.get("src") or "").startswith("data:image/"), (page.name, attrs)
        assert not any("alert" in script for script in parsed.scripts), page.name
        source = page.read_text(encoding="utf-8")
        for key in ("name", "header", "value", "level_label", "synonym", "variable_label", "alias"):
            assert MARKUP[key] not in source, (page.name, key)  # as written, it would be markup; escaped, text


def test_the_markup_is_shown_as_text_where_the_input_is_named(xss_build):
    text = " ".join(parse(xss_build["repo"] / "reports" / "01_descriptive.html").text)
    assert f"{MARKUP['name']}.csv" in text  # the colophon names the input, escaped
    assert MARKUP["level_label"] in text  # Table 1 shows the level label, escaped
    index = " ".join(parse(xss_build["repo"] / "reports" / "index.html").text)
    assert f"{MARKUP['name']}.csv" in index


def test_no_exported_csv_cell_starts_a_formula(xss_build):
    tables = sorted((xss_build["repo"] / "reports" / "tables").glob("*.csv"))
    assert tables
    found = False
    for table in tables:
        frame = pd.read_csv(table, dtype=str, keep_default_na=False)
        cells = [str(c) for c in frame.columns] + [c for col in frame.columns for c in frame[col]]
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")], table.name
        assert not [c for c in cells if c.startswith("-") and not re.fullmatch(r"-[\d.,]+(e-?\d+)?", c)], table.name
        found = found or any(c == "'" + MARKUP["formula"] for c in cells)
    assert found, "the formula-like label is kept, neutralised with a leading quote"


# ------------------------------------------------------------------------------ names and paths

ID_NAME = "Ayse_Yilmaz_12345678950"
ID_FOLDER = "Mehmet Demir 05321234567"


@pytest.fixture(scope="module")
def identifier_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("names")
    repo = copy_project(base / "repo")
    folder = base / ID_FOLDER
    folder.mkdir()
    data = folder / f"{ID_NAME}.csv"
    data.write_bytes(hostile.csv_text().encode("utf-8"))  # not the bundled file's bytes: not synthetic
    result = run_make(repo, f"DATA={data}", "DATA_CUT=2018-12-31")
    assert result.returncode == 0, result.stderr[-5000:]
    inside = repo / "data" / "raw" / ID_FOLDER
    inside.mkdir(parents=True)
    (inside / "export.csv").write_bytes(data.read_bytes())
    return {"repo": repo, "base": base, "data": data, "stderr": result.stderr}


def output_texts(repo: Path) -> dict[str, str]:
    texts = {}
    for folder in ("reports", "data/processed"):
        for path in sorted((repo / folder).rglob("*")):
            if path.is_file():
                raw = path.read_bytes()
                if path.suffix == ".parquet":
                    frame = pd.read_parquet(path)
                    texts[path.relative_to(repo).as_posix()] = frame.to_csv() + raw.decode("latin-1")
                else:
                    texts[path.relative_to(repo).as_posix()] = raw.decode("utf-8", "replace")
    return texts


def test_an_identifier_like_file_or_folder_name_reaches_no_output(identifier_build):
    texts = output_texts(identifier_build["repo"])
    assert {"reports/index.html", "reports/01_descriptive.ipynb", "reports/.data", "data/processed/cohort.json"} <= set(texts)
    for needle in (ID_NAME, "12345678950", "Ayse", "Mehmet Demir", "05321234567"):
        assert [rel for rel, text in texts.items() if needle in text] == [], needle
    index = " ".join(parse(identifier_build["repo"] / "reports" / "index.html").text)
    assert "withheld: the name looks like a direct identifier" in index
    assert json.loads(texts["data/processed/cohort.json"])["input_file"] is None


def test_no_absolute_path_of_the_machine_is_stored_in_any_output_or_executed_notebook(identifier_build):
    texts = output_texts(identifier_build["repo"])
    machine = {str(identifier_build["base"]), str(identifier_build["repo"]), str(Path.home()), sys.prefix,
               sys.base_prefix, str(VENV), "/tmp/", str(Path(__file__).resolve().parents[1])}
    for path in machine:
        assert [rel for rel, text in texts.items() if path in text] == [], path
    for notebook in sorted((identifier_build["repo"] / "reports").glob("*.ipynb")):
        nb = nbformat.read(str(notebook), as_version=4)
        parameters = nb.metadata["papermill"]["parameters"]
        assert parameters["data"] == "(withheld: the name looks like a direct identifier)"
        assert not Path(parameters["output_dir"]).is_absolute()


def test_a_folder_inside_the_project_that_looks_like_an_identifier_is_not_recorded(identifier_build):
    repo = identifier_build["repo"]
    result = run_make(repo, f"DATA=data/raw/{ID_FOLDER}/export.csv", "DATA_CUT=2018-12-31", "SECTIONS=01_descriptive")
    assert result.returncode == 0, result.stderr[-3000:]
    texts = output_texts(repo)
    assert [rel for rel, text in texts.items() if "Mehmet" in text or "05321234567" in text] == []
    assert "data=export.csv\n" in texts["reports/.data"]
