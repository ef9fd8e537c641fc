"""Load a cohort file end to end: read, clean, derive, validate; and save the cleaned cohort.

``load_cohort`` is what notebooks, the command line and the tests call, so a user's file and
the bundled synthetic cohort take exactly the same path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config, provenance
from .clean import CleanResult, clean_table
from .codebook import Codebook, load_codebook
from .coverage import not_in_file
from .guard import check_input_path
from .problems import InputError, Problem, ValidationError
from .processed import read_processed, write_processed  # noqa: F401 - write_processed re-exported
from .read import read_table, sha256_of


@dataclass
class Cohort:
    """A cleaned cohort with its provenance.

    Attributes
    ----------
    data : one row per patient, canonical columns (see the codebook); index = input row number.
    problems : every problem found (severity, file, row, column, value, expected, rule).
    columns : how each input column was used.
    not_in_file : the variables, options and derived items no input column stands for
        (:func:`lmlib.coverage.not_in_file`); the tables say so instead of counting them.
    source : the input file; ``sha256`` its digest; ``codebook_sha256`` the codebook's.
    is_synthetic : True for the bundled synthetic cohort, recognised by its SHA-256 (never its name).
    codebook : the codebook it was cleaned with (the built-in one merged with the study file),
        which the tables of :mod:`lmlib.api` label and count it with.
    lang : the language it is shown in (``lmlib.load(..., lang="tr")``), and the default
        language of the tables and figures :mod:`lmlib.api` makes from it.

    In JupyterLab a cohort shows its number of patients, the file's SHA-256 and its problems as
    the report's appendix lists them (:meth:`to_html`); never a patient row.
    """

    data: pd.DataFrame
    problems: pd.DataFrame
    columns: pd.DataFrame
    source: Path
    sha256: str
    codebook_sha256: str
    data_cut: pd.Timestamp | None = None
    extra: dict = field(default_factory=dict)
    not_in_file: tuple = ()  # items with no column in the file (lmlib.coverage.not_in_file)
    codebook: Codebook | None = field(default=None, repr=False)
    lang: str = "en"

    @property
    def n(self) -> int:
        return len(self.data)

    @property
    def errors(self) -> pd.DataFrame:
        """The problems of severity "error" (warnings left out)."""
        return self.problems[self.problems["severity"] == "error"]

    @property
    def is_synthetic(self) -> bool:
        return provenance.is_synthetic(sha256=self.sha256)

    @property
    def name(self) -> str:
        """The input's file name, or "(withheld: ...)" when it looks like a direct identifier."""
        return provenance.shown_name(self.source) or provenance.WITHHELD

    def provenance(self) -> dict:
        """What outputs record of the input: its name (None when it looks like a direct
        identifier), SHA-256, the codebook's SHA-256, synthetic or not, n and the data cut."""
        return {
            "input_file": provenance.shown_name(self.source),
            "input_sha256": self.sha256,
            "codebook_sha256": self.codebook_sha256,  # of the codebook and the study file
            "synthetic": self.is_synthetic,
            "n": self.n,
            "data_cut": None if self.data_cut is None else self.data_cut.date().isoformat(),
        }

    def __repr__(self) -> str:  # never the patient rows: this text lands in executed notebooks
        label = ", synthetic" if self.is_synthetic else ""
        return f"Cohort({self.name!r}{label}: {self.n} patients, {len(self.errors)} error(s), " \
               f"{len(self.problems) - len(self.errors)} warning(s))"

    def to_html(self, lang: str | None = None) -> str:
        """n, the file's name and SHA-256, the codebook's, and the problems found, in ``lang``
        (default :attr:`lang`; :func:`lmlib.present.cohort_view.cohort_html`)."""
        from .present import Style
        from .present.cohort_view import cohort_html

        return cohort_html(self, Style(lang or self.lang))

    def _repr_html_(self) -> str:
        return self.to_html()


def load_cohort(
    path: str | Path | None = None,
    codebook: Codebook | str | Path | None = None,
    *,
    study: str | Path | None = None,
    strict: bool = True,
    data_cut: str | pd.Timestamp | None = None,
    reuse_processed: bool = False,
) -> Cohort:
    """Read and clean a cohort file (CSV, .xlsx, .sav, .parquet, or a folder of .parquet
    parts); the input is never modified.

    Parameters
    ----------
    path : the cohort file; default the bundled synthetic cohort.
    codebook : a Codebook or the path of one; default ``data/codebook.yaml``.
    study : a study file (your headers, spellings, levels and variables; :mod:`lmlib.study`)
        merged into the codebook.
    strict : raise :class:`ValidationError` listing every error (default). When False the
        rows are kept, invalid cells become missing, and the problems are in ``.problems``.
    data_cut : data cut-off date (yyyy-mm-dd); dates after it are errors.
    reuse_processed : (strict only) take the cleaned cohort from ``data/processed/`` when it was
        written from this very input, codebook, data cut and lmlib (see :mod:`lmlib.processed`)
        instead of cleaning the input again; the report's sections do, after the build's
        validation wrote it.

    Raises
    ------
    InputError : the file cannot be read as a table.
    StudyError : the study file cannot be used (every problem named by entry and key).
    ValidationError : (strict) one or more cells or columns are invalid.

    Examples
    --------
    >>> from lmlib.cohort import load_cohort
    >>> cohort = load_cohort()  # the bundled synthetic cohort
    >>> cohort.n, len(cohort.errors), cohort.is_synthetic
    (32, 0, True)
    >>> int((cohort.data["sex"] == "female").sum())  # 12 women, as the paper
    12
    """
    path = check_input_path(path or config.SYNTHETIC_COHORT)  # before hashing: a FIFO would block
    if not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook, study=study)
    elif study:
        codebook = codebook.with_study(study)
    cut = _data_cut(data_cut)
    digest = sha256_of(path)
    if reuse_processed and strict and digest:
        reused = read_processed(path, codebook, cut, digest)
        if reused is not None:
            return Cohort(reused.data, reused.problems, reused.columns, path, digest, codebook.sha256, cut,
                          not_in_file=tuple(not_in_file(reused.columns, codebook)), codebook=codebook)
    raw = read_table(path, header_keys=codebook.header_targets.keys())
    result: CleanResult = clean_table(raw, codebook, data_cut=cut)
    if strict and len(result.errors):
        raise ValidationError(_as_problems(result.problems), source=str(path))
    return Cohort(result.data, result.problems, result.columns, path, digest, codebook.sha256, cut,
                  not_in_file=tuple(not_in_file(result.columns, codebook)), codebook=codebook)


def _data_cut(data_cut) -> pd.Timestamp | None:
    """The data cut-off as a Timestamp (None when not given); InputError unless a date."""
    if data_cut is None or (isinstance(data_cut, str) and not data_cut.strip()):
        return None
    if isinstance(data_cut, str):
        from .report.common import parse_data_cut

        return pd.Timestamp(parse_data_cut(data_cut.strip()))
    try:
        return pd.Timestamp(data_cut)
    except (TypeError, ValueError):
        raise InputError(f"data cut-off {data_cut!r}: expected a date written yyyy-mm-dd") from None


def load_screening(path: str | Path | None = None, codebook: Codebook | None = None, *, strict: bool = True) -> CleanResult:
    """Read and clean a screening log (every referred patient, with inclusion and reason)."""
    path = Path(path or config.SYNTHETIC_SCREENING)
    codebook = codebook or load_codebook()
    raw = read_table(path, header_keys=codebook.screening_header_targets.keys())
    result = clean_table(raw, codebook, table="screening")
    if strict and len(result.errors):
        raise ValidationError(_as_problems(result.problems), source=str(path))
    return result


def _as_problems(frame: pd.DataFrame) -> list[Problem]:
    return [
        Problem(r.file, None if pd.isna(r.row) else int(r.row), r.column, r.value, r.expected, r.rule, r.severity)
        for r in frame.itertuples(index=False)
    ]
