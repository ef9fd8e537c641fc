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
    def parse(value: str) -> str:
        if value.strip() not in choices:
            raise ValueError("one of " + ", ".join(choices))
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
    Setting("SECTIONS", "", "sections to build, e.g. 03_survival (empty: all)", _sections),
    Setting("REPORT_JOBS", "", "sections run at once (empty: one per CPU)",
            lambda v: _whole(1, 64, "sections at once")(v) if v.strip() else 0),
)
BY_NAME = {s.name: s for s in SETTINGS}


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
    if bad:
        noun = "setting is" if len(bad) == 1 else "settings are"
        raise SettingsError("\n".join([f"{len(bad)} {noun} not valid (nothing was built or changed):", *bad]))
    return values


def _shown(value: str, limit: int = 80) -> str:
    """A setting's value as the user typed it, quoted, cut to ``limit`` characters."""
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text)
