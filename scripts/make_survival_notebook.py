"""Write notebooks/03_survival.ipynb (without outputs).

Same structure as the other sections (``scripts/make_notebooks.py``): a title, one cell tagged
``parameters`` of plain type-hinted values, calls into ``lmlib.survival_report``, prose for a
clinician, and the colophon. Run ``python scripts/make_survival_notebook.py`` after editing this
file; ``--check`` exits 1 when the committed notebook differs from what this script writes.
"""
from __future__ import annotations

from pathlib import Path
import sys


import nbcells  # scripts/ is on sys.path when a script runs
from nbcells import code, md

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_survival.ipynb"

PARAMETERS = '''\
data: str = ""  # cohort file (CSV, .xlsx, .sav); empty: the bundled synthetic cohort
codebook: str = ""  # codebook YAML; empty: data/codebook.yaml
output_dir: str = "reports"  # tables go to <output_dir>/tables, figures to <output_dir>/figures
lang: str = "en"  # "en" or "tr" (labels from the codebook, Turkish "%53.1")
decimals: int = 1  # decimals of SEs, confidence limits, means and percentages
continuous_summary: str = ""  # not used in this section (kept so that every section takes the same parameters)
data_cut: str = ""  # data cut-off date yyyy-mm-dd; empty: none
time_unit: str = "days"  # "days", or "months" to show months (days / 30.4375) beside the days
landmarks: str = "30,90,180"  # days at which survival is reported
group_by: str = "treatment,primary_site"  # categorical columns to compare survival by, comma-separated
risk_times: str = ""  # days under the curve for the numbers at risk; empty: the figure's ticks
suppress_below: int = 0  # small-cell rule: counts 1 to k-1 shown as "<k" (e.g. 5); 0: off, as the paper
study: str = ""  # study file: your headers, spellings, levels and variables; empty: none
lenient: bool = False  # True: invalid cells become missing and are listed in the appendix
'''

SETUP = '''\
from IPython.display import Markdown, display

from lmlib import appendix, cohort_notes, export, plots
from lmlib import survival_report as sr
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort

cb = load_codebook(codebook or None, study=study or None)
cohort = load_cohort(data or None, cb, data_cut=data_cut or None, strict=not lenient, reuse_processed=True)
out = export.output_dir(output_dir)
report = sr.build(cohort.data, cb, lang=lang, decimals=decimals, time_unit=time_unit, landmarks=landmarks,
                  group_by=group_by, risk_times=risk_times, suppress_below=suppress_below)
files = sr.write_tables(report, out / "tables")
cohort'''

COLOPHON = '''\
from lmlib.colophon import show_colophon

show_colophon(cohort, parameters=dict(data=data, codebook=codebook, output_dir=output_dir, lang=lang,
                                      decimals=decimals, data_cut=data_cut, time_unit=time_unit,
                                      landmarks=landmarks, group_by=group_by, risk_times=risk_times,
                                      suppress_below=suppress_below, study=study, lenient=lenient),
              sections=["03_survival"])'''


CELLS = [
    md("# Overall survival after the diagnosis of leptomeningeal metastases\n\n"
       "How long patients lived after leptomeningeal metastases were diagnosed on MRI: the "
       "Kaplan–Meier curve, the median survival in the form the paper gives it and in the form most "
       "statistics programs give it, survival at fixed times, follow-up, and survival compared by "
       "treatment and by primary tumour. Every number is computed from the cohort file by `lmlib`; "
       "nothing is typed by hand."),
    md("## Parameters\n\nChange these values (or pass them with papermill) to run the report on another "
       "file, in Turkish, in months as well as days, at other landmark times, or by other groups "
       "(any categorical column of the cleaned cohort, e.g. `sex`, `lm_location`, `hydrocephalus`).",
       tags=["remove-cell"]),  # shown in JupyterLab, not in the code-free report
    code(PARAMETERS, tags=["parameters"]),
    code(SETUP),
    code("Markdown(cohort_notes.synthetic_note(cohort, lang))"),
    md("## How to read a survival analysis\n\n"
       "Survival time is counted in days from the MRI diagnosis of leptomeningeal metastases to death "
       "or, for a patient not known to have died, to the last contact. The **Kaplan–Meier method** "
       "estimates, for every day, the proportion of patients still alive. It steps down at each death; "
       "between deaths it stays flat.\n\n"
       "A patient who was alive when last seen is **censored**: we know they lived at least that long, "
       "but not how much longer. In the published series the censored patients were those *lost to "
       "follow-up after treatment*; the line below gives the numbers for this cohort. The Kaplan–Meier "
       "method uses what they contribute (the days they were known to be alive) without pretending they "
       "died, which is why it is preferred to the plain average of the observed times. It assumes that being lost to follow-up has nothing to do with how ill a patient "
       "was; if the sickest patients were the ones lost, survival is overestimated."),
    code("Markdown(sr.censoring_text(report))"),
    md("## Median overall survival\n\n"
       "The **median survival** is the time by which half of the patients have died: the first day on "
       "which the Kaplan–Meier estimate is 50% or lower. The line below gives it as the paper does "
       "(\"30 ± 9.5 days (95% CI 11.2–48.7)\", from SPSS): the median ± its standard error, then the "
       "95% confidence interval, computed exactly as SPSS computes it (median ± 1.96 standard errors)."),
    code('Markdown(f"**{sr.headline(report)}**")'),
    code("Markdown(cohort_notes.survival_paper_note(cohort, report, lang))"),
    md("SPSS's interval is symmetric by construction and can even go below zero in small groups. R, "
       "Stata, SAS and Python's lifelines report the **Brookmeyer–Crowley** interval instead: the days "
       "on which a confidence band around the curve crosses 50%. It is asymmetric, follows the shape of "
       "the curve, and is the one most reviewers know. The table gives both, each convention named in "
       "its column header, so that the paper's number can be compared with the others. *Not reached* "
       "means the curve (or its band) does not fall to 50% within the follow-up.\n\n"
       "The **mean survival** is the area under the Kaplan–Meier curve, as SPSS reports it next to the "
       "median. When the longest follow-up is a censored patient the curve has not reached zero and the "
       "mean is cut there (marked *), so it underestimates."),
    code("sr.summary_styler(report)"),
    code("Markdown(sr.mean_text(report))"),
    md("## Kaplan–Meier curve\n\n"
       "The solid line is the estimated proportion of patients alive; the shaded band its 95% "
       "confidence interval (wide where few patients remain, so the right-hand end of the curve says "
       "little). A **+** marks a censored patient. The dashed line shows how the median is read: across "
       "from 50%, down to the time axis. Under the figure, aligned with the ticks of the time axis, "
       "the table gives the number of patients still **at risk** (alive and followed) at each time, and "
       "how many had been **censored** and how many had **died** by then, as recommended by the "
       "KMunicate study (Morris et al., BMJ Open 2019). With `time_unit = \"months\"` the same curve "
       "is drawn in months as well."),
    code('''\
for unit in report.units:
    km = sr.km_figure(report, unit=unit)
    _ = plots.save_figure(km.figure, out / "figures" / f"survival_km_overall_{unit}.png")'''),
    code("Markdown(sr.figure_caption(report))"),
    md("## Survival at landmark times\n\n"
       "The proportion of patients alive at fixed times after the diagnosis (the `landmarks` "
       "parameter, in days), read off the curve, with the number still at risk then. A small number at "
       "risk means a wide interval: read such estimates with care."),
    code("sr.landmark_styler(report)"),
    md("## Restricted mean survival time\n\n"
       "The restricted mean survival time (RMST) up to a fixed horizon is the average number of days "
       "a patient lived out of the first days after the diagnosis. Here the horizon is fixed at "
       "**180 days** (`lmlib.survival_report.RMST_TAU_DAYS`). Unlike the median, it uses the whole "
       "curve up to the horizon, and unlike the mean it does not depend on the single longest "
       "follow-up; it is also a sound way to compare groups whose curves cross."),
    code("Markdown(sr.rmst_text(report))"),
    md("## Follow-up\n\n"
       "How long patients were followed is part of judging a survival curve: a short follow-up can "
       "make survival look better than it is. The median follow-up is computed with the **reverse "
       "Kaplan–Meier** method (Schemper & Smith 1996), in which being censored counts as the event and a "
       "death ends follow-up: it estimates how long patients *would* have been followed had they not "
       "died, and is not shortened by early deaths. When nearly every patient died, the reverse curve "
       "never reaches 50% and the median follow-up is *not reached*: follow-up was then not what "
       "limited the estimate."),
    code("Markdown(sr.followup_text(report))"),
    md("## Comparison by group (exploratory)\n\n"
       "For each grouping in `group_by`: a Kaplan–Meier curve per group with the numbers at risk "
       "underneath; the **log-rank test**, which asks whether the curves differ more than chance would "
       "explain (it compares the deaths observed in each group with those expected if survival were "
       "the same in all); the log-rank **test for trend**, only when the codebook says the levels are "
       "ordered (`ordered: true`; otherwise the report says that it is not applicable); the median, "
       "mean and restricted mean survival and the landmark survival per group; and a **Cox proportional "
       "hazards model**, whose hazard ratio says how many times higher the risk of death is in a group than in the "
       "reference group (the first level), at any moment. The Cox model assumes that this ratio is the "
       "same throughout follow-up; the *PH test* column checks it (a small p-value means it may not "
       "be). A Cox model needs about 10 deaths per estimated coefficient (Peduzzi et al. 1995); with "
       "fewer, the model is flagged **exploratory**, because its hazard ratios may be biased and their "
       "intervals too narrow.\n\n"
       "In a series of this size these comparisons describe; they do not confirm. The groups were not "
       "randomised (a patient who refused treatment differs from one who received it in more ways than "
       "the treatment), several groupings are tested without correction, and groups of one or two "
       "patients carry almost no information."),
    code('''\
for item in report.group_by:
    sr.show_group(report, item, out / "figures")'''),
    md("## Tables for the manuscript\n\n"
       "Every table above is written as a tidy CSV (one row per group or time, unrounded numbers and "
       "the displayed text), for the manuscript and for checking: the summary with both median "
       "conventions, landmark survival, the log-rank tests, the Cox models and the numbers at risk "
       "drawn under each figure. Figures are saved as PNG in `figures/`."),
    code("Markdown(sr.written_text(files, lang))"),
    code("appendix.show(cohort, lang)"),
    md("## Colophon\n\nVersions, input file fingerprint and parameters of this run, and the "
       "statistical-methods paragraph for the manuscript."),
    code(COLOPHON),
]


def render() -> str:
    return nbcells.render(CELLS)


def main(argv=None) -> int:
    return nbcells.main({NOTEBOOK: CELLS}, "make_survival_notebook.py", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
