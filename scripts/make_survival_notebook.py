"""Write notebooks/03_survival.ipynb (without outputs).

Same structure as the other sections (``scripts/make_notebooks.py``): a title, one cell tagged
``parameters`` of plain type-hinted values, calls into ``lmlib.survival_report``, prose for a
clinician (from the text catalog, in the report's language), and the colophon. Run
``python scripts/make_survival_notebook.py`` after editing this file or the catalog's prose;
``--check`` exits 1 when the committed notebook differs from what this script writes.
"""
from __future__ import annotations

from pathlib import Path
import sys


import nbcells  # scripts/ is on sys.path when a script runs
from nbcells import code, prose

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_survival.ipynb"

PARAMETERS = '''\
data: str = ""  # cohort file (CSV, .xlsx, .sav); empty: the bundled synthetic cohort
codebook: str = ""  # codebook YAML; empty: data/codebook.yaml
output_dir: str = "reports"  # tables go to <output_dir>/tables, figures to <output_dir>/figures
lang: str = "en"  # "en" or "tr" (every word of the report, Turkish "%53.1")
decimals: int = 1  # decimals of SEs, confidence limits, means and percentages
decimal_mark: str = "."  # "." as the paper, or "," for a journal that asks for a decimal comma
continuous_summary: str = ""  # not used in this section (kept so that every section takes the same parameters)
data_cut: str = ""  # data cut-off date yyyy-mm-dd; empty: none
time_unit: str = "days"  # "days", or "weeks" / "months" to show weeks (days / 7) or months (days / 30.4375) beside the days
landmarks: str = "30,90,180"  # days at which survival is reported
group_by: str = "treatment,primary_site"  # categorical or yes/no columns to compare survival by, comma-separated
risk_times: str = ""  # days under the curve for the numbers at risk; empty: the figure's ticks
suppress_below: int = 0  # small-cell rule: counts 1 to k-1 shown as "<k" (e.g. 5); 0: off, as the paper
study: str = ""  # study file: your headers, spellings, levels and variables; empty: none
lenient: bool = False  # True: invalid cells become missing and are listed in the appendix
rmst_tau: float = 180.0  # horizon (days) of the restricted mean survival time, overall and between groups
adjust: str = ""  # p adjustment of the pairwise log-rank tests: "holm" (empty) or "bh"
cox: str = ""  # covariates of a multivariable Cox model, e.g. "age,sex,treatment"; empty: none
landmark: str = ""  # day of the landmark analysis of treatment (a post-baseline grouping), e.g. "30"; empty: none
'''

SETUP = '''\
from lmlib import export
from lmlib import survival_report as sr
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.present import appendix, cohort_notes, page

cb = load_codebook(codebook or None, study=study or None)
cohort = load_cohort(data or None, cb, data_cut=data_cut or None, strict=not lenient, reuse_processed=True)
out = export.output_dir(output_dir)
report = sr.build(cohort.data, cb, lang=lang, decimals=decimals, decimal_mark=decimal_mark, time_unit=time_unit,
                  landmarks=landmarks, group_by=group_by, risk_times=risk_times, suppress_below=suppress_below,
                  tau_days=rmst_tau, adjust=adjust or "holm", cox=cox, landmark=landmark)
files = sr.write_tables(report, out / "tables")
downloads = page.Downloads(out, report.style)
page.show_cohort(cohort, report.style)'''

COLOPHON = '''\
from lmlib.colophon import show_colophon

show_colophon(cohort, parameters=dict(data=data, codebook=codebook, output_dir=output_dir, lang=lang,
                                      decimals=decimals, decimal_mark=decimal_mark, data_cut=data_cut,
                                      time_unit=time_unit, landmarks=landmarks, group_by=group_by,
                                      risk_times=risk_times, suppress_below=suppress_below, study=study,
                                      lenient=lenient, rmst_tau=rmst_tau, adjust=adjust, cox=cox, landmark=landmark),
              sections=["03_survival"], codebook=cb)'''


CELLS = [
    prose("notebook.survival.title"),
    prose("notebook.survival.parameters", tags=["remove-cell"]),  # shown in JupyterLab, not in the report
    code(PARAMETERS, tags=["parameters"]),
    code(SETUP),
    code("page.paragraph(cohort_notes.synthetic_note(cohort, report.style))"),  # nothing on a user's cohort
    prose("notebook.survival.reading"),
    code("page.paragraph(sr.censoring_text(report))"),
    prose("notebook.survival.median"),
    code("page.paragraph(sr.headline(report), strong=True)"),
    code("page.paragraph(cohort_notes.survival_paper_note(cohort, report))"),  # the paper's 11.2–48.7, synthetic only
    prose("notebook.survival.conventions"),
    code("page.show_table(sr.summary_styler(report))"),
    code("page.paragraph(sr.mean_text(report))"),
    prose("notebook.survival.km"),
    code('''\
figure = 6  # the report's figure numbers: 1 to 5 are in the descriptive and imaging sections
for unit in report.units:
    sr.show_km(report, out / "figures", unit=unit, number=figure, downloads=downloads)
    figure += 1'''),
    prose("notebook.survival.landmarks"),
    code("page.show_table(sr.landmark_styler(report))"),
    prose("notebook.survival.rmst"),
    code("page.paragraph(sr.rmst_text(report))"),
    prose("notebook.survival.followup"),
    code("page.paragraph(sr.followup_text(report))"),
    prose("notebook.survival.groups"),
    code('''\
for item in report.group_by:
    sr.show_group(report, item, out / "figures", number=figure, downloads=downloads)
    figure += 1
if sr.show_multivariable(report, out / "figures", number=figure, downloads=downloads):  # COX: its table and forest plot
    figure += 1'''),
    prose("notebook.survival.manuscript"),
    code("sr.show_manuscript_tables(report, out / \"tables\", downloads)"),
    code('appendix.show_appendix(cohort, report.style, out / "tables", downloads)'),
    code("downloads.show()"),
    prose("notebook.common.colophon"),
    code(COLOPHON),
]


def render() -> str:
    return nbcells.render(CELLS)


def main(argv=None) -> int:
    return nbcells.main({NOTEBOOK: CELLS}, "make_survival_notebook.py", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
