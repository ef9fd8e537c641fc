"""The survival section as one object: :class:`SurvivalReport`, the section's numbers
(:class:`~lmlib.survival_report.numbers.SurvivalNumbers`, computed once by :func:`build`) seen
in a :class:`~lmlib.present.numbers.Style` (language, decimals, decimal mark, small-cell rule);
:func:`write_tables` writes its tidy CSVs."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..export import write_csv
from ..present import survival as words
from ..present import survival_comparisons as contrasts
from ..present.numbers import Style
from ..problems import InputError
from ..suppress import blank_small, check_k, count_text
from .numbers import SurvivalNumbers, compute
from .params import RMST_TAU_DAYS, check_group_by, parse_names, parse_times, time_units


@dataclass
class SurvivalReport:
    """The survival section: its numbers and the style they are shown in.

    ``summary``, ``landmarks``, ``comparisons``, ``cox`` and ``risk`` are the numeric frames with
    labels and ``display`` text in the style's language (made on first use, from the numbers);
    :meth:`with_style` gives the same numbers in another language or format without computing
    anything again.
    """

    numbers: SurvivalNumbers = field(repr=False)
    style: Style

    def with_style(self, **changes) -> "SurvivalReport":
        """The same numbers in another style: ``report.with_style(lang="tr")`` (no model is refitted).

        Examples
        --------
        >>> from lmlib import survival_report
        >>> from lmlib.cohort import load_cohort
        >>> report = survival_report.build(load_cohort().data, group_by="")
        >>> turkish = report.with_style(lang="tr", decimal_mark=",")
        >>> turkish.numbers is report.numbers, turkish.style.lang
        (True, 'tr')
        """
        return SurvivalReport(self.numbers, self.style.but(**changes))

    # the numbers' settings, as the section's parameters
    data = property(lambda self: self.numbers.data)
    codebook = property(lambda self: self.numbers.codebook)
    units = property(lambda self: self.numbers.units)
    group_by = property(lambda self: self.numbers.group_by)
    tau_days = property(lambda self: self.numbers.tau_days)
    risk_times = property(lambda self: self.numbers.risk_times)
    lang = property(lambda self: self.style.lang)
    decimals = property(lambda self: self.style.decimals)
    suppress_below = property(lambda self: int(self.style.suppress_below or 0))

    @cached_property
    def summary(self) -> pd.DataFrame:
        return words.summary_frame(self.numbers, self.style)

    @cached_property
    def landmarks(self) -> pd.DataFrame:
        return words.landmark_frame(self.numbers, self.style)

    @cached_property
    def comparisons(self) -> pd.DataFrame:
        return words.comparison_frame(self.numbers, self.style)

    @cached_property
    def cox(self) -> pd.DataFrame:
        return words.cox_frame(self.numbers, self.style)

    @cached_property
    def risk(self) -> pd.DataFrame:
        return words.risk_frame(self.numbers, self.style)

    @cached_property
    def pairwise(self) -> pd.DataFrame:
        return contrasts.pairwise_frame(self.numbers, self.style)

    @cached_property
    def rmst(self) -> pd.DataFrame:
        return contrasts.rmst_frame(self.numbers, self.style)

    @cached_property
    def landmark_analysis(self) -> pd.DataFrame:
        return contrasts.landmark_analysis_frame(self.numbers, self.style)

    @cached_property
    def multivariable(self) -> pd.DataFrame | None:
        """The multivariable Cox model's terms as written (None without ``cox``)."""
        from ..present.cox import csv_frame

        m = self.numbers.multivariable
        return None if m is None else csv_frame(m, self.style, self.codebook)


# The count columns of each table, blanked (1 to k − 1) in the CSVs when suppression is on.
COUNT_COLUMNS = {"summary": ["n", "events", "censored"], "landmarks": ["at_risk"],
                 "comparisons": ["n", "events"], "cox": ["n", "events"], "risk": ["at_risk", "censored", "events"],
                 "pairwise": ["n"], "rmst": [], "multivariable": ["n", "n_total", "events"],
                 "landmark_analysis": ["n", "events", "n_total", "n_at_risk", "died_before", "censored_before"]}


def _n(report: SurvivalReport, x) -> str:
    """A count as the report shows it: "<k" from 1 to k − 1 under suppression, else "12"."""
    return count_text(x, report.suppress_below)


def build(data: pd.DataFrame, codebook=None, *, lang: str = "en", decimals: int = 1, time_unit: str = "days",
          landmarks: str = "30,90,180", group_by: str = "treatment,primary_site", risk_times: str = "",
          tau_days: float = RMST_TAU_DAYS, suppress_below: int = 0, decimal_mark: str = ".", cox: str = "",
          landmark: str | float = "", adjust: str = "holm") -> SurvivalReport:
    """Compute the survival section from a cleaned cohort (``survival_days``, ``death``); the
    notebook's parameters are passed as they are (strings). ``data`` is not modified.
    ``suppress_below`` = k >= 2 shows the counts from 1 to k − 1 (numbers at risk, deaths,
    censored, group sizes) as "<k" and blanks them in the CSVs (:mod:`lmlib.suppress`).
    ``tau_days``: the RMST horizon (days), of the whole cohort and of the comparisons between
    groups; ``cox``: covariates of a multivariable Cox model ("age,sex,treatment"; empty: none);
    ``landmark``: day of the landmark analysis of the groupings and covariates known only after
    baseline (empty: none); ``adjust``: ``holm`` or ``bh``, the pairwise log-rank tests.

    Raises
    ------
    InputError : a parameter cannot be used (unknown language, unit or decimal mark, a time
        that is not a number, a ``group_by`` column that is missing or not categorical, a Cox
        covariate that is not a continuous, categorical or yes/no column); the message says which.

    Examples
    --------
    >>> from lmlib import survival_report
    >>> from lmlib.cohort import load_cohort
    >>> report = survival_report.build(load_cohort().data, group_by="treatment")
    >>> overall = report.summary[(report.summary["item"] == "overall_survival") & (report.summary["unit"] == "days")]
    >>> int(overall["n"].iloc[0]), float(overall["median"].iloc[0])
    (32, 30.0)
    >>> report.with_style(lang="tr").summary["label"].iloc[0]
    'Tüm hastalar'
    """
    try:
        k = check_k(suppress_below)
        style = Style(lang, int(decimals), decimal_mark, k)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    units = time_units(time_unit)
    groups = check_group_by(data, group_by)
    times = parse_times(landmarks)
    parse_times(risk_times)
    at = parse_times(str(landmark)) if str(landmark).strip() else []
    if len(at) > 1:
        raise InputError(f"landmark: one day, not {landmark!r}")
    if adjust not in ("holm", "bh"):
        raise InputError(f"adjust must be 'holm' or 'bh', not {adjust!r}")
    if not float(tau_days) > 0:
        raise InputError(f"the RMST horizon must be a number of days > 0, not {tau_days!r}")
    numbers = compute(data, codebook, groups, units=units, landmarks_days=times, risk_times=risk_times,
                      tau_days=float(tau_days), cox=parse_names(cox), landmark=at[0] if at else None, adjust=adjust)
    return SurvivalReport(numbers, style)


CSV_NAMES = {"summary": "survival_summary.csv", "landmarks": "survival_landmarks.csv",
             "comparisons": "survival_groups.csv", "cox": "survival_cox.csv", "risk": "survival_risk_table.csv"}
# Written only when the report has them (three or more groups, a grouping, COX=, LANDMARK=).
OPTIONAL_CSV_NAMES = {"pairwise": "survival_pairwise.csv", "rmst": "survival_rmst.csv",
                      "multivariable": "survival_cox_multivariable.csv",
                      "landmark_analysis": "survival_landmark_analysis.csv"}


def csv_frames(report: SurvivalReport) -> dict[str, pd.DataFrame]:
    """The tidy tables as written (:data:`CSV_NAMES`, and those of :data:`OPTIONAL_CSV_NAMES`
    the report has): counts from 1 to k − 1 blank under suppression (:data:`COUNT_COLUMNS`)."""
    frames = {name: getattr(report, name) for name in CSV_NAMES}
    frames.update({name: frame for name in OPTIONAL_CSV_NAMES
                   if (frame := getattr(report, name)) is not None and len(frame)})
    return {name: blank_small(frame.drop(columns="time_digits", errors="ignore"), COUNT_COLUMNS[name],
                              report.suppress_below) for name, frame in frames.items()}


def csv_name(name: str) -> str:
    return {**CSV_NAMES, **OPTIONAL_CSV_NAMES}[name]


def write_tables(report: SurvivalReport, folder: str | Path) -> dict[str, Path]:
    """Write the tidy CSVs (:func:`csv_frames`) atomically into ``folder``; returns their paths."""
    folder = Path(folder)
    return {name: write_csv(frame, folder / csv_name(name)) for name, frame in csv_frames(report).items()}


def _overall(report: SurvivalReport, unit: str = "days") -> pd.Series:
    return words._overall(report, unit)
