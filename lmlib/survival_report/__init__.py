"""The survival section of the report (``notebooks/03_survival.ipynb``): tidy tables, text, figures.

Numbers come from :mod:`lmlib.survival` and the figure from :func:`lmlib.survival_plots.plot_km`;
this package only assembles them for the notebook's parameters, labels them from the codebook
(en/tr), formats them with :mod:`lmlib.formatting` (half away from zero; "%53.1" in Turkish,
decimal point in both) and writes the CSVs atomically (:func:`lmlib.export.write_csv`).

Conventions, stated where they are shown: median survival as SPSS prints it (smallest event
time with S <= 0.5, SE = Greenwood SE / kernel density, 95% CI = median ± 1.96·SE) beside
Brookmeyer–Crowley (log-log and log, R's rules); landmark survival with the log-log pointwise
CI; RMST up to :data:`RMST_TAU_DAYS`; median follow-up by reverse Kaplan–Meier; log-rank
(Mantel–Cox), the test for trend only for levels the codebook marks ``ordered: true``; a
univariable Cox model per grouping (Efron ties, Wald CI, Grambsch–Therneau PH test on ranked
time), exploratory below 10 events per coefficient (Peduzzi et al. 1995).
Every time is computed in days (``survival_days``); ``time_unit="months"`` adds months
(days / 30.4375) beside them.

Modules, one job each: ``texts`` (the en/tr sentences and headings, :func:`text`), ``params``
(fixed conventions and the notebook's parameters), ``labels`` (codebook labels of groupings and
levels), ``tables`` (the tidy numeric tables), ``section`` (:class:`SurvivalReport`,
:func:`build`, :func:`write_tables`), ``sentences`` (the section's sentences) and ``display``
(styled tables, the KM figure, :func:`show_group`). Everything is importable from here.
"""
from .display import cox_styler, figure_caption, km_figure, landmark_styler, show_group, summary_styler
from .labels import item_label, level_key, level_label, ordered_levels
from .params import (CI_TRANSFORM, DURATION, EVENT, FIRST, HR_DECIMALS, MAX_BANDS, MAX_LEVELS, OVERALL_ITEM,
                     OVERALL_LEVEL, PH_TRANSFORM, RMST_TAU_DAYS, SECTION, check_group_by, parse_names, parse_times,
                     time_units)
from .section import COUNT_COLUMNS, CSV_NAMES, SurvivalReport, build, write_tables
from .sentences import (censoring_text, comparison_text, cox_flags, followup_text, headline, mean_text, rmst_text,
                        written_text)
from .tables import comparison_table, cox_table, figure_times, landmark_table, median_value, risk_frame, summary_table
from .texts import TEXT, text

__all__ = [
    "CSV_NAMES", "RMST_TAU_DAYS", "SurvivalReport", "build", "censoring_text", "comparison_table", "comparison_text",
    "cox_flags", "cox_styler", "cox_table", "figure_caption", "figure_times", "followup_text", "headline",
    "km_figure", "landmark_styler", "landmark_table", "mean_text", "median_value", "parse_names", "parse_times",
    "risk_frame", "rmst_text", "show_group", "summary_styler", "summary_table", "text", "time_units",
    "write_tables", "written_text",
]
