"""The survival section of the report (``notebooks/03_survival.ipynb``): numbers first, words later.

:func:`build` computes every number of the section once (:mod:`.numbers`: each grouping
converted once to a numeric survival frame; summaries, landmarks, log-rank tests, Cox models,
KMunicate counts as numeric frames) and returns a :class:`SurvivalReport`: those numbers seen in
a :class:`~lmlib.present.numbers.Style`. Labels, sentences, tables and figures are made from
them by :mod:`lmlib.present` (``survival``, ``survival_tables``, ``survival_figures``,
``survival_page``); ``report.with_style(lang="tr")`` shows the same numbers in Turkish without
refitting a model.

Conventions, stated where they are shown: median survival as SPSS prints it (smallest event
time with S <= 0.5, SE = Greenwood SE / kernel density, 95% CI = median ± 1.96·SE) beside
Brookmeyer–Crowley (log-log and log, R's rules); landmark survival with the log-log pointwise
CI; RMST up to :data:`RMST_TAU_DAYS`; median follow-up by reverse Kaplan–Meier; log-rank
(Mantel–Cox), the test for trend only for levels the codebook marks ``ordered: true``; a
univariable Cox model per grouping (Efron ties, Wald CI, Grambsch–Therneau PH test on ranked
time), exploratory below 10 events per coefficient (Peduzzi et al. 1995).
Beyond the log-rank test (:mod:`.group_contrasts`): pairwise log-rank tests with Holm (or BH)
adjustment for three or more groups, RMST contrasts between groups (survRM2's difference and
ratio), the landmark analysis of a grouping known only after baseline (codebook
``post_baseline``); and a multivariable Cox model of the ``cox`` covariates (:mod:`.multivariable`).
Every time is computed in days (``survival_days``); ``time_unit="weeks"`` or ``"months"`` adds
weeks (days / 7) or months (days / 30.4375) beside them. Everything is importable from here.
"""
from ..present.survival import (censoring_text, comparison_lines as comparison_text, cox_flags, followup_text,
                                headline, mean_text, rmst_text)
from ..present.survival_figures import figure_caption, km_figure
from ..present.survival_page import show_group, show_km, show_manuscript_tables, show_multivariable
from ..present.survival_tables import (cox_table as cox_styler, groups_table, landmark_table as landmark_styler,
                                       summary_table as summary_styler)
from .labels import item_label, level_key, level_label, ordered_levels
from .numbers import SurvivalNumbers, compute
from .params import (CI_TRANSFORM, DURATION, EVENT, FIRST, HR_DECIMALS, MAX_BANDS, MAX_LEVELS, OVERALL_ITEM,
                     OVERALL_LEVEL, PH_TRANSFORM, RMST_TAU_DAYS, SECTION, check_group_by, parse_names, parse_times,
                     time_units)
from .section import COUNT_COLUMNS, CSV_NAMES, SurvivalReport, build, csv_frames, write_tables

__all__ = [
    "CSV_NAMES", "RMST_TAU_DAYS", "SurvivalNumbers", "SurvivalReport", "build", "censoring_text", "comparison_text",
    "compute", "cox_flags", "cox_styler", "csv_frames", "figure_caption", "followup_text", "groups_table", "headline",
    "km_figure", "landmark_styler", "mean_text", "parse_names", "parse_times", "rmst_text", "show_group", "show_km", "show_multivariable",
    "show_manuscript_tables", "summary_styler", "time_units", "write_tables",
]
