"""The data stamp (``reports/.data``): validate the input once, record it, and clear what a
killed run left behind."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..atomic import write_text
from ..guard import check_input_path
from .common import PROG, parse_data_cut, sha256_file, sha256_of

PATH_SETTINGS = ("screening", "problems")  # settings that are paths (recorded as lmlib.provenance shows them)


def stamp_text(data: str, codebook: str | None, data_cut: str | None, params: dict | None = None,
               study: str | None = None) -> str:
    """What the data stamp records: the data path as outputs show it (relative to the project,
    or the file name, or "withheld": :func:`lmlib.provenance.shown_path`), its SHA-256, the
    codebook's, the study file's (a changed study file validates again and rebuilds every
    report), the data cut, the digest of lmlib's sources (a changed cleaning rule validates the
    input again and rewrites ``data/processed``, which the sections then reuse) and the settings.
    Everything the reports show of the input is in it, so an unchanged stamp means unchanged
    reports; no absolute path and no identifier-like name is stored."""
    from ..processed import lmlib_digest
    from ..provenance import shown_path

    codebook_path = Path(codebook) if codebook else config.CODEBOOK
    lines = [f"data={shown_path(data)}", f"data_sha256={sha256_of(Path(data))}",
             f"codebook={shown_path(codebook or '')}", f"codebook_sha256={sha256_file(codebook_path)}",
             f"study={shown_path(study or '')}", f"study_sha256={sha256_file(Path(study)) if study else ''}",
             f"data_cut={data_cut or ''}", f"lmlib_sha256={lmlib_digest()}"]
    lines += [f"{k}={shown_path(v) if k in PATH_SETTINGS and v else v}" for k, v in sorted((params or {}).items())]
    return "\n".join(lines) + "\n"


def remove_stale_temporaries(*folders: str | Path) -> list[Path]:
    """Delete the hidden temporary files (``.<name>.<random>.tmp``, :mod:`lmlib.atomic`) that a
    killed run left in ``folders`` and their subfolders; returns what was deleted. Only one
    report build may run in a checkout at a time (two would also race for the same outputs)."""
    removed = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in folder.rglob(".*.tmp"):
            if path.is_file() and not path.is_symlink():
                try:
                    path.unlink()
                except FileNotFoundError:  # pragma: no cover - gone meanwhile
                    continue
                removed.append(path)
    return removed


@dataclass
class Validation:
    """A validated input, before anything is written: the stamp text it would record and, when
    the stamp did not already record it, the loaded cohort (strictly unless ``lenient``) or,
    for a strict load that failed, the problems (``failed``) to write to ``problems``."""

    data: str
    codebook: str | None
    data_cut: str | None
    params: dict | None
    stamp: Path | None
    text: str | None
    cohort: object = None
    warnings_to: object = None
    study: str | None = None
    lenient: bool = False
    problems: str | None = None
    require: object = None

    @property
    def changed(self) -> bool:
        return self.stamp is None or self.cohort is not None


def check(data: str | Path, codebook: str | Path | None = None, data_cut: str | None = None,
          stamp: str | Path | None = None, params: dict | None = None, warnings_to=None, *,
          study: str | Path | None = None, lenient: bool = False, problems: str | Path | None = None,
          require=None) -> Validation:
    """The reading half of :func:`validate`: check the inputs and the outputs named by the
    user (``problems`` may not be an input), load the cohort (unless the stamp already records
    it) and check the settings against it (``require``), writing nothing but, when a strict load
    fails, ``problems``; raise InputError when the input cannot be used."""
    from ..guard import check_outputs

    data = str(data)
    study = str(study) if study else None
    problems = str(problems) if problems else None
    check_input_path(data)  # before it is hashed: a FIFO or /dev/zero would never end
    if study:
        check_input_path(study, role="study file")
    parse_data_cut(data_cut)
    if codebook and not Path(codebook).is_file():
        from ..problems import InputError

        raise InputError(f"{codebook}: codebook not found")
    screening = (params or {}).get("screening") or None
    check_outputs([data, codebook, study, screening], [problems])
    recorded = {**(params or {}), "lenient": bool(lenient), "problems": problems or ""}
    result = Validation(data, codebook and str(codebook), data_cut, recorded, stamp and Path(stamp), None,
                        warnings_to=warnings_to, study=study, lenient=bool(lenient), problems=problems,
                        require=require)
    if stamp is not None:
        result.text = stamp_text(data, result.codebook, data_cut, recorded, study)
        if _recorded(result) and (not problems or Path(problems).is_file()):
            return result
    if params and "suppress_below" in params:  # after the stamp check: a recorded k was valid
        from ..problems import InputError
        from ..suppress import check_k

        try:
            check_k(params["suppress_below"])
        except ValueError as exc:
            raise InputError(f"SUPPRESS_BELOW: {exc}") from None
    _load(result)
    return result


def _recorded(result: Validation) -> bool:
    return result.stamp.is_file() and result.stamp.read_text(encoding="utf-8") == result.text


def _load(result: Validation) -> None:
    """Load the cohort into ``result``; a strict load that fails writes its problems to
    ``result.problems`` (the one file a failed validation writes) and raises."""
    from ..codebook import load_codebook
    from ..cohort import load_cohort
    from ..problems import ValidationError

    codebook = load_codebook(result.codebook or None, study=result.study)
    try:
        result.cohort = load_cohort(result.data, codebook, strict=not result.lenient,
                                    data_cut=result.data_cut or None)
    except ValidationError as exc:
        if result.problems:
            write_problems(result.problems, exc.problems)
        raise
    if result.require is not None:
        result.require(result.cohort)
    if result.warnings_to is not None:
        _print_warnings(result.cohort, result.warnings_to)


def commit(result: Validation) -> bool:
    """The writing half of :func:`validate`, to be called holding the build lock
    (:func:`lmlib.report.lock.build_lock`): delete the temporary files a killed run left in the
    stamp's folder and in ``data/processed``, then, when the stamp does not record this input
    (checked again: another build may have run meanwhile), write the cleaned cohort to
    ``data/processed/``, the problems CSV (when asked for) and the stamp (atomically). Returns
    True when they were written."""
    if result.stamp is None:
        if result.problems and result.cohort is not None:
            write_problems(result.problems, result.cohort.problems)
        return True
    remove_stale_temporaries(result.stamp.parent, config.PROCESSED_DIR)
    if _recorded(result) and (not result.problems or Path(result.problems).is_file()):
        return False
    from ..codebook import load_codebook
    from ..cohort import write_processed

    if result.cohort is None:
        _load(result)
    if result.problems:
        write_problems(result.problems, result.cohort.problems)
    write_processed(result.cohort, codebook=load_codebook(result.codebook or None, study=result.study))
    write_text(result.stamp, result.text)
    return True


def validate(data: str | Path, codebook: str | Path | None = None, data_cut: str | None = None,
             stamp: str | Path | None = None, params: dict | None = None, warnings_to=None, *,
             study: str | Path | None = None, lenient: bool = False, problems: str | Path | None = None,
             require=None) -> bool:
    """Load the cohort (strictly unless ``lenient``); raise :class:`~lmlib.problems.InputError`
    (or its subclass ValidationError) with the user-readable message when it cannot be used.

    With ``stamp``: return False without loading when the stamp already records these inputs
    (it is written only after a successful validation), else validate, write the cleaned cohort
    to ``data/processed/cohort.parquet`` and the stamp (both atomically) and return True; in
    both cases, once the input is known to be good, the build lock of the stamp's folder is
    taken and the temporary files a killed run left in that folder (the reports) and in
    ``data/processed`` are deleted first. A failed validation changes nothing at all (not even
    a folder is made) but ``problems``. ``warnings_to`` (a file such as ``sys.stderr``) gets
    the warnings of the load (unknown columns, columns dropped as direct identifiers, 100%-missing
    columns and yes/no columns with only "yes" recorded first), one a line. ``study``: a study
    file merged into the codebook (:mod:`lmlib.study`). ``lenient``: invalid cells become missing
    (each report lists the problems in an appendix). ``problems``: a CSV file that gets every
    problem found (identifier-looking values masked, formulas neutralised:
    :func:`lmlib.export.write_csv`), also when strict loading fails; it may not be an input.
    ``require(cohort)``: a check of the settings against the loaded cohort, raising InputError
    before anything is written.
    """
    result = check(data, codebook, data_cut, stamp, params, warnings_to, study=study, lenient=lenient,
                   problems=problems, require=require)
    if stamp is None:
        return commit(result)
    from .lock import build_lock

    with build_lock(Path(stamp).parent, echo=warnings_to):
        return commit(result)


def write_problems(path: str | Path, problems) -> Path:
    """Every problem (a list of :class:`~lmlib.problems.Problem` or their frame) as a CSV file,
    written atomically; values that look like direct identifiers are already masked by the load."""
    from ..export import write_csv
    from ..problems import problems_frame

    frame = problems if hasattr(problems, "columns") else problems_frame(problems)
    return write_csv(frame, path)


def _print_warnings(cohort, stream) -> None:
    """The load's warnings, one a line; a column that is 100% missing first, in capitals."""
    from ..cohort import _as_problems
    from ..problems import MAX_LISTED, data_cut_hint

    problems = _as_problems(cohort.problems)
    for line in data_cut_hint([p for p in problems if p.severity == "error"]):  # lenient: dates left out
        print(f"{PROG}: WARNING: {line.strip()}", file=stream)
    warnings = [p for p in problems if p.severity == "warning"]
    loud = {"all_missing": "100% missing", "only_yes": "only 'yes' recorded"}  # said first, in capitals
    for rule, title in loud.items():
        for problem in (p for p in warnings if p.rule == rule):
            print(f"{PROG}: WARNING: {title}: {problem.describe()}", file=stream)
    rest = [p for p in warnings if p.rule not in loud]
    for problem in rest[:MAX_LISTED]:
        print(f"{PROG}: warning: {problem.describe()}", file=stream)
    if len(rest) > MAX_LISTED:
        print(f"{PROG}: warning: ... and {len(rest) - MAX_LISTED} more", file=stream)
