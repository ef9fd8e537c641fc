"""The comparison benchmarks at registry scale (up to ``--comparisons-max``, default 1e6): Tables 1
and 2 by treatment with their tests (lmlib.compare_groups) against tableone's grouped Table 1
with p-values and SMDs and lmlib's ungrouped tables; the multivariable Cox model (lmlib.survival.cox,
with its likelihood-ratio and PH tests, and its fit alone) against lifelines' and statsmodels' fits alone."""
from __future__ import annotations

from pathlib import Path

from .registry import KM_COLUMNS, WARMUP_ROWS, benchmark, load_columns, measure
from .tables import TABLEONE_CATEGORICAL, tableone_benchmark

BY = "treatment"
COX_COVARIATES = ["age", "sex", "primary_site", "treatment"]


@benchmark("grouped_tables_lmlib", "comparisons", baselines=("grouped_tables_tableone", "tables_lmlib"),
           limit="comparisons_max")
def grouped_tables_lmlib(folder: Path, size: int) -> dict:
    """lmlib Tables 1 and 2 by treatment: counts per group, a test per item, SMD, BH q-values."""
    from lmlib import scale
    from lmlib.compare_groups import compare_groups

    frame, load = load_columns(folder, scale.make_plan().columns)

    def step(rows=frame):
        return [compare_groups(rows, by=BY, section=s, adjust="bh") for s in ("table1", "table2")]

    (t1, t2), out = measure(step, lambda: step(frame.iloc[:WARMUP_ROWS]))
    tests = {u: t for f in (t1, t2) for u, t in f.dropna(subset=["test_unit"]).groupby("test_unit")["test"].first().items()}
    return {**out, "load_seconds": load, "rows": int(len(t1) + len(t2)), "tests": len(tests),
            "exact_tests": sum(t.startswith(("fisher", "freeman")) for t in tests.values())}


@benchmark("grouped_tables_tableone", "comparisons", limit="tableone_max")
def grouped_tables_tableone(folder: Path, size: int) -> dict:
    """tableone's Table 1 of 13 variables by treatment, with p-values and SMDs."""
    return tableone_benchmark(folder, [c for c in TABLEONE_CATEGORICAL if c != BY], groupby=BY, pval=True, smd=True)


def _cox_design(folder: Path):
    """The complete-case design of :data:`COX_COVARIATES` (lmlib's coding) with duration and event."""
    import pandas as pd

    from lmlib.survival.cox import cox_design
    from lmlib.survival.data import survival_frame

    frame, load = load_columns(folder, KM_COLUMNS + COX_COVARIATES)
    surv = survival_frame(frame, *KM_COLUMNS)
    design = pd.concat([surv[["duration", "event"]], cox_design(frame.loc[surv.index], COX_COVARIATES)], axis=1)
    design = design.dropna()
    design["event"] = design["event"].astype(int)
    return frame, design, load


@benchmark("cox_lmlib", "comparisons", baselines=("cox_lifelines", "cox_statsmodels"), limit="comparisons_max")
def cox_lmlib(folder: Path, size: int) -> dict:
    """lmlib multivariable Cox (age, sex, primary site, treatment): Efron fit to R's precision, an
    LR test per covariate (refits), the PH test per term and global."""
    from lmlib.survival.cox import cox_model

    frame, load = load_columns(folder, KM_COLUMNS + COX_COVARIATES)

    def step(rows=frame):
        return cox_model(rows, *KM_COLUMNS, COX_COVARIATES)

    res, out = measure(step, lambda: step(frame.iloc[:WARMUP_ROWS]))
    return {**out, "load_seconds": load, "coefficients": res.n_parameters, "events": res.events,
            "iterations": res.iterations, "estimable": res.estimable}


@benchmark("cox_lmlib_fit", "comparisons", baselines=("cox_lifelines", "cox_statsmodels"), limit="comparisons_max")
def cox_lmlib_fit(folder: Path, size: int) -> dict:
    """lmlib's Efron fit alone (:func:`lmlib.survival.cox_fit.efron_fit`, to R's precision) on the
    same design as the lifelines and statsmodels fits."""
    from lmlib.survival.cox_fit import efron_fit

    _, design, load = _cox_design(folder)
    exog = design.drop(columns=["duration", "event"]).to_numpy(dtype=float)

    def step(rows=design, x=exog):
        return efron_fit(x, rows["duration"].to_numpy(), rows["event"].to_numpy(dtype=bool))

    fit, out = measure(step, lambda: step(design.iloc[:WARMUP_ROWS], exog[:WARMUP_ROWS]))
    return {**out, "load_seconds": load, "coefficients": exog.shape[1], "iterations": fit.iterations,
            "converged": fit.converged}


@benchmark("cox_lifelines", "comparisons", limit="comparisons_max")
def cox_lifelines(folder: Path, size: int) -> dict:
    """lifelines CoxPHFitter.fit (Efron, its default convergence) on the same design: the fit alone."""
    import warnings

    from lifelines import CoxPHFitter

    _, design, load = _cox_design(folder)

    def step(rows=design):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return CoxPHFitter().fit(rows, "duration", "event")

    _, out = measure(step, lambda: step(design.iloc[:WARMUP_ROWS]))
    return {**out, "load_seconds": load, "coefficients": design.shape[1] - 2}


@benchmark("cox_statsmodels", "comparisons", limit="comparisons_max")
def cox_statsmodels(folder: Path, size: int) -> dict:
    """statsmodels PHReg(ties="efron").fit on the same design: the fit alone."""
    import warnings

    from statsmodels.duration.hazard_regression import PHReg

    _, design, load = _cox_design(folder)
    exog = design.drop(columns=["duration", "event"]).to_numpy(dtype=float)

    def step(rows=design, x=exog):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return PHReg(rows["duration"].to_numpy(), x, status=rows["event"].to_numpy(dtype=float),
                         ties="efron").fit()

    _, out = measure(step, lambda: step(design.iloc[:WARMUP_ROWS], exog[:WARMUP_ROWS]))
    return {**out, "load_seconds": load, "coefficients": exog.shape[1]}
