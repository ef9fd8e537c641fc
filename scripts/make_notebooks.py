"""Write notebooks/01_descriptive.ipynb and notebooks/02_imaging.ipynb (without outputs).

The notebooks are generated so that they stay thin and identical in structure: a title, one
cell tagged ``parameters`` of plain type-hinted values, calls into lmlib, prose for a
clinician (from the text catalog, in the report's language), and the colophon. Run
``python scripts/make_notebooks.py`` after editing this file or the catalog's prose;
``--check`` exits 1 when a committed notebook differs from what this script writes (used by
the tests).
"""
from __future__ import annotations

from pathlib import Path
import sys


import nbcells  # scripts/ is on sys.path when a script runs
from nbcells import code, prose

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

PARAMETERS = '''\
data: str = ""  # cohort file (CSV, .xlsx, .sav); empty: the bundled synthetic cohort
codebook: str = ""  # codebook YAML; empty: data/codebook.yaml
output_dir: str = "reports"  # tables go to <output_dir>/tables, figures to <output_dir>/figures
lang: str = "en"  # "en" or "tr" (every word of the report, Turkish "%53.1")
decimals: int = 1  # decimals of percentages, means and SDs
decimal_mark: str = "."  # "." as the paper, or "," for a journal that asks for a decimal comma
continuous_summary: str = ""  # e.g. "age:median_iqr"; empty: mean ± SD (min–max) as the paper
data_cut: str = ""  # data cut-off date yyyy-mm-dd; empty: none
screening: str = ""  # screening log of every referred patient (flow diagram); empty: none, or the synthetic one
show_ci: bool = True  # show the Wilson 95% CI column (the exported paper layout never has it)
suppress_below: int = 0  # small-cell rule: counts 1 to k-1 shown as "<k" (e.g. 5); 0: off, as the paper
study: str = ""  # study file: your headers, spellings, levels and variables; empty: none
lenient: bool = False  # True: invalid cells become missing and are listed in the appendix
group_by: str = ""  # split the table by this categorical or yes/no variable (one column per group, p); empty: as the paper
group_tests: str = "nonparametric"  # continuous items by group: "nonparametric" (Mann-Whitney, Kruskal-Wallis) or "parametric"
adjust: str = ""  # "bh" (Benjamini-Hochberg q-values) or "holm" over the table's tests; empty: none
smd: bool = False  # add standardized mean differences (as tableone) to a table by group
missing_rows: str = "ifany"  # Missing rows of a table by group: "ifany", "always" or "no"
'''

SETUP = '''\
from lmlib import comparisons, crosstab, export, flow, plots, suppress, tables
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort, load_screening
from lmlib.present import Style, appendix, cohort_notes, crosstabs, descriptive, page

cb = load_codebook(codebook or None, study=study or None)
cohort = load_cohort(data or None, cb, data_cut=data_cut or None, strict=not lenient, reuse_processed=True)
out = export.output_dir(output_dir)
style = Style(lang, decimals, decimal_mark, suppress_below)
downloads = page.Downloads(out, style)
summary = tables.parse_summary(continuous_summary)
parameters = dict(data=data, codebook=codebook, output_dir=output_dir, lang=lang, decimals=decimals,
                  decimal_mark=decimal_mark, continuous_summary=continuous_summary, data_cut=data_cut,
                  show_ci=show_ci, screening=screening, suppress_below=suppress_below, study=study, lenient=lenient,
                  group_by=group_by, group_tests=group_tests, adjust=adjust, smd=smd, missing_rows=missing_rows)
by_group = dict(group_by=group_by, group_tests=group_tests, adjust=adjust, smd=smd, missing=missing_rows,
                summary=summary, not_in_file=cohort.not_in_file)
page.show_cohort(cohort, style)'''


def figure(name: str, number: int, table: str, items: str, draw: str, caption: str) -> str:
    """The cell of a bar figure of ``table``: drawn, written (PNG, PDF) and shown; left out when
    the file does not record its items (said under the table) or under small-cell suppression."""
    return f'''\
if not tables.has_counts({table}, {items}):
    pass  # not in this file: said under the table
elif suppress.figure_hides({table}, {items}):
    page.skip_figure(out / "figures" / "{name}.png", suppress_below, style)
else:
    fig = {draw}
    page.show_figure(fig, out / "figures", "{name}", number={number}, style=style, downloads=downloads,
                     caption={caption},
                     alt=descriptive.bars_alt({table}, {items}, style))'''


SYNTHETIC_NOTE = "page.paragraph(cohort_notes.synthetic_note(cohort, style))"  # nothing on a user's cohort
APPENDIX = 'appendix.show_appendix(cohort, style, out / "tables", downloads)'  # nothing without problems


def colophon(section: str) -> str:
    return f'''\
from lmlib.colophon import show_colophon

show_colophon(cohort, parameters=parameters, sections=["{section}"], codebook=cb)'''


DESCRIPTIVE = [
    prose("notebook.descriptive.title"),
    prose("notebook.common.parameters", tags=["remove-cell"]),  # shown in JupyterLab, not in the report
    code(PARAMETERS, tags=["parameters"]),
    code(SETUP),
    code(SYNTHETIC_NOTE),
    prose("notebook.descriptive.table1"),
    code('''\
t1 = suppress.suppress_table(tables.table1(cohort.data, cb, summary=summary, lang=lang, not_in_file=cohort.not_in_file),
                             suppress_below)
page.warnings(descriptive.notice_lines(t1, style))
table_1 = comparisons.section_table(t1, cohort.data, cb, style, show_ci=show_ci, **by_group)
page.show_table(table_1.shown)'''),
    prose("notebook.descriptive.files"),
    code('''files = page.save_table(table_1.export, out / "tables", table_1.csv, downloads)'''),
    prose("notebook.descriptive.flow"),
    code('''\
source = flow.screening_source(data, screening)
if source is None:
    page.note(style.text("report.no_flow"))
else:
    fl = flow.flow_counts(load_screening(source, cb).data, cb, lang=lang, cohort_n=cohort.n)
    flow_csv = export.write_csv(export.flow_frame(fl, style=style, suppress_below=suppress_below),
                                out / "tables" / "flow.csv")
    downloads.add("data", style.text("figure.flow").rstrip("."), {"csv": flow_csv})
    if suppress.counts_hide(fl["n"], suppress_below):
        page.skip_figure(out / "figures" / "flow.png", suppress_below, style)
    else:
        alt = style.text("figure.flow_alt", screened=style.count(flow.stage_count(fl, "screened")),
                         excluded=style.count(flow.stage_count(fl, "excluded")),
                         included=style.count(flow.stage_count(fl, "included")))
        page.show_figure(plots.flow_diagram(fl, style=style), out / "figures", "flow", number=1, style=style,
                         caption=style.text("figure.flow"), alt=alt, downloads=downloads)'''),
    prose("notebook.descriptive.symptoms"),
    code(figure("symptoms", 2, "t1", '"symptoms"', "plots.symptoms_figure(t1, style=style)",
                'style.text("figure.symptoms", n=style.count(descriptive.table_n(t1)))')),
    prose("notebook.descriptive.primary"),
    code(figure("primary_site", 3, "t1", '"primary_site"', "plots.primary_site_figure(t1, style=style)",
                'style.text("figure.primary_site", n=style.count(descriptive.table_n(t1)))')),
    code(APPENDIX),
    code("downloads.show()"),
    prose("notebook.common.colophon"),
    code(colophon("01_descriptive")),
]

IMAGING = [
    prose("notebook.imaging.title"),
    prose("notebook.common.parameters", tags=["remove-cell"]),
    code(PARAMETERS, tags=["parameters"]),
    code(SETUP),
    code(SYNTHETIC_NOTE),
    prose("notebook.imaging.table2"),
    code('''\
t2 = suppress.suppress_table(tables.table2(cohort.data, cb, summary=summary, lang=lang, not_in_file=cohort.not_in_file),
                             suppress_below)
page.warnings(descriptive.notice_lines(t2, style))
table_2 = comparisons.section_table(t2, cohort.data, cb, style, show_ci=show_ci, **by_group)
page.show_table(table_2.shown)
files = page.save_table(table_2.export, out / "tables", table_2.csv, downloads)'''),
    prose("notebook.imaging.location"),
    code(figure("location_pattern", 4, "t2", '["lm_location", "enhancement_pattern"]',
                "plots.imaging_figure(t2, style=style)",
                'style.text("figure.location_pattern", n=style.count(descriptive.table_n(t2)))')),
    prose("notebook.imaging.crosstab"),
    code('''\
xt = suppress.suppress_crosstab(crosstab.findings_by(cohort.data, cb, lang=lang, not_in_file=cohort.not_in_file),
                               suppress_below)
absent = crosstab.not_in_file_labels(cb, cohort.not_in_file, lang=lang)  # left out, named in a note
page.show_table(crosstabs.display_table(xt, style, not_in_file=absent), out / "tables",
                export.crosstab_frame(xt, style=style), downloads)'''),
    prose("notebook.imaging.upset"),
    code('''\
flags = plots.membership(cohort.data, cb, lang=lang)
if suppress.active(suppress_below):  # its bars are exact counts of small combinations
    page.skip_figure(out / "figures" / "upset.png", suppress_below, style)
elif not plots.can_upset(flags):  # nothing recorded, or one finding: no combination to show
    page.note(plots.no_upset_text(flags, style))
else:
    fig = plots.upset_figure(cohort.data, cb, style=style)
    combinations = flags.value_counts()
    alt = style.text("figure.upset_alt", k=style.count(len(combinations)), n=style.count(len(flags)),
                     largest=style.count(combinations.max()))
    page.show_figure(fig, out / "figures", "upset", number=5, style=style, downloads=downloads, alt=alt,
                     caption=plots.upset_caption(cohort.data, cb, style, cohort.not_in_file))'''),
    code(APPENDIX),
    code("downloads.show()"),
    prose("notebook.common.colophon"),
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
