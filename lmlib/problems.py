"""Problems found in an input file, and the errors that carry them to the user.

A :class:`Problem` names the file, the row (as the user sees it in a spreadsheet: the header
is row 1), the column, the value and what was expected. Loading collects every problem rather
than stopping at the first; :class:`ValidationError` carries them all, and its message is the
one clear text a user reads instead of a traceback.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Iterable

from .echo import cut  # a value as a message repeats it (lmlib.echo: also used by lmlib.identifiers)

if TYPE_CHECKING:  # pandas is imported only when a problem table is built (fast CLI start)
    import pandas as pd

PROBLEM_COLUMNS = ["severity", "file", "row", "column", "value", "expected", "rule"]
MAX_LISTED = 25  # problems spelled out in one message; the rest are counted
# Problems a study file can fix (your headers, spellings, levels): the message then says how.
STUDY_FIXES = {"missing_column", "invalid_categorical", "invalid_boolean", "invalid_multi_response",
               "inconsistent_nesting", "duplicate_column", "missing_option_column"}
STUDY_HINT = ("Headers, spellings and levels of your own can be added in a study file: `make study DATA=...` "
              "drafts one from your export, then `make report DATA=... STUDY=...` (README: 'Your own cohort').")


def describe_os_error(exc: OSError) -> str:
    """An environment fault in one line, naming the file (relative to the current folder when
    inside it) and the cause: "reports/x.html: No space left on device" (a read-only folder, a
    full disk, a missing permission)."""
    import os

    cause = (os.strerror(exc.errno) if exc.errno else exc.strerror) or cut(str(exc), 200) or type(exc).__name__
    if not exc.filename:
        return cause
    name = str(exc.filename)
    try:
        relative = os.path.relpath(name)
        name = name if relative.startswith("..") else relative
    except ValueError:  # pragma: no cover - another drive (Windows)
        pass
    return f"{name}: {cause}"


@dataclass(frozen=True)
class Problem:
    """One problem of an input file. ``row`` is None for file- or column-level problems."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    rule: str
    severity: str = "error"  # "error" stops strict loading; "warning" is reported only

    def describe(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        got = "" if self.value is None else f": value {self.value!r}"
        return f"{', '.join(where)}{got}: expected {self.expected} [{self.rule}]"


def grouped(problems: list[Problem]) -> list[list[Problem]]:
    """Problems with the same file, column, value, expectation and rule together, in first
    appearance order."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.column, p.value, p.expected, p.rule), []).append(p)
    return list(groups.values())


def describe_group(group: list[Problem]) -> str:
    """One problem as :meth:`Problem.describe`; several as one line naming their rows
    ("rows 6, 8, 22 (3 rows)")."""
    if len(group) == 1 or any(p.row is None for p in group):
        return group[0].describe() if len(group) == 1 else "; ".join(p.describe() for p in group)
    first = group[0]
    rows = [str(p.row) for p in group]
    shown = ", ".join(rows[:12]) + (", ..." if len(rows) > 12 else "")
    where = [first.file, f"rows {shown} ({len(rows)} rows)"] + ([f"column '{first.column}'"] if first.column else [])
    got = "" if first.value is None else f": value {first.value!r}"
    return f"{', '.join(where)}{got}: expected {first.expected} [{first.rule}]"


class InputError(Exception):
    """A user's input cannot be used; the message says why, in one line or a short list."""


class CodebookError(ValueError):
    """The codebook file itself (or with a study file merged in) is inconsistent."""


class ValidationError(InputError):
    """Strict loading found errors; ``problems`` holds all of them (warnings included)."""

    def __init__(self, problems: Iterable[Problem], source: str = ""):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"{source or 'input'}: {len(errors)} problem(s) must be fixed before analysis:"]
        lines += data_cut_hint(errors)
        groups = grouped(errors)  # one line for one cause: the same value in one column on many rows
        lines += [f"  - {describe_group(group)}" for group in groups[:MAX_LISTED]]
        if len(groups) > MAX_LISTED:
            rest = sum(len(g) for g in groups[MAX_LISTED:])
            lines.append(f"  ... and {rest} more (run in lenient mode to list them all)")
        if any(p.rule in STUDY_FIXES for p in errors):
            lines.append(STUDY_HINT)
        super().__init__("\n".join(lines))


PAPER_DATA_CUT = "2018-12-31"  # the source paper's (and the synthetic cohort's) data cut-off: make report's default
AFTER_CUT = "on or before the data cut-off "  # how lmlib.derive words a date after it


def data_cut_hint(errors: list[Problem]) -> list[str]:
    """One line, not one per cell, when dates are after the data cut-off: the cut-off in force,
    where it came from and how to set another; [] when none is."""
    late = [p for p in errors if p.rule == "impossible_date" and AFTER_CUT in p.expected]
    if not late:
        return []
    cut = late[0].expected.split(AFTER_CUT, 1)[1].split()[0]
    origin = ("the default of `make report` when DATA_CUT is not given: the source paper's data cut-off"
              if cut == PAPER_DATA_CUT else "the one given (DATA_CUT= of make report, data_cut= of load_cohort)")
    return [f"  {len(late)} date(s) are after the data cut-off in force, {cut} ({origin}); a date after it is "
            "refused. If your follow-up runs later, set your own cut-off: `make report DATA=... "
            "DATA_CUT=YYYY-MM-DD` (or DATA_CUT= for none), in Python `load_cohort(..., data_cut=\"YYYY-MM-DD\")`."]


@dataclass
class ProblemLog:
    """Collects problems for one file."""

    file: str
    items: list[Problem] = field(default_factory=list)

    def add(self, row, column, value, expected, rule, severity="error") -> None:
        if value is not None:  # an identifier is never repeated, a long value never whole
            from .identifiers import masked

            value = cut(masked(str(value)))
        self.items.append(Problem(self.file, row, column, value, expected, rule, severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def frame(self) -> "pd.DataFrame":
        return problems_frame(self.items)


def problems_frame(problems: Iterable[Problem]) -> "pd.DataFrame":
    """Problems as a DataFrame with the columns of :data:`PROBLEM_COLUMNS`."""
    import pandas as pd

    rows = [asdict(p) for p in problems]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    return frame.astype({"row": "Int64"})
