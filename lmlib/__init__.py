"""lmlib: cleaning, statistics and journal tables for case series of leptomeningeal metastases.

Start here: the short API (`lmlib.api`), the same calls as ``notebooks/00_start_here.ipynb``.
Each result shows itself in JupyterLab as the HTML report shows it (caption, indents, footnotes,
language) and writes itself as the report writes its downloads:

    import lmlib
    cohort = lmlib.load("data/raw/export.xlsx", study="data/raw/export.study.yaml", data_cut="2022-12-31")
    lmlib.table1(cohort, by="primary_site", lang="tr")          # Table 1, Overall + one column per group
    lmlib.survival(cohort, by="treatment", cox=["age", "sex"])  # median survival, KM curve, Cox model
    lmlib.table1(cohort).to_docx("table1.docx")                 # .frame, .to_latex(), .to_csv(path)

| call | returns |
|---|---|
| ``load(path, study=, data_cut=, strict=)`` | `lmlib.cohort.Cohort`: rows, n, the file's SHA-256, problems |
| ``table1(cohort, by=, lang=)``, ``table2(...)`` | `lmlib.results.TableResult` |
| ``survival(cohort, by=, cox=, landmarks=)`` | `lmlib.results.SurvivalResult`: tables and the Kaplan–Meier curve |
| ``km_plot(cohort, by=)`` | `lmlib.results.FigureResult` |
| ``crosstab(cohort, by=)`` | `lmlib.results.TableResult`: findings by group, exact tests |
| ``audit(cohort)`` | `lmlib.results.TableResult`: the published numbers checked |

The conventions behind the numbers (SPSS and Brookmeyer–Crowley medians, Wilson intervals,
denominators, group tests, the Cox model and its PH test) are on their own page,
`lmlib.conventions`.

Beyond the short API, the modules by their one job:

* reading and cleaning: `lmlib.cohort` (`lmlib.cohort.load_cohort`), `lmlib.read`,
  `lmlib.clean`, `lmlib.codebook`, `lmlib.study` (study files), `lmlib.mapping` (``make study``);
* statistics, numbers only: `lmlib.tables` (Tables 1 and 2), `lmlib.compare_groups` and
  `lmlib.group_tests` (tables by group), `lmlib.survival` (Kaplan–Meier, medians, log-rank,
  Cox), `lmlib.crosstab`, `lmlib.audit` (the paper checked), `lmlib.scale` (registry-sized data);
* presentation: `lmlib.present` (the number formatter, the text catalog, the table model
  `lmlib.present.table.DisplayTable` and its HTML, LaTeX and Word renderers), `lmlib.plots`,
  `lmlib.survival_plots`, `lmlib.export` (files);
* the reports: `lmlib.report` (``make report``), `lmlib.survival_report` (the survival section).

Importing the package is cheap: the API's functions and the submodules (``lmlib.tables``,
``lmlib.survival``, ...) load pandas, matplotlib and friends only when first used.
``lmlib.survival``, ``lmlib.crosstab`` and ``lmlib.audit`` are the modules of those statistics
and, called, the API's functions (`lmlib.callable_module`).
"""
__version__ = "0.1.0"

# name -> the module that defines it; loaded on first use (PEP 562), so `import lmlib` stays light.
_API = {
    "load": "lmlib.api", "table1": "lmlib.api", "table2": "lmlib.api", "km_plot": "lmlib.api",
    "Cohort": "lmlib.cohort", "TableResult": "lmlib.results", "SurvivalResult": "lmlib.results",
    "FigureResult": "lmlib.results",
}
_CALLABLE_MODULES = ("survival", "crosstab", "audit")  # modules that are also API functions

__all__ = ["load", "table1", "table2", "survival", "km_plot", "crosstab", "audit",
           "Cohort", "TableResult", "SurvivalResult", "FigureResult"]


def __getattr__(name: str):
    from importlib import import_module

    if name in _API:
        value = getattr(import_module(_API[name]), name)
    elif name in _CALLABLE_MODULES:
        value = import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
