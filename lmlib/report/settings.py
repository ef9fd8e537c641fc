"""The settings of ``make report`` (``DATA=``, ``DECIMALS=``, ...): one registry of what each
means, its default and its check.

Make never pastes a setting into a shell line: it exports each one's literal text (``$(value
NAME)``) as the environment variable ``LM_<NAME>`` and runs ``python -m lmlib.report build
--from-environment``, which reads them here. A file name with quotes, ``;``, ``$(...)``,
backticks or spaces is therefore just a name, and every setting is checked before anything is
read or written: a refused build changes nothing.

Adding a setting: one :class:`Setting` in :data:`SETTINGS`, its name in the Makefile's
``REPORT_SETTINGS`` with the same default (a test keeps the two in agreement), and a line in
the README.
"""
from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import os
from pathlib import Path
import re
from typing import Callable, Mapping

from ..problems import PAPER_DATA_CUT

ENV_PREFIX = "LM_"


class SettingsError(ValueError):
    """One or more settings are not valid; the message lists each with what was expected."""


@dataclass(frozen=True)
class Setting:
    """One ``make report`` setting.

    ``parse`` turns the literal text into the value (raising ValueError whose text says what
    was expected); ``parameter`` is the notebooks' parameter it sets, if any.
    """

    name: str
    default: str
    help: str
    parse: Callable[[str], object]
    parameter: str | None = None


# ------------------------------------------------------------------------------ parsers

def _text(value: str) -> str:
    return value


def _whole(low: int, high: int | None, what: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        text = value.strip()
        if not re.fullmatch(r"[0-9]+", text) or not (low <= int(text) and (high is None or int(text) <= high)):
            upper = f" to {high}" if high is not None else " or more"
            raise ValueError(f"a whole number from {low}{upper} ({what})")
        return int(text)
    return parse


def _choice(*choices: str) -> Callable[[str], str]:
    """One of ``choices`` ("" among them: nothing is allowed too)."""
    def parse(value: str) -> str:
        if value.strip() not in choices:
            named = ", ".join(c for c in choices if c)
            raise ValueError("one of " + named + (", or nothing" if "" in choices else ""))
        return value.strip()
    return parse


def _date_or_empty(value: str) -> str:
    text = value.strip()
    if not text:
        return ""
    try:
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            raise ValueError
        dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("a date written yyyy-mm-dd (e.g. 2018-12-31), or nothing") from None
    return text


def _suppress_below(value: str) -> int:
    text = value.strip() or "0"
    if not re.fullmatch(r"[0-9]+", text) or int(text) == 1 or int(text) > 100:
        raise ValueError("0 (off) or a whole number from 2 to 100 (counts below it are masked)")
    return int(text)


def _existing_file_or_empty(value: str) -> str:
    if value and not Path(value).is_file():
        raise ValueError("an existing file, or nothing")
    return value


def _flag(value: str) -> bool:
    text = value.strip().lower()
    if text not in ("", "0", "1", "yes", "no", "true", "false"):
        raise ValueError("1 (on) or 0 / nothing (off)")
    return text in ("1", "yes", "true")


def _csv_in_existing_folder(value: str) -> str:
    if value and (not value.lower().endswith(".csv") or not Path(value).resolve().parent.is_dir()
                  or Path(value).is_dir()):
        raise ValueError("a .csv file name in an existing folder (it is written), or nothing")
    return value


def _sections(value: str) -> list[str]:
    from .. import config

    available = section_names(config.NOTEBOOKS_DIR)
    names = [s for s in re.split(r"[\s,]+", value.strip()) if s]
    unknown = [s for s in names if s not in available]
    if unknown:
        raise ValueError("section names among " + ", ".join(available) + " (separated by spaces or commas)")
    return names or available


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _variable_or_empty(value: str) -> str:
    text = value.strip()
    if text and not NAME.fullmatch(text):
        raise ValueError("the name of one categorical or yes/no variable of the codebook or the study file "
                         "(e.g. primary_site), or nothing")
    return text


def _variables(value: str) -> str:
    names = [n.strip() for n in re.split(r"[,;]", value) if n.strip()]
    if any(not NAME.fullmatch(n) for n in names) or (value.strip() and not names):
        raise ValueError("variable names separated by commas (e.g. age,sex,treatment), or nothing")
    return ",".join(dict.fromkeys(names))


def _days(value: str) -> str:
    names = [n.strip() for n in re.split(r"[,;\s]+", value.strip()) if n.strip()]
    try:
        days = [float(n) for n in names]
    except ValueError:
        days = [-1.0]
    if not days or any(not (0 < d < 1e6) for d in days):
        raise ValueError("days after the diagnosis separated by commas (e.g. 30,90,180)")
    return ",".join(_number(d) for d in dict.fromkeys(days))


def _day(value: str, expected: str) -> float:
    try:
        day = float(value.strip())
    except ValueError:
        day = -1.0
    if not 0 < day < 1e6:
        raise ValueError(expected)
    return day


def _positive_days(value: str) -> float:
    return _day(value, "a number of days after the diagnosis, more than 0 (e.g. 180)")


def _day_or_empty(value: str) -> str:
    if not value.strip():
        return ""
    return _number(_day(value, "one day after the diagnosis, more than 0 (e.g. 30), or nothing"))


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def section_names(folder: str | Path) -> list[str]:
    """The report sections: every ``0*_*.ipynb`` notebook of ``folder`` by name, except the
    ``00_*`` ones (notebooks for exploring, such as a start-here notebook, are not sections)."""
    return sorted(p.stem for p in Path(folder).glob("0*_*.ipynb") if not p.name.startswith("00_"))


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA", "data/synthetic/synthetic_lm_cohort.csv",
            "the cohort file (.csv, .xlsx, .sav, .parquet, or a folder of .parquet parts)", _text, "data"),
    Setting("DATA_CUT", PAPER_DATA_CUT, "data cut-off date yyyy-mm-dd (later dates are errors); empty: not given",
            _date_or_empty, "data_cut"),
    Setting("LANG_REPORT", "en", "language of the reports: en or tr", _choice("en", "tr"), "lang"),
    Setting("DECIMALS", "1", "decimal places of percentages and summaries (0-4)",
            _whole(0, 4, "decimal places"), "decimals"),
    Setting("DECIMAL_MARK", ".", "decimal mark of every number: . (as the paper) or , (a journal's decimal comma)",
            _choice(".", ","), "decimal_mark"),
    Setting("SUPPRESS_BELOW", "0", "small-cell rule: counts 1 to k-1 shown as <k (0: off)", _suppress_below,
            "suppress_below"),
    Setting("SCREENING", "", "screening log of every referred patient, for the flow diagram (empty: none)",
            _existing_file_or_empty, "screening"),
    Setting("STUDY", "", "study file: your headers, spellings, levels and variables (make study drafts one)",
            _existing_file_or_empty, "study"),
    Setting("LENIENT", "", "1: invalid cells become missing and are listed (PROBLEMS, each report's appendix) "
            "instead of stopping the build", _flag, "lenient"),
    Setting("PROBLEMS", "", "CSV file to write every problem of the input to (identifier values masked)",
            _csv_in_existing_folder),
    Setting("GROUP_BY", "", "split Tables 1 and 2 (one column per group, Overall, p) and compare survival by this "
            "categorical or yes/no variable; empty: the paper's layout", _variable_or_empty, "group_by"),
    Setting("GROUP_TESTS", "nonparametric", "continuous variables by group: nonparametric (Mann-Whitney, "
            "Kruskal-Wallis) or parametric (Welch t, ANOVA)", _choice("nonparametric", "parametric"), "group_tests"),
    Setting("ADJUST", "", "bh (Benjamini-Hochberg q-values) or holm, over the tests of each table by group and "
            "the pairwise log-rank tests (these: holm when empty)", _choice("", "bh", "holm"), "adjust"),
    Setting("SMD", "", "1: standardized mean differences (as tableone) in the tables by group", _flag, "smd"),
    Setting("MISSING_ROWS", "ifany", "Missing rows of the tables by group: ifany, always or no",
            _choice("ifany", "always", "no"), "missing_rows"),
    Setting("COX", "", "covariates of a multivariable Cox model, e.g. age,sex,treatment (empty: none)", _variables,
            "cox"),
    Setting("LANDMARKS", "30,90,180", "days at which survival is reported", _days, "landmarks"),
    Setting("TIME_UNIT", "days", "unit shown beside days in the survival section: days, weeks or months",
            _choice("days", "weeks", "months"), "time_unit"),
    Setting("RMST_TAU", "180", "horizon (days) of the restricted mean survival time, overall and between groups",
            _positive_days, "rmst_tau"),
    Setting("LANDMARK", "", "day of the landmark analysis of treatment and other post-baseline groupings "
            "(e.g. 30; empty: none)", _day_or_empty, "landmark"),
    Setting("SECTIONS", "", "sections to build, e.g. 03_survival (empty: all)", _sections),
    Setting("REPORT_JOBS", "", "sections run at once (empty: one per CPU)",
            lambda v: _whole(1, 64, "sections at once")(v) if v.strip() else 0),
)
BY_NAME = {s.name: s for s in SETTINGS}


# The settings that only some notebooks take (each passed to the notebooks whose parameters cell
# names it; an empty value keeps the notebook's own default).
ANALYSIS = ("GROUP_BY", "GROUP_TESTS", "ADJUST", "SMD", "MISSING_ROWS", "COX", "LANDMARKS", "TIME_UNIT", "RMST_TAU",
            "LANDMARK")


def analysis_parameters(values: Mapping[str, object]) -> dict[str, object]:
    """The notebook parameters of the :data:`ANALYSIS` settings among ``values`` (parsed)."""
    return {BY_NAME[name].parameter: values[name] for name in ANALYSIS if name in values}


def codebook_problems(values: Mapping[str, object], codebook) -> list[str]:
    """What is wrong with ``GROUP_BY`` and ``COX`` once the codebook (with the study file) is
    known: each line names the setting, its value and what was expected."""
    from ..compare_groups import GROUPING_TYPES
    from ..survival_report.multivariable import COVARIATE_KINDS, covariate_kind, outcome_variables
    from ..tables import item_kind

    def kind(name):
        try:
            return item_kind(codebook, name)
        except KeyError:
            return None

    outcome = outcome_variables(codebook)
    names = [n for n in dict.fromkeys([v.name for v in codebook.variables] + [d["name"] for d in codebook.derived])
             if n not in outcome]
    groupings = [n for n in names if kind(n) in GROUPING_TYPES]
    covariates = [n for n in names if kind(n) in COVARIATE_KINDS]
    bad = []
    by = values.get("GROUP_BY") or ""
    if by and (kind(by) not in GROUPING_TYPES or by in outcome):
        bad.append(f"  - GROUP_BY={_shown(str(by))}: expected a categorical or yes/no variable of the codebook or "
                   f"the study file, other than the survival outcome: {', '.join(groupings)}")
    wrong = []
    for name in [n for n in str(values.get("COX") or "").split(",") if n]:
        try:
            covariate_kind(codebook, name)
        except ValueError:
            wrong.append(name)
    if wrong:
        bad.append(f"  - COX={_shown(str(values['COX']))}: expected continuous, categorical or yes/no variables of "
                   f"the codebook or the study file other than the survival outcome, separated by commas ({', '.join(map(repr, wrong))} "
                   f"{'is' if len(wrong) == 1 else 'are'} not): {', '.join(covariates)}")
    return bad


def check_codebook(values: Mapping[str, object], codebook) -> None:
    """Raise :class:`SettingsError` when ``GROUP_BY`` or ``COX`` names no usable variable of
    ``codebook`` (checked before anything is read or written)."""
    bad = codebook_problems(values, codebook)
    if bad:
        noun = "setting is" if len(bad) == 1 else "settings are"
        raise SettingsError("\n".join([f"{len(bad)} {noun} not valid (nothing was built or changed):", *bad]))


def parse_named(pairs: Mapping[str, str]) -> dict[str, object]:
    """Some settings given by name (``{"GROUP_BY": "sex"}``, as ``--setting`` passes them), parsed;
    :class:`SettingsError` for an unknown name or a bad value (each named, all at once)."""
    values, bad = {}, []
    for name, raw in pairs.items():
        if name not in BY_NAME:
            bad.append(f"  - {name}: no such setting (settings: {', '.join(BY_NAME)})")
            continue
        try:
            values[name] = BY_NAME[name].parse(raw)
        except ValueError as exc:
            bad.append(f"  - {name}={_shown(raw)}: expected {exc}")
    _refuse(bad)
    return values


def cohort_problems(parameters: Mapping[str, object], cohort) -> list[str]:
    """What is wrong with ``group_by`` and ``cox`` (notebook parameters) in the cohort itself: a
    variable the file has no column for, or a grouping with fewer than two groups of patients."""
    data, absent = cohort.data, set(cohort.not_in_file)
    bad = []
    by = parameters.get("group_by") or ""
    if by:
        if by not in data.columns or by in absent:
            bad.append(f"GROUP_BY={by!r}: the cohort file has no column for it")
        elif data[by].dropna().nunique() < 2:
            bad.append(f"GROUP_BY={by!r}: fewer than two groups have patients (expected a variable that splits "
                       "the cohort)")
    missing = [n for n in str(parameters.get("cox") or "").split(",") if n and (n not in data.columns or n in absent)]
    if missing:
        bad.append(f"COX={parameters.get('cox')!r}: the cohort file has no column for {', '.join(map(repr, missing))}")
    return bad


def env_name(name: str) -> str:
    """The environment variable that carries a setting from Make: ``LM_<NAME>``."""
    return ENV_PREFIX + name


def read_settings(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Every setting, parsed from ``environ`` (default ``os.environ``; a missing variable takes
    the default). Raises :class:`SettingsError` naming every invalid setting, its value and
    what was expected, before anything is read or written."""
    environ = os.environ if environ is None else environ
    values, bad = {}, []
    for setting in SETTINGS:
        raw = environ.get(env_name(setting.name), setting.default)
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            bad.append(f"  - {setting.name}={_shown(raw)}: expected {exc}")
    _refuse(bad)
    return values


def _refuse(bad: list[str]) -> None:
    """Raise :class:`SettingsError` listing every invalid setting of ``bad`` (if any)."""
    if bad:
        noun = "setting is" if len(bad) == 1 else "settings are"
        raise SettingsError("\n".join([f"{len(bad)} {noun} not valid (nothing was built or changed):", *bad]))


def _shown(value: str, limit: int = 80) -> str:
    """A setting's value as the user typed it, quoted, cut to ``limit`` characters."""
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text)
