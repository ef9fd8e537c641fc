"""Write notebooks/04_reproduction.ipynb (without outputs).

Same structure as the other sections (``scripts/make_notebooks.py``): a title, one cell tagged
``parameters`` of plain type-hinted values, calls into ``lmlib.audit`` and ``lmlib.present``,
prose for a reader (from the text catalog, in the report's language), and the colophon. Run
``python scripts/make_reproduction_notebook.py`` after editing this file or the catalog's prose;
``--check`` exits 1 when the committed notebook differs from what this script writes.
"""
from __future__ import annotations

from pathlib import Path
import sys


import nbcells  # scripts/ is on sys.path when a script runs
from nbcells import code, prose

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_reproduction.ipynb"

PARAMETERS = '''\
data: str = ""  # cohort file (CSV, .xlsx, .sav); empty: the bundled synthetic cohort
codebook: str = ""  # codebook YAML; empty: data/codebook.yaml
output_dir: str = "reports"  # the audit tables go to <output_dir>/tables
lang: str = "en"  # "en" or "tr"
decimals: int = 1  # unused here: the audit works at the paper's own printed precision
decimal_mark: str = "."  # "." as the paper, or "," for a journal that asks for a decimal comma
continuous_summary: str = ""  # unused here, kept for uniform parameters
data_cut: str = ""  # data cut-off date yyyy-mm-dd; empty: none
published: str = ""  # published-numbers file; empty: data/published.yaml (the source paper)
suppress_below: int = 0  # small-cell rule: computed counts 1 to k-1 shown as "<k"; 0: off
study: str = ""  # study file: your headers, spellings, levels and variables; empty: none
lenient: bool = False  # True: invalid cells become missing and are listed in the appendix
'''

SETUP = '''\
from lmlib import export, suppress
from lmlib.audit import consistency, reproduce
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.present import Style, appendix, audit as shown, cohort_notes, page
from lmlib.published import load_published

cb = load_codebook(codebook or None, study=study or None)
cohort = load_cohort(data or None, cb, data_cut=data_cut or None, strict=not lenient, reuse_processed=True)
pub = load_published(published or None)
out = export.output_dir(output_dir)
style = Style(lang, decimals, decimal_mark, suppress_below)
downloads = page.Downloads(out, style)
parameters = dict(data=data, codebook=codebook, output_dir=output_dir, lang=lang, decimals=decimals,
                  decimal_mark=decimal_mark, continuous_summary=continuous_summary, data_cut=data_cut,
                  published=published, suppress_below=suppress_below, study=study, lenient=lenient)
page.show_cohort(cohort, style)'''

CELLS = [
    prose("notebook.reproduction.title"),
    prose("notebook.common.parameters", tags=["remove-cell"]),
    code(PARAMETERS, tags=["parameters"]),
    code(SETUP),
    code("page.paragraph(cohort_notes.reproduction_note(cohort, style))"),
    prose("notebook.reproduction.part1"),
    code('''\
findings = consistency.check_published(pub)
page.show_table(shown.counts_table(findings, style))
page.show_table(shown.consistency_table(findings, style, cb), out / "tables", shown.csv_frame(findings, style),
                downloads)'''),
    prose("notebook.reproduction.part2"),
    code('''\
audit = suppress.mask_audit(reproduce.reproduction_audit(cohort.data, cb, pub, cohort.not_in_file), suppress_below)
shown.show_comparison(audit, cohort, style, cb, out / "tables", downloads)  # verdicts, or yours beside the paper's'''),
    code('appendix.show_appendix(cohort, style, out / "tables", downloads)'),
    code("downloads.show()"),
    prose("notebook.common.colophon"),
    code('''\
from lmlib.colophon import show_colophon

show_colophon(cohort, parameters=parameters, sections=["04_reproduction"])'''),
]


def render() -> str:
    return nbcells.render(CELLS)


def main(argv=None) -> int:
    return nbcells.main({NOTEBOOK: CELLS}, "make_reproduction_notebook.py", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
