"""Write notebooks/01_descriptive.ipynb and notebooks/02_imaging.ipynb (without outputs).

The notebooks are generated so that they stay thin and identical in structure: a title, one
cell tagged ``parameters`` of plain type-hinted values, calls into lmlib, prose for a
clinician, and the colophon. Run ``python scripts/make_notebooks.py`` after editing this file;
``--check`` exits 1 when a committed notebook differs from what this script writes (used by
the tests).
"""
from __future__ import annotations

from pathlib import Path
import sys


import nbcells  # scripts/ is on sys.path when a script runs
from nbcells import code, md

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

PARAMETERS = '''\
data: str = ""  # cohort file (CSV, .xlsx, .sav); empty: the bundled synthetic cohort
codebook: str = ""  # codebook YAML; empty: data/codebook.yaml
output_dir: str = "reports"  # tables go to <output_dir>/tables, figures to <output_dir>/figures
lang: str = "en"  # "en" or "tr" (labels from the codebook, Turkish "%53.1")
decimals: int = 1  # decimals of percentages, means and SDs
continuous_summary: str = ""  # e.g. "age:median_iqr"; empty: mean ± SD (min–max) as the paper
data_cut: str = ""  # data cut-off date yyyy-mm-dd; empty: none
screening: str = ""  # screening log of every referred patient (flow diagram); empty: none, or the synthetic one
show_ci: bool = True  # show the Wilson 95% CI column (the exported paper layout never has it)
suppress_below: int = 0  # small-cell rule: counts 1 to k-1 shown as "<k" (e.g. 5); 0: off, as the paper
study: str = ""  # study file: your headers, spellings, levels and variables; empty: none
lenient: bool = False  # True: invalid cells become missing and are listed in the appendix
'''

SETUP = '''\
from IPython.display import Markdown, display

from lmlib import appendix, cohort_notes, coverage, crosstab, export, flow, formatting, plots, suppress, tables
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort, load_screening

cb = load_codebook(codebook or None, study=study or None)
cohort = load_cohort(data or None, cb, data_cut=data_cut or None, strict=not lenient, reuse_processed=True)
out = export.output_dir(output_dir)
summary = tables.parse_summary(continuous_summary)
parameters = dict(data=data, codebook=codebook, output_dir=output_dir, lang=lang, decimals=decimals,
                  continuous_summary=continuous_summary, data_cut=data_cut, show_ci=show_ci, screening=screening,
                  suppress_below=suppress_below, study=study, lenient=lenient)
cohort'''

SYNTHETIC_NOTE = "Markdown(cohort_notes.synthetic_note(cohort, lang))"

APPENDIX = "appendix.show(cohort, lang)"


def colophon(section: str) -> str:
    return f'''\
from lmlib.colophon import show_colophon

show_colophon(cohort, parameters=parameters, sections=["{section}"])'''


DESCRIPTIVE = [
    md("# Clinical characteristics of the patients (Table 1)\n\n"
       "This report describes who the patients were: age, sex, the primary tumour and its histology, "
       "the presenting symptoms, the treatment and what happened to them, and how they were selected. "
       "Every number is computed from the cohort file by `lmlib`; nothing is typed by hand."),
    md("## Parameters\n\nChange these values (or pass them with papermill) to run the report on "
       "another file, in Turkish, or with another summary of a continuous variable.",
       tags=["remove-cell"]),  # shown in JupyterLab, not in the code-free report
    code(PARAMETERS, tags=["parameters"]),
    code(SETUP),
    code(SYNTHETIC_NOTE),
    md("## Table 1: demographic and clinical data\n\n"
       "Counts are numbers of patients, with the percentage of the patients in brackets. Age is "
       "given as the paper gives it, mean ± standard deviation (youngest–oldest); the footnote says "
       "whether the ages look normally distributed (Shapiro–Wilk test) and which summary was used. "
       "Symptoms are a *multi-response* item: one patient may have several, so the percentages add "
       "up to more than 100%. Survival percentages are of the patients still followed: those lost to "
       "follow-up are left out of that denominator, as in the paper, and the footnote says how many. "
       "The 95% confidence interval (Wilson) shows how uncertain each percentage is in a series this "
       "small. An item your file has no column for is named in a footnote; an option of a symptom list "
       "without a column is marked *not recorded in this file* and the other options keep their counts."),
    code('''\
t1 = suppress.suppress_table(tables.table1(cohort.data, cb, summary=summary, lang=lang,
                                           not_in_file=cohort.not_in_file), suppress_below)
display(Markdown(coverage.notices_markdown(t1, lang)))
formatting.styler(t1, lang=lang, decimals=decimals, hide_ci=not show_ci,
                  caption=tables.text("table", lang, n=1))'''),
    md("The same table is written for the manuscript: a tidy CSV (one row per line of the table, "
       "with unrounded numbers), a LaTeX table and a Word document in the paper's layout."),
    code('''\
files = export.write_table(t1, out / "tables", "table1", lang=lang, decimals=decimals, hide_ci=True,
                           caption=tables.text("table", lang, n=1))'''),
    md("## How the patients were selected\n\n"
       "The flow diagram follows the STROBE recommendation for observational studies: how many "
       "patients were screened, how many were excluded and why, and how many were analysed. It needs "
       "a screening log (`make report SCREENING=...`); a cohort file without one gets no diagram rather "
       "than a made-up one."),
    code('''\
source = flow.screening_source(data, screening)
if source is None:
    display(Markdown("*No screening log for this cohort: flow diagram not drawn.*"))
else:
    fl = flow.flow_counts(load_screening(source, cb).data, cb, lang=lang, cohort_n=cohort.n)
    export.write_csv(export.flow_frame(fl, lang=lang, decimals=decimals, suppress_below=suppress_below),
                     out / "tables" / "flow.csv")
    if suppress.counts_hide(fl["n"], suppress_below):
        display(Markdown(suppress.skip_figure(out / "figures" / "flow.png", suppress_below, lang)))
    else:
        fig = plots.flow_diagram(fl, lang=lang, decimals=decimals)
        plots.save_figure(fig, out / "figures" / "flow.png")'''),
    md("## Presenting symptoms\n\nEach bar is the percentage of all patients who had the symptom. "
       "Headache, altered consciousness and nausea–vomiting are the classical picture of raised "
       "intracranial pressure and meningeal irritation."),
    code('''\
if not tables.has_counts(t1, "symptoms"):
    pass  # not in this file: said under Table 1
elif suppress.figure_hides(t1, "symptoms"):
    display(Markdown(suppress.skip_figure(out / "figures" / "symptoms.png", suppress_below, lang)))
else:
    fig = plots.symptoms_figure(t1, lang=lang, decimals=decimals)
    plots.save_figure(fig, out / "figures" / "symptoms.png");'''),
    md("## Primary tumours\n\nEach bar is one primary site, split by histological type. Lung and "
       "breast carcinoma and melanoma are the solid tumours that most often seed the leptomeninges."),
    code('''\
if not tables.has_counts(t1, "primary_site"):
    pass  # not in this file: said under Table 1
elif suppress.figure_hides(t1, "primary_site"):
    display(Markdown(suppress.skip_figure(out / "figures" / "primary_site.png", suppress_below, lang)))
else:
    fig = plots.primary_site_figure(t1, lang=lang, decimals=decimals)
    plots.save_figure(fig, out / "figures" / "primary_site.png");'''),
    code(APPENDIX),
    md("## Colophon\n\nVersions, input file fingerprint and parameters of this run, and the "
       "statistical-methods paragraph for the manuscript."),
    code(colophon("01_descriptive")),
]

IMAGING = [
    md("# MRI findings of intracranial leptomeningeal metastases (Table 2)\n\n"
       "This report describes what the contrast-enhanced MRI showed: whether the leptomeningeal "
       "disease was isolated or came with parenchymal, dural or calvarial metastases, where it was "
       "(above or below the tentorium), how it enhanced (linear, nodular), and whether there were "
       "subependymal nodules, cranial nerve involvement or hydrocephalus."),
    md("## Parameters", tags=["remove-cell"]),
    code(PARAMETERS, tags=["parameters"]),
    code(SETUP),
    code(SYNTHETIC_NOTE),
    md("## Table 2: MRI findings\n\n"
       "Counts are numbers of patients with the percentage of all patients. Accompanying metastases "
       "and cranial nerves are *multi-response* items (one patient may have several), so their "
       "percentages do not add up to 100%. The cranial nerve groups are the paper's (CN 4–6, CN 5, "
       "CN 7–8, CN 9–10); each group's label says how it counts a patient: when *all* of its nerves are "
       "involved (the paper's reading, the default) or, if a study file says `rule: any`, when any of them "
       "is. Each nerve on its own follows further down, with the rows after the paper's items (field "
       "strength, a study file's own variables)."),
    code('''\
t2 = suppress.suppress_table(tables.table2(cohort.data, cb, summary=summary, lang=lang,
                                           not_in_file=cohort.not_in_file), suppress_below)
display(Markdown(coverage.notices_markdown(t2, lang)))
formatting.styler(t2, lang=lang, decimals=decimals, hide_ci=not show_ci,
                  caption=tables.text("table", lang, n=2))'''),
    code('''\
files = export.write_table(t2, out / "tables", "table2", lang=lang, decimals=decimals, hide_ci=True,
                           caption=tables.text("table", lang, n=2))'''),
    md("## Location and enhancement pattern\n\nThe two findings that describe the leptomeningeal "
       "disease itself, as percentages of all patients."),
    code('''\
if not (tables.has_counts(t2, "lm_location") and tables.has_counts(t2, "enhancement_pattern")):
    pass  # not in this file: said under Table 2
elif suppress.figure_hides(t2, ["lm_location", "enhancement_pattern"]):
    display(Markdown(suppress.skip_figure(out / "figures" / "location_pattern.png", suppress_below, lang)))
else:
    fig = plots.imaging_figure(t2, lang=lang, decimals=decimals)
    plots.save_figure(fig, out / "figures" / "location_pattern.png");'''),
    md("## Findings by primary site (exploratory)\n\n"
       "Each finding is cross-tabulated by primary site, with column percentages (of the patients "
       "with that primary). The p-value is from Fisher's exact test for a 2×2 table or its "
       "Freeman–Halton extension for larger tables, computed exactly. **These comparisons are "
       "exploratory**: a case series is not designed to test them, several findings are tested "
       "without correction, and sites with one or two patients carry almost no information. Read "
       "them as a description of where findings cluster, not as evidence of a difference."),
    code('''\
xt = suppress.suppress_crosstab(crosstab.findings_by(cohort.data, cb, lang=lang), suppress_below)
export.write_csv(export.crosstab_frame(xt, lang=lang, decimals=decimals), out / "tables" / "crosstabs.csv")
formatting.crosstab_styler(xt, lang=lang, decimals=decimals)'''),
    md("## Which metastasis sites and cranial nerves occur together\n\n"
       "An UpSet view: each column of dots is one combination of findings (filled dots), and the bar "
       "above it counts the patients with exactly that combination; the bars on the left count each "
       "finding overall. A column with no filled dot is the patients with isolated leptomeningeal "
       "disease and no cranial nerve involvement."),
    code('''\
if suppress.active(suppress_below):  # its bars are exact counts of small combinations
    display(Markdown(suppress.skip_figure(out / "figures" / "upset.png", suppress_below, lang)))
else:
    fig = plots.upset_figure(cohort.data, cb, lang=lang)
    plots.save_figure(fig, out / "figures" / "upset.png");'''),
    code(APPENDIX),
    md("## Colophon"),
    code(colophon("02_imaging")),
]


NOTEBOOK_CELLS = {"01_descriptive.ipynb": DESCRIPTIVE, "02_imaging.ipynb": IMAGING}


def render(name: str) -> str:
    return nbcells.render(NOTEBOOK_CELLS[name])


def main(argv=None) -> int:
    notebooks = {NOTEBOOKS / name: cells for name, cells in NOTEBOOK_CELLS.items()}
    return nbcells.main(notebooks, "make_notebooks.py", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
