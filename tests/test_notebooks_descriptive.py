"""The descriptive and imaging notebooks: committed clean, and executable end to end through
papermill on the synthetic cohort, in English and Turkish."""
from __future__ import annotations

import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from lmlib import config

NOTEBOOKS = ["01_descriptive", "02_imaging"]
PARAMETER_LINES = ['data: str = ""', 'codebook: str = ""', 'output_dir: str = "reports"', 'lang: str = "en"',
                   "decimals: int = 1", 'continuous_summary: str = ""', 'data_cut: str = ""']
REQUIRED = ["section", "item", "level", "n", "denominator", "percent", "display"]
OUTPUTS = {"01_descriptive": ["table1.csv", "flow.csv"], "02_imaging": ["table2.csv", "crosstabs.csv"]}


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(config.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_without_outputs(name):
    nb = read(name)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_has_one_parameters_cell_of_plain_values(name):
    tagged = [c for c in read(name).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    source = tagged[0].source
    for line in PARAMETER_LINES:
        assert line in source
    code = [line.split("#")[0] for line in source.splitlines()]
    assert all("(" not in line and ":" in line for line in code if line.strip())  # annotated values, no call


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_ends_with_the_colophon(name):
    assert "show_colophon(cohort" in read(name).cells[-1].source


def test_committed_notebooks_are_what_the_generator_writes():
    result = subprocess.run([sys.executable, str(config.PROJ_ROOT / "scripts" / "make_notebooks.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_figures_are_byte_identical_when_drawn_twice(suffix, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lmlib import flow, plots, tables
    from lmlib.codebook import load_codebook
    from lmlib.cohort import load_cohort, load_screening

    cb, data = load_codebook(), load_cohort().data
    drawn = []
    for attempt in range(2):
        figures = [plots.symptoms_figure(tables.table1(data, cb, lang="tr"), lang="tr"),
                   plots.upset_figure(data, cb), plots.flow_diagram(flow.flow_counts(load_screening().data, cb))]
        drawn.append([plots.save_figure(fig, tmp_path / f"{attempt}_{i}.{suffix}", dpi=72).read_bytes()
                      for i, fig in enumerate(figures)])
        plt.close("all")
    assert drawn[0] == drawn[1]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "tr"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes_on_the_synthetic_cohort(name, lang, tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "reports"
    executed = tmp_path / f"{name}_{lang}.ipynb"
    papermill.execute_notebook(
        str(config.NOTEBOOKS_DIR / f"{name}.ipynb"), str(executed),
        parameters={"output_dir": str(out), "lang": lang, "decimals": 1},
        kernel_name="python3", cwd=str(tmp_path), progress_bar=False,
    )
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    for csv in OUTPUTS[name]:
        frame = pd.read_csv(out / "tables" / csv, keep_default_na=False)
        assert frame.columns[:len(REQUIRED)].tolist() == REQUIRED
        assert len(frame) > 0
    table = pd.read_csv(out / "tables" / OUTPUTS[name][0], keep_default_na=False)
    if name == "01_descriptive":
        lung = table[(table["item"] == "primary_site") & (table["level"] == "lung")]["display"].item()
        assert lung == {"en": "17 (53.1%)", "tr": "17 (%53.1)"}[lang]
        assert (out / "figures" / "flow.png").stat().st_size > 0
    else:
        nodular = table[(table["item"] == "enhancement_pattern") & (table["level"] == "nodular")]["display"].item()
        assert nodular == {"en": "17 (53.1%)", "tr": "17 (%53.1)"}[lang]
        assert (out / "figures" / "upset.png").stat().st_size > 0
    html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    assert {"en": "Patients, n", "tr": "Hasta sayısı"}[lang] in html
