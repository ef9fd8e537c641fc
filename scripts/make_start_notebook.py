"""Write notebooks/00_start_here.ipynb (without outputs): the start-here notebook of JupyterLab.

Not a report section (``make report`` builds ``0*_*`` notebooks except ``00_*``): a title, one
cell tagged ``parameters`` (the file to explore, its study file and data cut, the language, where
the written files go), the short public API (:mod:`lmlib.api`) one call per cell, and prose
from the text catalog. It names the "Python (lmlib)" kernel, which ``make lab`` installs and opens
it with. Run ``python scripts/make_start_notebook.py`` after editing this file or the catalog's
prose; ``--check`` exits 1 when the committed notebook differs from what this script writes.
"""
from __future__ import annotations

from pathlib import Path
import sys


import nbcells  # scripts/ is on sys.path when a script runs
from nbcells import LMLIB, code, prose

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"

PARAMETERS = '''\
data: str = ""  # your export (.csv, .xlsx, .sav, .parquet); empty: the bundled synthetic cohort
study: str = ""  # your study file (`make study` drafts it); empty: none
data_cut: str = "2018-12-31"  # data cut-off date yyyy-mm-dd (the synthetic cohort's); empty: not given
lang: str = "en"  # "en" or "tr": every word of the tables and figures
save_to: str = "reports/explore"  # folder of the files written below (relative: under the project folder)
'''

CELLS = [
    prose("notebook.start.title"),
    prose("notebook.start.parameters"),
    code(PARAMETERS, tags=["parameters"]),
    prose("notebook.start.cohort"),
    code('''\
import lmlib

cohort = lmlib.load(data or None, study=study or None, data_cut=data_cut or None, strict=False, lang=lang)
cohort'''),
    prose("notebook.start.tables"),
    code("lmlib.table1(cohort)"),
    code("lmlib.table2(cohort)"),
    prose("notebook.start.grouped"),
    code('lmlib.table1(cohort, by="primary_site")'),
    prose("notebook.start.survival"),
    code("lmlib.survival(cohort)"),
    prose("notebook.start.cox"),
    code('lmlib.survival(cohort, by="treatment", cox=["age", "sex", "treatment"])'),
    prose("notebook.start.files"),
    code('''\
from lmlib.export import output_dir

t1 = lmlib.table1(cohort)
t1.to_docx(output_dir(save_to) / "table1.docx"), t1.to_csv(output_dir(save_to) / "table1.csv")'''),
    prose("notebook.start.own"),
]


def render() -> str:
    return nbcells.render(CELLS, LMLIB)


def main(argv=None) -> int:
    return nbcells.main({NOTEBOOK: CELLS}, "make_start_notebook.py", __doc__.splitlines()[0], argv, LMLIB)


if __name__ == "__main__":
    sys.exit(main())
