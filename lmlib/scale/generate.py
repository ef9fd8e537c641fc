"""Large synthetic cohorts in the cleaned schema, and Parquet parts of them.

:func:`generate_large` draws any number of patients from the 32-patient synthetic cohort (or
another cleaned cohort given as ``template``), vectorised: every column of the result has the
dtype of :attr:`lmlib.cohort.Cohort.data` (categoricals with the codebook's levels, built
from their integer codes; nullable booleans; ``survival_days`` and ``age`` whole numbers as
float; dates as ``datetime64[ns]``). Columns that belong together are drawn together from one
template patient (a "donor"), so the draws keep the template's consistency; everything else
is drawn independently per column, with the template's frequencies:

* primary site with its nested histology;
* treatment, vital status, lost to follow-up, the death flag and the survival time;
* the accompanying metastasis sites with "isolated LM";
* the twelve cranial nerves with "any CN" and the CN groups.

Survival days are the donor's times a lognormal factor (sigma :data:`DAYS_SIGMA`), rounded
to whole days, at least 1; age is the donor's age plus a whole number of years drawn
uniformly from -:data:`AGE_JITTER` to +:data:`AGE_JITTER`, kept in the codebook's range. The
LM diagnosis date is uniform over the synthetic study period and the last contact date is
that plus the survival days. Used by the benchmarks (``scripts/bench.py``) and the scale
tests; not by the statistics.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..codebook import Codebook, load_codebook

AGE_JITTER = 3  # years, uniform integer jitter around the donor's age
DAYS_SIGMA = 0.35  # lognormal sd of the factor on the donor's survival days
STUDY_START, STUDY_END = dt.date(2015, 1, 31), dt.date(2018, 4, 27)  # as lmlib.synthetic
PART_PATTERN = "part-{:05d}.parquet"
SURVIVAL_COLUMNS = ("treatment", "vital_status", "lost_to_follow_up")
DATE_COLUMNS = ("lm_diagnosis_date", "last_contact_date")


def default_template() -> pd.DataFrame:
    """The cleaned 32-patient synthetic cohort (the default template)."""
    from ..cohort import load_cohort

    return load_cohort().data


def donor_blocks(columns: list[str], codebook: Codebook) -> list[list[str]]:
    """Groups of ``columns`` drawn from one donor patient (see the module docstring); every
    other column is a block of its own. Read from the codebook's nesting and derived rules."""
    present = set(columns)
    derived = {d["rule"]: d for d in codebook.derived}
    blocks: list[list[str]] = []
    for var in codebook.variables:
        if var.spec.get("nested_in"):
            blocks.append([var.spec["nested_in"], var.name])
    survival = list(SURVIVAL_COLUMNS)
    survival += [derived[r]["name"] for r in ("event_flag", "days_between") if r in derived]
    blocks.append(survival)
    if "none_of" in derived:
        var = codebook[derived["none_of"]["from"][0]]
        blocks.append([var.option_column(o.name) for o in var.options] + [derived["none_of"]["name"]])
    nerves = list(codebook.nerve_columns)
    if "any_nerve" in derived:
        nerves.append(derived["any_nerve"]["name"])
    nerves += [g["name"] for g in codebook.cranial_nerves.get("groups", [])]
    blocks.append(nerves)
    blocks = [[c for c in block if c in present] for block in blocks]
    taken = {c for block in blocks for c in block} | set(DATE_COLUMNS) | {"patient_id"}
    blocks += [[c] for c in columns if c not in taken]
    return [block for block in blocks if block]


def _smallest_int(size: int):
    return np.int8 if size < 2**7 else np.int16 if size < 2**15 else np.int32


def _draw(series: pd.Series, donors: np.ndarray) -> pd.Series | np.ndarray:
    """``series`` at the donor positions, keeping its dtype (categoricals via their codes)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()[donors]
        return pd.Categorical.from_codes(codes, dtype=series.dtype)
    if isinstance(series.dtype, pd.BooleanDtype):
        values = series.to_numpy(dtype=bool, na_value=False)[donors]
        mask = series.isna().to_numpy()[donors]
        return pd.arrays.BooleanArray(values, mask)
    return series.to_numpy()[donors]


def _blank(values, missing: np.ndarray):
    """``values`` with the cells of ``missing`` set to missing (same dtype)."""
    if isinstance(values, pd.Categorical):
        codes = values.codes.copy()
        codes[missing] = -1
        return pd.Categorical.from_codes(codes, dtype=values.dtype)
    if isinstance(values, pd.arrays.BooleanArray):
        return pd.arrays.BooleanArray(values.to_numpy(dtype=bool, na_value=False), values.isna() | missing)
    out = np.array(values, dtype=float)
    out[missing] = np.nan
    return out


def generate_large(n: int, seed: int = 0, *, missing: float = 0.0, ids: bool = True,
                   template: pd.DataFrame | None = None, codebook: Codebook | None = None) -> pd.DataFrame:
    """``n`` synthetic patients in the cleaned cohort schema (see the module docstring).

    Parameters
    ----------
    n : number of patients (rows).
    seed : seed of the numpy Generator; the same seed gives the same frame.
    missing : probability that a cell is blank, independently per cell, in every column but
        ``patient_id`` and the dates (0: only the template's own missing values).
    ids : make ``patient_id`` (``"LM-0000001"``, object dtype, about 2 s per 1e7 rows); False
        leaves the column out.
    template : a cleaned cohort to draw from; default the bundled synthetic cohort.
    codebook : default ``data/codebook.yaml``.

    Returns
    -------
    DataFrame with the template's columns and dtypes, ``RangeIndex`` named ``row``.

    Examples
    --------
    >>> from lmlib import scale
    >>> from lmlib.cohort import load_cohort
    >>> big = scale.generate_large(1000, seed=1)
    >>> len(big), list(big.columns) == list(load_cohort().data.columns)
    (1000, True)
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if not 0.0 <= missing < 1.0:
        raise ValueError("missing must be in [0, 1)")
    template = default_template() if template is None else template
    codebook = codebook or load_codebook()
    rng = np.random.default_rng(seed)
    size = len(template)
    columns = list(template.columns)
    out: dict[str, object] = {}
    for block in donor_blocks(columns, codebook):
        donors = rng.integers(0, size, n, dtype=_smallest_int(size))
        for col in block:
            out[col] = _draw(template[col], donors)
    if "age" in out:
        low, high = _range(codebook, "age")
        jitter = rng.integers(-AGE_JITTER, AGE_JITTER + 1, n, dtype=np.int8)
        out["age"] = np.clip(out["age"] + jitter, low, high)
    if "survival_days" in out:
        factor = np.exp(rng.normal(0.0, DAYS_SIGMA, n))
        out["survival_days"] = np.maximum(1.0, np.rint(out["survival_days"] * factor))
    if missing:
        for col in list(out):
            out[col] = _blank(out[col], rng.random(n) < missing)
    if "lm_diagnosis_date" in template:
        span = (STUDY_END - STUDY_START).days
        start = np.datetime64(STUDY_START, "ns") + rng.integers(0, span + 1, n).astype("timedelta64[D]")
        out["lm_diagnosis_date"] = start.astype("datetime64[ns]")
        if "last_contact_date" in template:
            days = np.asarray(out.get("survival_days", np.zeros(n)), dtype=float)
            end = start + np.where(np.isnan(days), 0, days).astype("timedelta64[D]")
            out["last_contact_date"] = np.where(np.isnan(days), np.datetime64("NaT"), end).astype("datetime64[ns]")
    if ids and "patient_id" in template:
        out["patient_id"] = patient_ids(n)
    frame = pd.DataFrame({c: out[c] for c in columns if c in out}, index=pd.RangeIndex(n, name="row"), copy=False)
    for col in frame.columns:  # float columns the template holds as float (age, survival_days)
        if template[col].dtype != frame[col].dtype and not isinstance(template[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(template[col].dtype)
    return frame


def _range(codebook: Codebook, name: str) -> tuple[float, float]:
    try:
        low, high = codebook[name].spec.get("range") or (0, 150)
    except KeyError:
        low, high = 0, 150
    return low, high


def patient_ids(n: int, prefix: str = "LM-") -> np.ndarray:
    """``prefix`` + a zero-padded running number (1-based) for ``n`` patients, object array."""
    width = max(7, len(str(n)))
    digits = np.empty((n, len(prefix) + width), dtype=np.uint8)
    digits[:, :len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    number = np.arange(1, n + 1, dtype=np.int64)
    for k in range(width):
        digits[:, len(prefix) + width - 1 - k] = (number // 10**k) % 10 + ord("0")
    return digits.view(f"S{len(prefix) + width}").ravel().astype(f"U{len(prefix) + width}").astype(object)


# ------------------------------------------------------------------------------ Parquet

def write_parquet_parts(frame: pd.DataFrame, folder: str | Path, parts: int) -> list[Path]:
    """Write ``frame`` as ``parts`` Parquet files of consecutive rows (pyarrow), a folder a
    Dask cluster or :func:`read_parquet_parts` reads back. Earlier ``part-*.parquet`` files in
    ``folder`` are removed first (other files are left alone). Returns the paths."""
    if parts < 1:
        raise ValueError("parts must be >= 1")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.parquet"):
        old.unlink()
    bounds = np.linspace(0, len(frame), parts + 1).astype(int)
    paths = []
    for i, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
        path = folder / PART_PATTERN.format(i)
        frame.iloc[start:stop].to_parquet(path, index=False, engine="pyarrow")
        paths.append(path)
    return paths


def read_parquet_parts(folder: str | Path, columns: list[str] | None = None,
                       codebook: Codebook | None = None) -> pd.DataFrame:
    """A folder of Parquet parts as one DataFrame in the cleaned schema: categoricals get the
    codebook's levels in the codebook's order, whatever order the files' dictionaries hold.
    The Arrow table is converted column by column and freed as it goes (``self_destruct``),
    so the peak memory is about the frame's plus one column, not twice the frame's."""
    import pyarrow.parquet as pq

    table = pq.read_table(Path(folder), columns=columns)
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    return restore_schema(frame, codebook)


def restore_schema(frame: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """``frame`` with every categorical codebook variable as a Categorical of the codebook's
    levels, and nerve columns likewise (a new frame; the input is not modified)."""
    codebook = codebook or load_codebook()
    levels = {v.name: v.level_names for v in codebook.variables if v.type == "categorical"}
    nerve = codebook.nerve_variable
    if nerve is not None:
        levels.update({c: nerve.level_names for c in codebook.nerve_columns})
    out = frame.copy(deep=False)
    for col, names in levels.items():
        if col not in out:
            continue
        values = out[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            if list(values.cat.categories) == names:
                continue
            observed = set(values.cat.categories[np.unique(values.cat.codes[values.cat.codes >= 0])])
        else:
            observed = set(values.dropna().unique())
        unknown = sorted(str(v) for v in observed - set(names))
        if unknown:
            raise ValueError(f"column {col!r} has values outside the codebook's levels: {', '.join(unknown[:5])}")
        out[col] = values.cat.set_categories(names) if isinstance(values.dtype, pd.CategoricalDtype) \
            else values.astype(pd.CategoricalDtype(names))
    return out
