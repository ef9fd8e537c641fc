"""The data stamp (``reports/.data``): validate the input once, record it, and clear what a
killed run left behind."""
from __future__ import annotations

from pathlib import Path

from .. import config
from ..atomic import write_text
from .common import PROG, parse_data_cut, sha256_file, sha256_of


def stamp_text(data: str, codebook: str | None, data_cut: str | None, params: dict | None = None) -> str:
    """What the data stamp records: the data path, its SHA-256, the codebook's, the data cut,
    the digest of lmlib's sources (a changed cleaning rule validates the input again and
    rewrites ``data/processed``, which the sections then reuse) and the settings."""
    from ..processed import lmlib_digest

    codebook_path = Path(codebook) if codebook else config.CODEBOOK
    lines = [f"data={data}", f"data_sha256={sha256_of(Path(data))}",
             f"codebook={codebook or ''}", f"codebook_sha256={sha256_file(codebook_path)}",
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
             stamp: str | Path | None = None, params: dict | None = None, warnings_to=None) -> bool:
    """Load the cohort strictly; raise :class:`~lmlib.problems.InputError` (or its subclass
    ValidationError) with the user-readable message when it cannot be used.

    With ``stamp``: return False without loading when the stamp already records these inputs
    (it is written only after a successful validation), else validate, write the cleaned cohort
    to ``data/processed/cohort.parquet`` and the stamp (both atomically) and return True; in
    both cases, once the input is known to be good, the temporary files a killed run left in
    the stamp's folder (the reports) and in ``data/processed`` are deleted first. A failed
    validation changes nothing at all. ``warnings_to`` (a file such as ``sys.stderr``) gets the
    warnings of the load (unknown columns, columns dropped as direct identifiers), one a line.
    """
    data = str(data)
    parse_data_cut(data_cut)
    if codebook and not Path(codebook).is_file():
        from ..problems import InputError

        raise InputError(f"{codebook}: codebook not found")
    text = None
    if stamp is not None and Path(data).exists() and (not codebook or Path(codebook).is_file()):
        text = stamp_text(data, codebook and str(codebook), data_cut, params)
        if Path(stamp).is_file() and Path(stamp).read_text(encoding="utf-8") == text:
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

    cohort = load_cohort(data, codebook or None, strict=True, data_cut=data_cut or None)
    if warnings_to is not None:
        _print_warnings(cohort, warnings_to)
    if stamp is not None:  # a report build: keep the cleaned cohort (git-ignored) beside the reports
        remove_stale_temporaries(Path(stamp).parent, config.PROCESSED_DIR)
        write_processed(cohort, codebook=load_codebook(codebook or None))
        write_text(stamp, text or stamp_text(data, codebook and str(codebook), data_cut, params))
    return True


def _print_warnings(cohort, stream) -> None:
    """The load's warnings, one a line; a column that is 100% missing first, in capitals."""
    from ..cohort import _as_problems
    from ..problems import MAX_LISTED

    warnings = [p for p in _as_problems(cohort.problems) if p.severity == "warning"]
    loud = [p for p in warnings if p.rule == "all_missing"]
    for problem in loud:
        print(f"{PROG}: WARNING: 100% missing: {problem.describe()}", file=stream)
    rest = [p for p in warnings if p.rule != "all_missing"]
    for problem in rest[:MAX_LISTED]:
        print(f"{PROG}: warning: {problem.describe()}", file=stream)
    if len(rest) > MAX_LISTED:
        print(f"{PROG}: warning: ... and {len(rest) - MAX_LISTED} more", file=stream)
