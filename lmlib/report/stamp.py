"""The data stamp (``reports/.data``): validate the input once, record it, and clear what a
killed run left behind."""
from __future__ import annotations

from pathlib import Path

from .. import config
from ..atomic import write_text
from .common import PROG, parse_data_cut, sha256_file, sha256_of


def stamp_text(data: str, codebook: str | None, data_cut: str | None, params: dict | None = None,
               study: str | None = None) -> str:
    """What the data stamp records: the data path, its SHA-256, the codebook's, the study
    file's (a changed study file validates again and rebuilds every report), the data cut,
    the digest of lmlib's sources (a changed cleaning rule validates the input again and
    rewrites ``data/processed``, which the sections then reuse) and the settings."""
    from ..processed import lmlib_digest

    codebook_path = Path(codebook) if codebook else config.CODEBOOK
    lines = [f"data={data}", f"data_sha256={sha256_of(Path(data))}",
             f"codebook={codebook or ''}", f"codebook_sha256={sha256_file(codebook_path)}",
             f"study={study or ''}", f"study_sha256={sha256_file(Path(study)) if study else ''}",
             f"data_cut={data_cut or ''}", f"lmlib_sha256={lmlib_digest()}"]
    lines += [f"{k}={v}" for k, v in sorted((params or {}).items())]
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


def validate(data: str | Path, codebook: str | Path | None = None, data_cut: str | None = None,
             stamp: str | Path | None = None, params: dict | None = None, warnings_to=None, *,
             study: str | Path | None = None, lenient: bool = False, problems: str | Path | None = None,
             require=None) -> bool:
    """Load the cohort (strictly unless ``lenient``); raise :class:`~lmlib.problems.InputError`
    (or its subclass ValidationError) with the user-readable message when it cannot be used.

    With ``stamp``: return False without loading when the stamp already records these inputs
    (it is written only after a successful validation), else validate, write the cleaned cohort
    to ``data/processed/cohort.parquet`` and the stamp (both atomically) and return True; in
    both cases, once the input is known to be good, the temporary files a killed run left in
    the stamp's folder (the reports) and in ``data/processed`` are deleted first. A failed
    validation changes nothing at all (but ``problems``). ``warnings_to`` (a file such as
    ``sys.stderr``) gets the warnings of the load (unknown columns, columns dropped as direct
    identifiers, 100%-missing columns and yes/no columns with only "yes" recorded first), one a line. ``study``: a study file merged into
    the codebook (:mod:`lmlib.study`). ``lenient``: invalid cells become missing (each report
    lists the problems in an appendix). ``problems``: a CSV file that gets every problem found
    (identifier-looking values masked), also when strict loading fails. ``require(cohort)``: a
    check of the settings against the loaded cohort, raising InputError before anything is written.
    """
    data = str(data)
    study = str(study) if study else None
    parse_data_cut(data_cut)
    if codebook and not Path(codebook).is_file():
        from ..problems import InputError

        raise InputError(f"{codebook}: codebook not found")
    text = None
    recorded = {**(params or {}), "lenient": bool(lenient), "problems": str(problems or "")}
    if stamp is not None and Path(data).exists() and (not codebook or Path(codebook).is_file()) \
            and (not study or Path(study).is_file()):
        text = stamp_text(data, codebook and str(codebook), data_cut, recorded, study)
        fresh = not problems or Path(problems).is_file()
        if fresh and Path(stamp).is_file() and Path(stamp).read_text(encoding="utf-8") == text:
            remove_stale_temporaries(Path(stamp).parent, config.PROCESSED_DIR)
            return False
    if params and "suppress_below" in params:  # after the stamp check: a recorded k was valid
        from ..problems import InputError
        from ..suppress import check_k

        try:
            check_k(params["suppress_below"])
        except ValueError as exc:
            raise InputError(f"SUPPRESS_BELOW: {exc}") from None
    from ..codebook import load_codebook
    from ..cohort import load_cohort, write_processed
    from ..problems import ValidationError

    cb = load_codebook(codebook or None, study=study)
    try:
        cohort = load_cohort(data, cb, strict=not lenient, data_cut=data_cut or None)
    except ValidationError as exc:
        if problems:
            write_problems(problems, exc.problems)
        raise
    if require is not None:
        require(cohort)
    if problems:
        write_problems(problems, cohort.problems)
    if warnings_to is not None:
        _print_warnings(cohort, warnings_to)
    if stamp is not None:  # a report build: keep the cleaned cohort (git-ignored) beside the reports
        remove_stale_temporaries(Path(stamp).parent, config.PROCESSED_DIR)
        write_processed(cohort, codebook=cb)
        write_text(stamp, text or stamp_text(data, codebook and str(codebook), data_cut, recorded, study))
    return True


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
