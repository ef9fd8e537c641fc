"""Survival analysis: Kaplan–Meier with SPSS's and Brookmeyer–Crowley's conventions.

Modules: ``data`` (reading a duration/event/group frame), ``steps`` (the KM step table),
``spss`` (SPSS's median and mean), ``median_ci`` (Brookmeyer–Crowley, R's rules),
``landmarks`` (S at landmark times, RMST), ``followup`` (reverse KM), ``compare`` (log-rank,
trend, pairwise log-rank), ``cox`` (multivariable Cox model; its fit ``cox_fit`` and PH test
``ph_test``), ``rmst_compare`` (RMST of two groups, as survRM2), ``landmark_analysis``
(post-baseline groupings), ``risk_table`` (KMunicate counts), ``km`` (lifelines fitters),
``summary`` (the side-by-side table), ``formatting`` (text, incl. "not reached"; not imported
by the others).
The figure is :func:`lmlib.survival_plots.plot_km`.

Called, this package is the short API's ``lmlib.survival(cohort, by=..., cox=...)``
(:func:`lmlib.api.survival`: the survival section's tables and curve as the report shows them);
see :mod:`lmlib.callable_module`.
"""
from .compare import TestResult, logrank, logrank_trend, observed_expected, pairwise_logrank
from .cox import CoxResult, cox_model
from .data import DAYS_PER_MONTH, event_indicator, survival_frame
from .followup import FollowUp, median_followup
from .km import fit_km
from .landmark_analysis import LandmarkAnalysis, landmark_analysis, landmark_data, post_baseline_variables
from .landmarks import rmst, survival_at
from .median_ci import MedianCI, brookmeyer_crowley, curve_quantile, median_ci_from_steps, pointwise_band
from .risk_table import counts_at, risk_table, risk_table_wide
from .rmst_compare import RMSTComparison, default_tau, rmst_compare
from .spss import Estimate, mean_from_steps, median_from_steps, spss_mean, spss_means_medians, spss_median
from .steps import first_time_at_or_below, km_steps
from .summary import survival_summary

__all__ = [
    "CoxResult", "DAYS_PER_MONTH", "Estimate", "FollowUp", "LandmarkAnalysis", "MedianCI", "RMSTComparison",
    "TestResult", "brookmeyer_crowley", "counts_at", "cox_model", "curve_quantile", "default_tau",
    "event_indicator", "first_time_at_or_below", "fit_km", "km_steps", "landmark_analysis", "landmark_data",
    "logrank", "logrank_trend", "mean_from_steps", "median_ci_from_steps", "median_followup",
    "median_from_steps", "observed_expected", "pairwise_logrank", "pointwise_band", "post_baseline_variables",
    "risk_table", "risk_table_wide", "rmst", "rmst_compare", "spss_mean", "spss_median", "spss_means_medians",
    "survival_at", "survival_frame", "survival_summary",
]

from ..callable_module import make_callable  # noqa: E402

make_callable(__name__)  # calling this module is lmlib.api.survival (see lmlib.callable_module)
