"""The cleaned cohort on disk (``data/processed/``): written by every report build, and read
back instead of cleaning the input again when nothing it depends on changed.

``cohort.parquet`` holds the cleaned rows; ``cohort.json`` their provenance (input and codebook
SHA-256, n, data cut) and, under ``reuse``, what a later load needs to trust them: the key it
must match (input and codebook digests, data cut, a digest of lmlib's sources, the pandas,
numpy and pyarrow versions) and the load's problems and column map. ``reuse`` is written only
when the Parquet file reads back equal to the cohort, dtypes included, so a reused cohort is
the cohort a fresh load would give, and only when every input column was one the codebook
knows as an analysis variable (or a derived one): the problems and the column map name the
input's columns, and the header of a dropped identifier or unknown column (a relative's name,
say) never reaches ``data/processed/``. Such an input is cleaned by every section. The report's sections load the cohort with
``reuse_processed=True``: a registry of a million rows is cleaned once per build, not once per
section.
"""
from __future__ import annotations

from functools import lru_cache
import hashlib
import json
from pathlib import Path

from . import config
from .atomic import atomic_path, write_text
from .hashing import sha256_file

REUSE_FORMAT = 1


@lru_cache(maxsize=1)
def lmlib_digest() -> str:
    """SHA-256 of lmlib's own sources (a changed cleaning rule must not reuse old output)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def reuse_key(input_sha256: str, codebook_sha256: str, data_cut) -> dict:
    """What must match for a processed cohort to stand for a fresh load."""
    import numpy
    import pandas
    import pyarrow

    cut = None if data_cut is None else str(data_cut)[:10]
    return {"format": REUSE_FORMAT, "input_sha256": input_sha256, "codebook_sha256": codebook_sha256,
            "data_cut": cut, "lmlib": lmlib_digest(), "pandas": pandas.__version__, "numpy": numpy.__version__,
            "pyarrow": pyarrow.__version__}


def write_processed(cohort, target: str | Path | None = None, codebook=None) -> Path:
    """Write the cleaned cohort as Parquet (atomically) with a JSON side file of provenance
    (input SHA-256, codebook SHA-256, n, data cut) and, when the Parquet reads back equal and
    every input column is a known analysis variable, what :func:`read_processed` needs to
    reuse it. ``codebook``: the one the cohort was loaded with (default: the project's).
    Returns the Parquet path."""
    import pandas as pd

    from .codebook import load_codebook

    codebook = codebook or load_codebook()
    target = Path(target or config.PROCESSED_DIR / "cohort.parquet")
    meta = cohort.provenance()
    table = cohort.data.copy()
    table.attrs = {}
    index = _index_spec(table.index)
    with atomic_path(target) as tmp:
        table.to_parquet(tmp, index=True)
        back = _restore_index(pd.read_parquet(tmp), index)
    problems, columns = _records(cohort.problems), _records(cohort.columns)
    if (len(cohort.errors) == 0 and codebook.sha256 == cohort.codebook_sha256  # as a strict load
            and only_analysis_columns(cohort, codebook)
            and _identical(back, table) and _identical(_problems_frame(problems), cohort.problems)
            and _identical(_columns_frame(columns), cohort.columns)):
        # the Parquet file's own digest: the two files are written one after the other, and a
        # run killed between them must not pair this JSON with another cohort's rows
        meta["reuse"] = {"key": reuse_key(cohort.sha256, cohort.codebook_sha256, meta["data_cut"]),
                         "parquet_sha256": sha256_file(target), "index": index, "problems": problems,
                         "columns": columns}
    write_text(target.with_suffix(".json"), json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return target


def read_processed(path: str | Path, codebook, data_cut, input_sha256: str, folder: str | Path | None = None):
    """The processed cohort of ``path`` as a :class:`~lmlib.cohort.Cohort` when its recorded key
    matches this load (same input and codebook digests, data cut, lmlib sources and versions);
    else None (the caller cleans the input)."""
    import pandas as pd

    from .cohort import Cohort

    folder = Path(folder or config.PROCESSED_DIR)
    try:
        meta = json.loads((folder / "cohort.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    reuse = meta.get("reuse") or {}
    cut = None if data_cut is None else pd.Timestamp(data_cut)
    wanted = reuse_key(input_sha256, codebook.sha256, None if cut is None else cut.date().isoformat())
    if reuse.get("key") != wanted or reuse.get("parquet_sha256") != _digest(folder / "cohort.parquet"):
        return None
    try:
        data = _restore_index(pd.read_parquet(folder / "cohort.parquet"), reuse.get("index"))
    except (OSError, ValueError):
        return None
    if len(data) != meta.get("n"):
        return None
    from .coverage import not_in_file

    columns = _columns_frame(reuse["columns"])
    return Cohort(data, _problems_frame(reuse["problems"]), columns, Path(path), input_sha256, codebook.sha256, cut,
                  not_in_file=tuple(not_in_file(columns, codebook)))


def _digest(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


def only_analysis_columns(cohort, codebook) -> bool:
    """True when every input column was used as an analysis variable or is a derived one: none
    was unknown or dropped as a direct identifier."""
    from .clean import UNUSED_COLUMN

    identifiers = {v.name for v in codebook.variables if v.identifier}
    for column, used_as in zip(cohort.columns["input"], cohort.columns["used_as"]):
        if used_as in identifiers:
            return False
        if used_as == UNUSED_COLUMN and str(column).strip() not in codebook.derived_names:
            return False
    return not set(cohort.problems["rule"]) & {"unknown_column", "identifier_column"}


def _index_spec(index) -> dict | None:
    """A RangeIndex (Parquet keeps it as a plain column) as start/stop/step; None otherwise."""
    import pandas as pd

    if isinstance(index, pd.RangeIndex):
        return {"start": index.start, "stop": index.stop, "step": index.step, "name": index.name}
    return None


def _restore_index(frame, spec: dict | None):
    import pandas as pd

    if spec is not None and len(frame) == len(range(spec["start"], spec["stop"], spec["step"])):
        frame.index = pd.RangeIndex(spec["start"], spec["stop"], spec["step"], name=spec["name"])
    return frame


def _problems_frame(records: dict):
    from .problems import Problem, problems_frame

    return problems_frame([Problem(**r) for r in records["rows"]])


def _columns_frame(records: dict):
    import pandas as pd

    return pd.DataFrame(records["rows"], columns=records["columns"])


def _identical(a, b) -> bool:
    import pandas as pd

    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True, check_categorical=True, check_index_type=True,
                                      check_column_type=True, check_flags=True)
    except AssertionError:
        return False
    return True


def _records(frame) -> dict:
    """A small frame (problems, column map) as JSON: its columns and rows; missing values null."""
    rows = [{k: (None if _missing(v) else (int(v) if k == "row" else v)) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def _missing(value) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
