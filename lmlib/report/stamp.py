"""The data stamp (``reports/.data``): validate the input once, record it, and clear what a
killed run left behind."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..atomic import write_text
from ..guard import check_input_path
from .common import PROG, parse_data_cut, sha256_file, sha256_of

PATH_SETTINGS = ("screening",)  # settings that are paths (recorded as lmlib.provenance shows them)


def stamp_text(data: str, codebook: str | None, data_cut: str | None, params: dict | None = None) -> str:
    """What the data stamp records: the data path as outputs show it (relative to the project,
    or the file name, or "withheld": :func:`lmlib.provenance.shown_path`), its SHA-256, the
    codebook's, the data cut, the digest of lmlib's sources (a changed cleaning rule validates
    the input again and rewrites ``data/processed``, which the sections then reuse) and the
    settings. Everything the reports show of the input is in it, so an unchanged stamp means
    unchanged reports; no absolute path and no identifier-like name is stored."""
    from ..processed import lmlib_digest
    from ..provenance import shown_path

    codebook_path = Path(codebook) if codebook else config.CODEBOOK
    lines = [f"data={shown_path(data)}", f"data_sha256={sha256_of(Path(data))}",
             f"codebook={shown_path(codebook or '')}", f"codebook_sha256={sha256_file(codebook_path)}",
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
    the stamp did not already record it, the strictly loaded cohort."""

    data: str
    codebook: str | None
    data_cut: str | None
    params: dict | None
    stamp: Path | None
    text: str | None
    cohort: object = None
    warnings_to: object = None

    @property
    def changed(self) -> bool:
        return self.stamp is None or self.cohort is not None


def check(data: str | Path, codebook: str | Path | None = None, data_cut: str | None = None,
          stamp: str | Path | None = None, params: dict | None = None, warnings_to=None) -> Validation:
    """The reading half of :func:`validate`: check the input and load it strictly (unless the
    stamp already records it), writing nothing; raise InputError when it cannot be used."""
    data = str(data)
    check_input_path(data)  # before it is hashed: a FIFO or /dev/zero would never end
    parse_data_cut(data_cut)
    if codebook and not Path(codebook).is_file():
        from ..problems import InputError

        raise InputError(f"{codebook}: codebook not found")
    result = Validation(data, codebook and str(codebook), data_cut, params, stamp and Path(stamp), None,
                        warnings_to=warnings_to)
    if stamp is not None:
        result.text = stamp_text(data, result.codebook, data_cut, params)
        if _recorded(result):
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
    from ..cohort import load_cohort

    result.cohort = load_cohort(result.data, result.codebook, strict=True, data_cut=result.data_cut or None)
    if result.warnings_to is not None:
        _print_warnings(result.cohort, result.warnings_to)


def commit(result: Validation) -> bool:
    """The writing half of :func:`validate`, to be called holding the build lock
    (:func:`lmlib.report.lock.build_lock`): delete the temporary files a killed run left in the
    stamp's folder and in ``data/processed``, then, when the stamp does not record this input
    (checked again: another build may have run meanwhile), write the cleaned cohort to
    ``data/processed/`` and the stamp (atomically). Returns True when they were written."""
    if result.stamp is None:
        return True
    remove_stale_temporaries(result.stamp.parent, config.PROCESSED_DIR)
    if _recorded(result):
        return False
    from ..codebook import load_codebook
    from ..cohort import write_processed

    if result.cohort is None:
        _load(result)
    write_processed(result.cohort, codebook=load_codebook(result.codebook or None))
    write_text(result.stamp, result.text)
    return True


def validate(data: str | Path, codebook: str | Path | None = None, data_cut: str | None = None,
             stamp: str | Path | None = None, params: dict | None = None, warnings_to=None) -> bool:
    """Load the cohort strictly; raise :class:`~lmlib.problems.InputError` (or its subclass
    ValidationError) with the user-readable message when it cannot be used.

    With ``stamp``: return False without loading when the stamp already records these inputs
    (it is written only after a successful validation), else validate, write the cleaned cohort
    to ``data/processed/cohort.parquet`` and the stamp (both atomically) and return True; in
    both cases, once the input is known to be good, the build lock of the stamp's folder is
    taken and the temporary files a killed run left in that folder (the reports) and in
    ``data/processed`` are deleted first. A failed validation changes nothing at all (not even
    a folder is made). ``warnings_to`` (a file such as ``sys.stderr``) gets the warnings of the
    load (unknown columns, columns dropped as direct identifiers), one a line.
    """
    result = check(data, codebook, data_cut, stamp, params, warnings_to)
    if stamp is None:
        return True
    from .lock import build_lock

    with build_lock(Path(stamp).parent, echo=warnings_to):
        return commit(result)


def _print_warnings(cohort, stream) -> None:
    from ..cohort import _as_problems
    from ..problems import MAX_LISTED

    warnings = [p for p in _as_problems(cohort.problems) if p.severity == "warning"]
    for problem in warnings[:MAX_LISTED]:
        print(f"{PROG}: warning: {problem.describe()}", file=stream)
    if len(warnings) > MAX_LISTED:
        print(f"{PROG}: warning: ... and {len(warnings) - MAX_LISTED} more", file=stream)
