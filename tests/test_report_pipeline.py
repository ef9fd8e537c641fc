"""The report pipeline (lmlib.report, lmlib.colophon, `make report`): notebooks, failures, reproducibility.

Report builds use small throw-away notebooks written into a tmp folder (same parameters cell
as the real sections), so these tests do not depend on the section notebooks' content; the
section notebooks themselves are only checked for their parameters cell and for being
committed without outputs.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
import pytest

from lmlib import config
from lmlib.colophon import (
    DIRTY, NOT_A_CHECKOUT, SYNTHETIC_BANNER, colophon, colophon_html, git_commit, method_topics,
    methods_paragraph, methods_references,
)
from lmlib.report.settings import section_names
from lmlib.report import (
    PARAMETER_NAMES, clean_executed, fix_styler_ids, index_html, notebook_parameters, section_title,
    source_date_epoch, validate,
)

ROOT = config.PROJ_ROOT
PYTHON = sys.executable
SECTION_NOTEBOOKS = [ROOT / "notebooks" / f"{name}.ipynb" for name in section_names(ROOT / "notebooks")]
ALL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))  # the sections and 00_start_here
PARAMETER_TYPES = {"data": "str", "codebook": "str", "output_dir": "str", "lang": "str", "decimals": "int",
                   "continuous_summary": "str", "data_cut": "str", "suppress_below": "int", "study": "str",
                   "lenient": "bool"}
PARAMETERS_CELL = "\n".join([
    'data: str = ""',
    'codebook: str = ""',
    'output_dir: str = "reports"',
    'lang: str = "en"',
    "decimals: int = 1",
    'continuous_summary: str = ""',
    'data_cut: str = ""',
    "suppress_below: int = 0",
    'study: str = ""',
])
CODE_MARKER = "CODE_MARKER_7f3a"  # a comment in the code cells: must never reach the HTML
TITLE = "Throw-away section for the tests"
FOLDER = "Ayse Yilmaz 1957-03-02"  # a folder name that identifies a patient: never in a report


# ------------------------------------------------------------------------------ helpers

def make_notebook(path: Path, extra_code: str = "pass", title: str = TITLE) -> Path:
    """A small section notebook: heading, parameters cell, cohort, a figure, a Styler table,
    ``extra_code``, and the colophon, as the real sections end."""
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell(f"# {title}\n\nProse for the reader."),
        new_code_cell(PARAMETERS_CELL, metadata={"tags": ["parameters"]}),
        new_code_cell(f"# {CODE_MARKER}\nfrom lmlib.cohort import load_cohort\n"
                      "cohort = load_cohort(data or None, codebook or None, data_cut=data_cut or None)\ncohort"),
        new_code_cell(f"# {CODE_MARKER}\nimport matplotlib.pyplot as plt\n"
                      "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([1, 2, 3], [1, 4, 9])\nplt.show()"),
        new_code_cell(f"# {CODE_MARKER}\ncohort.data[['age']].describe().style.format(precision=1)"),
        new_code_cell(extra_code),
        new_code_cell("from lmlib.colophon import show_colophon\n"
                      "show_colophon(cohort, parameters=dict(data=data, codebook=codebook, output_dir=output_dir,"
                      " lang=lang, decimals=decimals, continuous_summary=continuous_summary, data_cut=data_cut))"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, cell in enumerate(nb.cells):  # fixed ids: the notebook file itself is reproducible
        cell.id = f"test-cell-{index}"
    nbformat.write(nb, str(path))
    return path


def run_report(*args, check: bool = False) -> subprocess.CompletedProcess:
    result = subprocess.run([PYTHON, "-m", "lmlib.report", *map(str, args)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"lmlib.report {args} failed:\n{result.stderr}")
    return result


def build(notebook: Path, html: Path, data: Path | str = "", data_cut: str = "2018-12-31", **extra):
    args = ["section", notebook, html, "--data-cut", data_cut, "--output-dir", html.parent]
    if data != "":
        args += ["--data", data]
    for name, value in extra.items():
        args += [f"--{name.replace('_', '-')}", value]
    return run_report(*args)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def patient_file(tmp_path_factory) -> Path:
    """A copy of the synthetic cohort under a patient-identifying folder, with a neutral name."""
    folder = tmp_path_factory.mktemp("inputs") / FOLDER
    folder.mkdir()
    target = folder / "lm_export.csv"
    shutil.copyfile(config.SYNTHETIC_COHORT, target)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory, patient_file):
    """One section built from the patient-folder file, with the input's state before the build."""
    root = tmp_path_factory.mktemp("report")
    before = (sha256(patient_file), patient_file.stat().st_mtime_ns)
    notebook = make_notebook(root / "01_demo.ipynb")
    html = root / "out" / "01_demo.html"
    result = build(notebook, html, patient_file)
    assert result.returncode == 0, result.stderr
    return {"notebook": notebook, "html": html, "data": patient_file, "before": before, "stderr": result.stderr}


# ------------------------------------------------------------------------------ the section notebooks

@pytest.mark.parametrize("notebook", SECTION_NOTEBOOKS, ids=lambda p: p.name)
def test_every_section_notebook_has_a_first_code_cell_tagged_parameters_with_the_standard_parameters(notebook):
    nb = nbformat.read(str(notebook), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and "parameters" in code[0].metadata.get("tags", []), "the first code cell is tagged `parameters`"
    found = {}
    for node in ast.parse(code[0].source).body:
        assert isinstance(node, ast.AnnAssign), f"only annotated assignments in the parameters cell: {ast.unparse(node)}"
        # a plain value, never computed (papermill replaces it)
        ast.literal_eval(node.value)
        found[node.target.id] = ast.unparse(node.annotation)
    assert {name: found.get(name) for name in PARAMETER_TYPES} == PARAMETER_TYPES


@pytest.mark.parametrize("notebook", SECTION_NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_reads_every_standard_parameter_of_every_section_notebook(notebook):
    # papermill's own parser gives up on a line with a second "=" (e.g. in a comment), and then
    # warns that a parameter passed with -p is "unknown" (and --help-notebook omits it).
    from papermill import inspect_notebook

    names = set(inspect_notebook(str(notebook)))
    assert set(PARAMETER_TYPES) - names == set(), "no second '=' on a parameter's line, comments included"


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_is_committed_without_outputs(notebook):
    nb = nbformat.read(str(notebook), as_version=4)
    executed = [i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert executed == [], "clear the outputs before committing (Kernel > Restart and Clear Outputs)"
    assert "papermill" not in nb.metadata, "an executed (papermill) notebook was saved over the source"


@pytest.mark.parametrize("notebook", SECTION_NOTEBOOKS, ids=lambda p: p.name)
def test_every_section_notebook_ends_with_the_colophon(notebook):
    nb = nbformat.read(str(notebook), as_version=4)
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert "show_colophon(" in last.source


def test_the_sections_are_picked_up_by_make_from_the_notebooks_folder():
    from lmlib.report.settings import read_settings

    expected = sorted(p.stem for p in SECTION_NOTEBOOKS)
    assert read_settings({})["SECTIONS"] == expected
    assert read_settings({"LM_SECTIONS": ""})["SECTIONS"] == expected


# ------------------------------------------------------------------------------ building a section

@pytest.mark.slow
def test_a_section_report_has_no_code_no_prompt_no_cdn_script_and_no_clock_time(built):
    page = built["html"].read_text(encoding="utf-8")
    assert CODE_MARKER not in page
    assert "show_colophon(" not in page and "load_cohort(" not in page
    # (Markdown cells keep their jp-InputArea wrapper: that is the prose, not code)
    assert re.findall(r'class="[^"]*\bjp-(?:InputPrompt|OutputPrompt|InputArea-editor)\b', page) == []
    assert re.findall(r"<script\b[^>]*\bsrc=", page) == []
    for needle in ("require.js", "require.min.js", "mathjax", "mermaid", "jupyter-widgets", "cdn.", "unpkg"):
        assert needle not in page.lower(), needle
    assert re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page) == [], "an ISO timestamp in the report"
    assert f"<title>{TITLE}</title>" in page


@pytest.mark.slow
def test_every_image_of_a_section_report_is_embedded(built):
    page = built["html"].read_text(encoding="utf-8")
    sources = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", page)
    assert sources, "the figure is in the report"
    assert [s[:40] for s in sources if not s.startswith("data:image/")] == []
    png = base64.b64decode(sources[0].split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_the_executed_notebook_beside_the_report_has_no_timings(built):
    ipynb = built["html"].with_suffix(".ipynb").read_text(encoding="utf-8")
    for key in ("start_time", "end_time", "duration", "iopub.execute_input", "shell.execute_reply"):
        assert f'"{key}"' not in ipynb, key
    assert '"id": "injected-parameters"' in ipynb


@pytest.mark.slow
def test_the_input_file_is_never_modified(built):
    data = built["data"]
    assert (sha256(data), data.stat().st_mtime_ns) == built["before"]


@pytest.mark.slow
def test_the_colophon_of_a_report_names_the_input_file_and_its_sha256_but_never_its_folder(built):
    page = built["html"].read_text(encoding="utf-8")
    assert sha256(built["data"]) in page
    assert "lm_export.csv" in page
    assert "Ayse" not in page and str(built["data"].parent) not in page


@pytest.mark.slow
def test_building_a_section_twice_gives_byte_identical_html(built):
    # same notebook, same parameters (the output folder is one, so the second build replaces the first)
    first = built["html"].read_bytes()
    result = build(built["notebook"], built["html"], built["data"])
    assert result.returncode == 0, result.stderr
    assert built["html"].read_bytes() == first


@pytest.mark.slow
def test_a_failing_cell_exits_non_zero_and_shows_that_cells_error_only(tmp_path):
    notebook = make_notebook(tmp_path / "01_fail.ipynb",
                             "# second to last cell\nvalues = {'a': 1}\nvalues['no-such-key-91']")
    html = tmp_path / "out" / "01_fail.html"
    result = build(notebook, html)
    assert result.returncode == 1
    assert "KeyError" in result.stderr and "no-such-key-91" in result.stderr
    assert "01_fail.ipynb failed in cell" in result.stderr
    # the cell's traceback (IPython's), not the runner's
    for runner in ("papermill", "execute_notebook", "lmlib/report/", 'File "<frozen'):
        assert runner not in result.stderr, runner
    assert not html.exists() and not html.with_suffix(".ipynb").exists()


@pytest.mark.slow
def test_a_failed_run_leaves_the_previous_report_byte_identical(built, tmp_path):
    folder = tmp_path / "out"
    shutil.copytree(built["html"].parent, folder)
    html = folder / built["html"].name
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = build(built["notebook"], html, tmp_path / "missing.csv")
    assert result.returncode == 1
    assert "missing.csv: file not found" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before, "no file changed, added (temporary files included) or removed"


@pytest.mark.slow
def test_a_notebook_without_a_parameter_that_is_passed_gets_a_warning(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# Tiny"), new_code_cell("x: int = 1", metadata={"tags": ["parameters"]}),
                             new_code_cell("print(x)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = tmp_path / "tiny.ipynb"
    nbformat.write(nb, str(notebook))
    result = run_report("section", notebook, tmp_path / "tiny.html", "--lang", "en", "-p", "x=2")
    assert result.returncode == 0, result.stderr
    assert "has no parameter 'lang'" in result.stderr
    assert "Unable to parse" not in result.stderr and "Passed unknown parameter" not in result.stderr
    assert "<pre>2\n</pre>" in (tmp_path / "tiny.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ validate

def test_validate_accepts_the_synthetic_cohort():
    result = run_report("validate", config.SYNTHETIC_COHORT, "--data-cut", "2018-12-31")
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("name, content, expected", [
    ("missing.csv", None, "file not found"),
    ("empty.csv", b"", "the file is empty"),
    ("cohort.xls", b"x", "unsupported file type"),
    ("bad_values.csv", "bad", "problem(s) must be fixed"),
])
def test_validate_of_a_bad_file_prints_one_message_without_traceback_and_exits_2(tmp_path, name, content, expected):
    path = tmp_path / name
    if content == "bad":  # an age that is not a number, in the first patient's row
        text = config.SYNTHETIC_COHORT.read_text(encoding="utf-8-sig")
        assert "\nLM-001;58;" in text
        path.write_text(text.replace("\nLM-001;58;", "\nLM-001;sixty;", 1), encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    result = run_report("validate", path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("error:") == 1 and result.stdout == ""


def test_validate_rewrites_its_stamp_only_when_the_input_or_a_setting_changes(tmp_path):
    stamp = tmp_path / "reports" / ".data"
    data = tmp_path / "a.csv"
    shutil.copyfile(config.SYNTHETIC_COHORT, data)
    assert validate(data, None, "2018-12-31", stamp, {"lang": "en"}) is True
    first = stamp.read_text(encoding="utf-8")
    assert sha256(data) in first
    mtime = stamp.stat().st_mtime_ns
    assert validate(data, None, "2018-12-31", stamp, {"lang": "en"}) is False
    assert stamp.stat().st_mtime_ns == mtime
    assert validate(data, None, "2018-12-31", stamp, {"lang": "tr"}) is True
    other = tmp_path / "b.csv"  # another (even older) file with the same rows
    shutil.copyfile(data, other)
    os.utime(other, (0, 0))
    assert validate(other, None, "2018-12-31", stamp, {"lang": "tr"}) is True
    assert "b.csv" in stamp.read_text(encoding="utf-8")


def test_validate_leaves_the_stamp_alone_when_the_input_is_bad(tmp_path):
    stamp = tmp_path / ".data"
    validate(config.SYNTHETIC_COHORT, None, "2018-12-31", stamp)
    before = stamp.read_bytes()
    result = run_report("validate", tmp_path / "missing.csv", "--stamp", stamp)
    assert result.returncode == 2
    assert stamp.read_bytes() == before


def make_env() -> dict:
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    return {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}


def test_make_report_with_a_missing_data_file_stops_with_one_message_and_a_non_zero_exit(tmp_path):
    missing = tmp_path / "missing.csv"
    # -o: never (re)install the environment from a test
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "report", f"DATA={missing}"]
    result = subprocess.run(command, cwd=ROOT, env=make_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make: ***")]
    assert lines == [f"lmlib: error: {missing}: file not found"]


def test_make_report_lists_report_and_its_settings_in_make_help():
    result = subprocess.run(["make", "-s", "help"], cwd=ROOT, env=make_env(), capture_output=True, text=True,
                            timeout=60, check=True)
    lines = result.stdout.splitlines()
    assert any(line.strip().startswith("report ") for line in lines)
    settings = {line.split()[0] for line in lines if line.startswith("  ") and line.split()}
    assert {"DATA", "DATA_CUT", "LANG_REPORT", "DECIMALS", "SUPPRESS_BELOW", "SECTIONS"} <= settings


# ------------------------------------------------------------------------------ reproducibility helpers

def test_clean_executed_drops_timings_and_gives_fixed_ids():
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["injected-parameters"],
                                                              "papermill": {"duration": 0.1},
                                                              "execution": {"iopub.status.busy": "2024"}}),
                             new_code_cell("y"), new_code_cell("z")])
    nb.cells[1].id = "kept"
    nb.cells[2].id = "kept"  # a duplicate
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "<Styler at 0x7f41ebd1d250>"})]
    nb.metadata["papermill"] = {"start_time": "2024-01-01T10:00:00", "end_time": "x", "duration": 1.0,
                                "parameters": {"lang": "en"}, "output_path": "/tmp/tmpabc/x.ipynb"}
    clean_executed(nb, "notebooks/x.ipynb", "reports/x.ipynb")
    assert nb.metadata["papermill"] == {"parameters": {"lang": "en"}, "input_path": "notebooks/x.ipynb",
                                        "output_path": "reports/x.ipynb"}
    assert [c.id for c in nb.cells] == ["injected-parameters", "kept", "cell-2"]
    assert all("papermill" not in c.metadata and "execution" not in c.metadata for c in nb.cells)
    assert nb.cells[1].outputs[0]["data"]["text/plain"] == "<Styler>"


def test_pandas_styler_ids_are_replaced_by_fixed_ones():
    html = ('<style type="text/css">\n#T_a1b2c_row0_col0 { color: red; }\n</style>\n'
            '<table id="T_a1b2c"><tr><td id="T_a1b2c_row0_col0" class="data">1</td></tr></table>')
    fixed = fix_styler_ids(html, "3o0")
    assert "a1b2c" not in fixed
    assert fixed.count("T_lm3o0t0") == 3
    assert fix_styler_ids("<table>no styler</table>", "0o0") == "<table>no styler</table>"


def test_the_figures_date_is_the_data_cut_not_the_clock():
    assert source_date_epoch("2018-12-31") == "1546214400"
    assert source_date_epoch("") == "0"


def test_notebook_parameters_and_section_title_are_read_from_the_notebook(tmp_path):
    notebook = make_notebook(tmp_path / "x.ipynb", title="Kaplan–Meier *curves*")
    nb = nbformat.read(str(notebook), as_version=4)
    assert notebook_parameters(nb) == list(PARAMETER_NAMES)
    assert section_title(notebook) == "Kaplan–Meier curves"


# ------------------------------------------------------------------------------ index

def test_the_index_lists_the_sections_with_the_cohort_name_n_and_data_cut():
    prov = {"input_file": "lm_export.csv", "input_sha256": "ab" * 32, "n": 32, "data_cut": "2018-12-31",
            "synthetic": False, "codebook_sha256": "cd" * 32}
    page = index_html([("Table 1", "01_descriptive.html"), ("MRI", "02_imaging.html")], prov)
    for text in ("lm_export.csv", "<td>32</td>", "December 2018", '<a href="01_descriptive.html">Table 1</a>',
                 '<a href="02_imaging.html">MRI</a>', "ab" * 32):
        assert text in page
    assert "SYNTHETIC" not in page and "<script" not in page


def test_the_index_says_not_given_without_a_data_cut_and_flags_synthetic_data():
    page = index_html([], {"input_file": "synthetic_lm_cohort.csv", "n": 32, "data_cut": None, "synthetic": True})
    assert "not given" in page and "SYNTHETIC DATA" in page
    assert "belirtilmedi" in index_html([], {"data_cut": None}, lang="tr")


# ------------------------------------------------------------------------------ colophon

PROVENANCE = {"input_file": "lm_export.csv", "input_sha256": "e3" * 32, "codebook_sha256": "c0" * 32,
              "synthetic": False, "n": 32, "data_cut": "2018-12-31"}


def test_the_colophon_holds_versions_commit_input_hash_codebook_hash_and_parameters():
    table = colophon(PROVENANCE, {"data": f"/home/dr/{FOLDER}/lm_export.csv", "decimals": 1, "lang": "tr"})
    values = dict(zip(table["item"], table["value"]))
    assert values["Input file"] == "lm_export.csv"
    assert values["Input SHA-256"] == "e3" * 32 and values["Codebook SHA-256"] == "c0" * 32
    assert values["Data cut-off"] == "Aralık 2018" and values["Synthetic data"] == "no"
    assert values["data"] == "'lm_export.csv'" and values["decimals"] == "1" and values["lang"] == "'tr'"
    for package in ("lmlib", "Python", "pandas", "numpy", "scipy", "statsmodels", "lifelines", "matplotlib",
                    "seaborn", "papermill", "nbconvert"):
        assert values[package][0].isdigit(), package
    assert re.fullmatch(rf"[0-9a-f]{{40}}( {re.escape(DIRTY)})?|{NOT_A_CHECKOUT}", values["Git commit"])


def test_the_colophon_never_shows_a_folder_of_a_path(tmp_path):
    parameters = {"data": rf"C:\Users\dr\{FOLDER}\lm_export.xlsx", "codebook": f"/srv/{FOLDER}/cb.yaml",
                  "output_dir": f"{FOLDER}/reports"}
    page = colophon_html(colophon(PROVENANCE, parameters))
    assert "Ayse" not in page
    assert "lm_export.xlsx" in page and "cb.yaml" in page and "e3" * 32 in page


def test_the_colophon_of_a_real_cohort_has_its_sha256_and_not_its_folder(patient_file):
    from lmlib.cohort import load_cohort

    cohort = load_cohort(patient_file, data_cut="2018-12-31")
    page = colophon_html(colophon(cohort, {"data": str(patient_file)}))
    assert sha256(patient_file) in page and "lm_export.csv" in page
    assert "Ayse" not in page and SYNTHETIC_BANNER not in page


def test_the_colophon_shows_the_synthetic_banner_for_the_synthetic_cohort():
    from lmlib.cohort import load_cohort

    cohort = load_cohort(data_cut="2018-12-31")
    table = colophon(cohort, {"data": ""})
    assert dict(zip(table["item"], table["value"]))["data"] == "'' (the bundled synthetic cohort)"
    assert SYNTHETIC_BANNER in colophon_html(table, synthetic=cohort.is_synthetic)


def test_the_git_commit_of_a_folder_that_is_not_a_checkout_says_so(tmp_path):
    assert git_commit(tmp_path) == NOT_A_CHECKOUT


# ------------------------------------------------------------------------------ methods paragraph

METHOD_NAMES = [
    "mean ± standard deviation (range)", "Shapiro–Wilk", "Shapiro & Wilk 1965", "n (%)",
    "rounded half away from zero", "Wilson score", "Wilson 1927", "Fisher's exact test", "Freeman–Halton",
    "exploratory", "Kaplan–Meier", "Kaplan & Meier 1958", "smallest time at which the survival estimate is 0.5",
    "SPSS", "Greenwood", "kernel density", "± 1.96", "Brookmeyer–Crowley", "Brookmeyer & Crowley 1982",
    "log-log", "log-rank", "Cox", "Cox 1972", "reverse Kaplan–Meier", "Schemper & Smith 1996",
]


def test_the_methods_paragraph_names_each_method_and_convention_with_its_citation():
    text = methods_paragraph("en")
    missing = [name for name in METHOD_NAMES if name not in text]
    assert missing == []


def test_the_methods_paragraph_names_the_software_with_versions():
    versions = {"Python": "3.11.9", "pandas": "2.2.3", "scipy": "1.14.1", "statsmodels": "0.14.4",
                "lifelines": "0.30.3", "lmlib": "0.1.0"}
    text = methods_paragraph("en", versions=versions)
    for name, version in [("Python", "3.11.9"), ("pandas", "2.2.3"), ("SciPy", "1.14.1"),
                          ("statsmodels", "0.14.4"), ("lifelines", "0.30.3")]:
        assert f"{name} {version}" in text


def test_the_methods_paragraph_says_median_iqr_for_the_variables_chosen():
    assert "median [interquartile range]" not in methods_paragraph("en")
    text = methods_paragraph("en", continuous_summary="age=median_iqr")
    assert "Age was summarised as median [interquartile range]" in text and "Hyndman & Fan 1996" in text
    assert "two decimal places" in methods_paragraph("en", decimals=2)


def test_the_methods_paragraph_of_a_section_names_only_its_methods():
    assert method_topics(["01_descriptive"]) == ["descriptive"]
    assert method_topics(["02_imaging"]) == ["descriptive", "crosstab"]
    assert method_topics(["04_reproduction"]) == ["descriptive", "crosstab", "survival", "audit"]
    assert "audit" not in method_topics(None)  # the paper's paragraph: no audit sentence
    text = methods_paragraph("en", ["02_imaging"])
    assert "Freeman–Halton" in text and "Kaplan–Meier" not in text
    refs = methods_references(["03_survival"])
    assert any("Brookmeyer" in r for r in refs) and not any("Freeman" in r for r in refs)


def test_the_methods_paragraph_has_a_turkish_version():
    text = methods_paragraph("tr")
    for name in ("Shapiro–Wilk", "Wilson", "Fisher", "Freeman–Halton", "Kaplan–Meier", "Brookmeyer–Crowley",
                 "log-rank", "Cox", "ters Kaplan–Meier"):
        assert name in text
    with pytest.raises(ValueError):
        methods_paragraph("de")
