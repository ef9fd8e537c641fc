"""Write notebooks/04_reproduction.ipynb (without outputs).

Same structure as the other sections (``scripts/make_notebooks.py``): a title, one cell tagged
``parameters`` of plain type-hinted values, calls into ``lmlib.audit``, prose, the appendix
and the colophon. On the synthetic cohort part 2 judges every published number against the
cohort; on a user's cohort it puts the user's series beside the published one, without a
verdict. Run ``python scripts/make_reproduction_notebook.py`` after editing this file;
``--check`` exits 1 when the committed notebook differs from what this script writes.
"""
from __future__ import annotations

from pathlib import Path
import sys


import nbcells  # scripts/ is on sys.path when a script runs
from nbcells import code, md

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_reproduction.ipynb"

PARAMETERS = '''\
data: str = ""  # cohort file (CSV, .xlsx, .sav); empty: the bundled synthetic cohort
codebook: str = ""  # codebook YAML; empty: data/codebook.yaml
output_dir: str = "reports"  # the audit table goes to <output_dir>/tables/audit.csv
lang: str = "en"  # "en" or "tr"
decimals: int = 1  # unused here: the audit works at the paper's own printed precision
continuous_summary: str = ""  # unused here, kept for uniform parameters
data_cut: str = ""  # data cut-off date yyyy-mm-dd; empty: none
published: str = ""  # published-numbers file; empty: data/published.yaml (the source paper)
suppress_below: int = 0  # small-cell rule: computed counts 1 to k-1 shown as "<k"; 0: off
study: str = ""  # study file: your headers, spellings, levels and variables; empty: none
lenient: bool = False  # True: invalid cells become missing and are listed in the appendix
'''

SETUP = '''\
from IPython.display import Markdown, display

from lmlib import appendix, cohort_notes, export, suppress
from lmlib.audit import consistency, present, reproduce
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.synthetic import load_published

cb = load_codebook(codebook or None, study=study or None)
cohort = load_cohort(data or None, cb, data_cut=data_cut or None, strict=not lenient, reuse_processed=True)
pub = load_published(published or None)
out = export.output_dir(output_dir)
parameters = dict(data=data, codebook=codebook, output_dir=output_dir, lang=lang, decimals=decimals,
                  continuous_summary=continuous_summary, data_cut=data_cut, published=published,
                  suppress_below=suppress_below, study=study, lenient=lenient)
cohort'''

CELLS = [
    md("# Reproduction audit: the published numbers, checked\n\n"
       "A reader or reviewer wants to know two things about a paper's tables: whether they hold together,\n"
       "and whether the data behind them gives the same numbers. This section answers both.\n\n"
       "1. **The paper against itself.** Without any patient data: is each printed percentage a correct\n"
       "   rounding of its count over its denominator; do mutually exclusive levels add up to the total;\n"
       "   are items where a patient can count twice marked as such; is the mean age possible for whole-number\n"
       "   ages of that many patients (the GRIM test); is the printed \"median ± SE (95% CI)\" consistent with\n"
       "   median ± 1.96 × SE; does every subgroup fit inside its parent?\n"
       "2. **The paper against the cohort.** Every published number beside the one this package computes\n"
       "   from the cohort file, through the same code as the other sections: judged at the paper's printed\n"
       "   precision for the synthetic cohort made from the paper, shown side by side for your own series."),
    md("## Parameters", tags=["remove-cell"]),
    code(PARAMETERS, tags=["parameters"]),
    code(SETUP),
    code('Markdown(cohort_notes.note("reproduction_synthetic" if cohort.is_synthetic else "reproduction_own", lang))'),
    md("## 1. The paper checked against itself\n\n"
       "Each row is one check of the published numbers alone. *Consistent only if truncated* means the\n"
       "printed value is what you get by cutting, not rounding, the exact value."),
    code('''\
findings = consistency.check_published(pub)
display(present.status_counts(findings).to_frame("checks"))
present.styler(findings[findings["status"] != "consistent"], ["rule", "item", "level", "published", "status",
               "explanation", "likely_intended"], caption="Findings other than 'consistent'")'''),
    md("The full list of checks, including the consistent ones, is written with the audit table."),
    md("## 2. The paper against the cohort\n\n"
       "One row per published number: the text as printed and the value computed from the cohort at the same\n"
       "precision. Percentages are computed with the paper's denominator rule (for example, deaths as a\n"
       "percentage of the patients still followed)."),
    code('''\
audit = suppress.mask_audit(reproduce.reproduction_audit(cohort.data, cb, pub), suppress_below)
if cohort.is_synthetic:
    display(Markdown(present.summary_sentence(audit)))
    shown = present.styler(audit, ["item", "level", "statistic", "published", "computed", "status", "explanation"],
                           caption="Published versus computed")
else:
    shown = present.side_by_side_styler(reproduce.side_by_side(audit, cb, lang), lang)
shown'''),
    code('''\
files = [export.write_csv(audit if cohort.is_synthetic else reproduce.side_by_side(audit, cb, lang),
                          out / "tables" / "audit.csv"),
         export.write_csv(findings, out / "tables" / "audit_consistency.csv")]'''),
    md("## How to read the verdicts\n\n"
       "For the synthetic cohort (for your own series part 2 gives no verdict):\n\n"
       "* **exact / matches after rounding**: the cohort gives the published number at the paper's precision\n"
       "  (percentages rounded half away from zero, as SPSS prints them).\n"
       "* **matches after truncation**: the paper's number is the computed one cut, not rounded; the\n"
       "  explanation says why that is the likely reading.\n"
       "* **differs: the paper is inconsistent**: the cohort and the paper disagree, and the paper's own\n"
       "  numbers show that the printed value cannot be right (the explanation names the likely intended value).\n"
       "* **DIFFERS (unexplained)**: a real discrepancy between the cohort and the paper."),
    code("appendix.show(cohort, lang)"),
    md("## Colophon"),
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
