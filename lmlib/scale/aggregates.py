"""Sufficient statistics of Tables 1 and 2 and of the Kaplan–Meier estimate, in one pass.

What is counted (:class:`Plan`, read from the codebook and the tables' layout):

* joint counts ("blocks") of coded columns: every categorical, yes/no and multi-response item
  of the tables, missing included; an item together with the column of its denominator rule
  (vital status with lost to follow-up) and a parent with its nested item (primary site with
  histology); the twelve cranial nerves as involved / not involved / missing, jointly, so the
  per-nerve counts and the CN groups (every member nerve involved) follow. A block is an
  integer array with one axis per column: position 0 = missing, 1.. = the levels in order.
* continuous variables: n, missing, min, max; value counts when every value is a whole
  number (age, days: then the mean and SD are exact integer sums and the quartiles and
  Shapiro–Wilk come from the counts, see :func:`lmlib.describe.continuous_from_counts`);
  otherwise mean and sum of squared deviations merged with Chan et al.'s pairwise update
  (numerically stable; equal to the raw rows' to rounding, bit for bit for one chunk), exact
  quartiles from the whole column (``numpy.partition``; a second pass on Dask), and the sorted
  sample while n <= 5000 for Shapiro–Wilk. Above 5000 Shapiro–Wilk is not computed and the
  row's ``shapiro_note`` says so.
* Kaplan–Meier: patients per (time, event) (:func:`lmlib.scale.km.km_counts`).

Chunks are aggregated by :func:`aggregate_chunk` and combined by :func:`merge` (adding
counts), so any partition of the rows gives the same counts. :class:`Aggregates` answers
the questions :class:`lmlib.tables.FrameCounts` answers for raw rows, so
``tables.table1(aggregates)`` lays out the same rows as ``tables.table1(data)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import math

import numpy as np
import pandas as pd

from .. import describe, tables
from ..codebook import Codebook, load_codebook
from .continuous import Continuous, continuous_chunk, merge_continuous
from .km import km_counts, merge_km_counts

BOOLEAN_LEVELS = (False, True)
INVOLVED = ":involved"  # suffix of a nerve column coded as involved (either side) or not
NOT_INVOLVED = "none"  # the nerve level meaning "not involved" (lmlib.describe.involved)
DEFAULT_KM = ("survival_days", "death")


# ------------------------------------------------------------------------------ plan

@dataclass(frozen=True)
class Plan:
    """What :func:`aggregate_chunk` counts.

    Attributes
    ----------
    levels : coded column -> its levels (categorical: the codebook's level names; yes/no and
        nerve involvement (``cn_7:involved``): ``(False, True)``).
    blocks : tuples of coded columns counted jointly (none is a subset of another).
    continuous : continuous columns.
    km : (duration, event) columns of the Kaplan–Meier counts, or None.
    """

    levels: dict[str, tuple]
    blocks: tuple[tuple[str, ...], ...]
    continuous: tuple[str, ...]
    km: tuple[str, str] | None = DEFAULT_KM

    @property
    def columns(self) -> list[str]:
        """The data columns read (nerve columns once, without the suffix)."""
        names = [source_column(c) for block in self.blocks for c in block] + list(self.continuous)
        names += list(self.km or ())
        return list(dict.fromkeys(names))


def source_column(coded: str) -> str:
    """The data column behind a coded column (``cn_7:involved`` -> ``cn_7``)."""
    return coded.removesuffix(INVOLVED)


def make_plan(codebook: Codebook | None = None, *, published: dict | None = None,
              denominators: dict | None = None, sections: tuple[str, ...] = ("table1", "table2"),
              km: tuple[str, str] | None = DEFAULT_KM) -> Plan:
    """The counts Tables 1 and 2 (``sections``) need, from the codebook and the tables' layout.

    Parameters
    ----------
    codebook : default ``data/codebook.yaml``.
    published : the paper's row order (default ``data/published.yaml``): which derived items
        the tables show.
    denominators : per-item denominator rules on top of the defaults, as for
        :func:`lmlib.tables.section_table` (the joint counts they need are planned here).
    sections : the tables.
    km : (duration, event) columns for the Kaplan–Meier counts; None for none.
    """
    codebook = codebook or load_codebook()
    published = tables.load_published() if published is None else published
    rules = tables.denominator_rules(codebook, denominators)
    levels: dict[str, tuple] = {}
    blocks: list[tuple[str, ...]] = []
    continuous: list[str] = []
    nerve = codebook.nerve_variable

    def categorical(name: str) -> str:
        levels[name] = tuple(codebook[name].level_names)
        return name

    def boolean(name: str) -> str:
        levels[name] = BOOLEAN_LEVELS
        return name

    def involvement(column: str) -> str:
        levels[column + INVOLVED] = BOOLEAN_LEVELS
        return column + INVOLVED

    for section in sections:
        for item in tables.section_items(codebook, section, published):
            kind = tables.item_kind(codebook, item)
            if kind == "continuous":
                continuous.append(item)
            elif kind == "categorical":
                blocks.append((categorical(item),))
                if item in rules:
                    blocks.append((item, boolean(rules[item])))
                for child in (v for v in codebook.variables if v.spec.get("nested_in") == item):
                    blocks.append((item, categorical(child.name)))
            elif kind == "boolean":
                blocks.append((boolean(item),))
            elif kind == "multi_response":
                var = codebook[item]
                blocks.append(tuple(boolean(var.option_column(o.name)) for o in var.options))
            elif kind in ("nerve_groups", "nerve_set") and nerve is not None:
                blocks.append(tuple(involvement(c) for c in codebook.nerve_columns))
    unique = list(dict.fromkeys(blocks))
    kept = tuple(b for b in unique if not any(set(b) < set(other) for other in unique))
    return Plan(levels, kept, tuple(dict.fromkeys(continuous)), tuple(km) if km else None)


# ------------------------------------------------------------------------------ coding

def _codes(series: pd.Series, levels: tuple, involvement: bool = False) -> np.ndarray:
    """Integer codes of ``series`` against ``levels`` (-1 = missing), as int8/int16.

    Categoricals are recoded through their categories (no per-row Python); yes/no columns
    give 0/1; a nerve column coded for involvement gives 0 for "none", 1 for any side.
    Raises ValueError for a value that is not one of the levels.
    """
    if involvement:
        if isinstance(series.dtype, pd.BooleanDtype) or series.dtype == bool:
            return _codes(series, BOOLEAN_LEVELS)
        cats = series.cat.categories if isinstance(series.dtype, pd.CategoricalDtype) else None
        if cats is None:
            series = series.astype("category")
            cats = series.cat.categories
        codes = series.cat.codes.to_numpy()
        none = [i for i, c in enumerate(cats) if str(c) == NOT_INVOLVED]
        out = (codes != (none[0] if none else -1)).astype(np.int8)  # any side (or unknown) = 1
        out[codes < 0] = -1
        return out
    if levels == BOOLEAN_LEVELS:
        if isinstance(series.dtype, pd.BooleanDtype):
            return series.to_numpy(dtype=np.int8, na_value=-1)
        if series.dtype == bool:
            return series.to_numpy().astype(np.int8)
        return pd.array(series, dtype="boolean").to_numpy(dtype=np.int8, na_value=-1)
    dtype = np.int8 if len(levels) < 127 else np.int32
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object).astype("category")
    cats = [str(c) for c in series.cat.categories]
    codes = series.cat.codes.to_numpy()
    if cats == [str(v) for v in levels]:
        return codes.astype(dtype, copy=False)
    position = {str(v): i for i, v in enumerate(levels)}
    lut = np.array([position.get(c, -2) for c in cats] + [-1], dtype=dtype)
    out = lut[codes]
    if (out == -2).any():
        unknown = sorted({cats[c] for c in np.unique(codes[out == -2])})
        raise ValueError(f"column {series.name!r} has values outside its levels: {', '.join(unknown[:5])}")
    return out


SMALL_BLOCK = 16  # cells counted with one vectorised comparison each (faster than bincount)


def _block_counts(frame: pd.DataFrame, block: tuple[str, ...], plan: Plan, cache: dict,
                  keep: set[str] = frozenset()) -> np.ndarray:
    """Joint counts of the coded columns of ``block``: a row-major cell index per row
    (``((c0 + 1) * s1 + (c1 + 1)) * s2 + ...``, in the smallest integer type that holds it,
    ``intp`` for the last step of a large block so ``bincount`` needs no copy), counted.
    A column's codes are made when first needed and kept in ``cache`` only if in ``keep``."""
    shape = tuple(len(plan.levels[c]) + 1 for c in block)
    cells = math.prod(shape)
    if cells >= 2**31:
        raise ValueError(f"block {block} has too many cells ({cells})")

    def codes(col: str) -> np.ndarray:
        if col in cache:
            return cache[col]
        made = _codes(frame[source_column(col)], plan.levels[col], col.endswith(INVOLVED))
        if col in keep:
            cache[col] = made
        return made

    key, partial = codes(block[0]).astype(np.int8), shape[0]
    key += 1
    for col, size in zip(block[1:], shape[1:]):
        partial *= size
        wider = np.int8 if partial < 2**7 else np.int16 if partial < 2**15 else np.intp
        if key.dtype != wider:  # widen only when the index outgrows the type (less memory traffic)
            key = key.astype(wider)
        key *= size
        key += codes(col)
        key += 1
    if cells <= SMALL_BLOCK:
        counts = np.array([np.count_nonzero(key == cell) for cell in range(cells)], dtype=np.int64)
    else:
        counts = np.bincount(key, minlength=cells).astype(np.int64)
    return counts.reshape(shape)


# ------------------------------------------------------------------------------ aggregates

@dataclass
class Aggregates:
    """Counts behind Tables 1 and 2 and the Kaplan–Meier estimate (see the module docstring).

    Pass it wherever :mod:`lmlib.tables` takes the cohort (``tables.table1(aggregates)``);
    :func:`lmlib.scale.km.survival_summary_from_aggregates` gives the survival summary.

    Attributes
    ----------
    n : patients (rows).
    levels : coded column -> levels (see :class:`Plan`).
    blocks : columns -> joint counts (axis per column; 0 = missing, 1.. = the levels).
    continuous : column -> :class:`Continuous`.
    km : DataFrame ``time``, ``event``, ``count`` (patients), sorted; rows with a missing
        time or event are left out (``km_missing`` counts them), as
        :func:`lmlib.survival.survival_frame` does.
    """

    n: int
    levels: dict[str, tuple]
    blocks: dict[tuple[str, ...], np.ndarray]
    continuous: dict[str, Continuous] = field(default_factory=dict)
    km: pd.DataFrame | None = None
    km_columns: tuple[str, str] | None = None
    km_missing: int = 0

    # -- the questions lmlib.tables asks (same methods as tables.FrameCounts) --------------
    def n_patients(self) -> int:
        return self.n

    def has(self, column: str) -> bool:
        return column in self.continuous or any(column in block for block in self.blocks)

    def joint(self, *columns: str) -> np.ndarray:
        """Joint counts of ``columns`` (axes in that order), from a block holding them all."""
        for block, counts in self.blocks.items():
            if set(columns) <= set(block):
                other = tuple(i for i, c in enumerate(block) if c not in columns)
                summed = counts.sum(axis=other) if other else counts
                remaining = [c for c in block if c in columns]
                return np.transpose(summed, [remaining.index(c) for c in columns])
        raise KeyError(f"no counts of {columns} were aggregated; add them to the plan "
                       "(make_plan(denominators=...) for a denominator rule)")

    def continuous_summary(self, column: str) -> dict:
        return self.continuous[column].summary()

    def categorical(self, column: str, levels: list[str], exclude: str | None = None,
                    alpha: float = 0.05) -> tuple[pd.DataFrame, int | None]:
        own = self.levels[column]
        if exclude is None:
            counts, excluded = self.joint(column), None
        else:
            both = self.joint(column, exclude)  # exclude axis: missing, False, True
            counts, excluded = both[:, 0] + both[:, 1], int(both[:, 2].sum())
        observed = {str(level): int(counts[i + 1]) for i, level in enumerate(own)}
        return describe.categorical_from_counts(observed, levels, int(counts[0]), alpha=alpha), excluded

    def nested(self, parent: str, child: str, parent_level: str) -> tuple[dict[str, int], int]:
        both = self.joint(parent, child)
        row = both[[str(v) for v in self.levels[parent]].index(parent_level) + 1]
        return {str(level): int(row[i + 1]) for i, level in enumerate(self.levels[child])}, int(row[0])

    def boolean(self, column: str, alpha: float = 0.05) -> pd.DataFrame:
        missing, no, yes = (int(v) for v in self.joint(column))
        return describe.boolean_from_counts(yes, no, missing, alpha=alpha)

    def multi_response(self, columns: dict[str, str], alpha: float = 0.05) -> pd.DataFrame:
        return self._all_of({option: [col] for option, col in columns.items()}, alpha)

    def nerve_groups(self, groups: dict[str, list[str]], alpha: float = 0.05,
                     any_of: frozenset[str] = frozenset()) -> pd.DataFrame:
        return self._all_of({g: [c + INVOLVED for c in cols] for g, cols in groups.items()}, alpha, any_of)

    def nerve_set(self, columns: dict[str, str], alpha: float = 0.05) -> pd.DataFrame:
        return self._all_of({name: [col + INVOLVED] for name, col in columns.items()}, alpha)

    def _all_of(self, options: dict[str, list[str]], alpha: float, any_of=frozenset()) -> pd.DataFrame:
        """Multi-response counts where an option is "every one of its columns True" (or, for
        the options of ``any_of``, "at least one True"), in three-valued logic as
        :func:`lmlib.describe.kleene`; each option among the patients with it recorded, the
        missing row the patients with no option recorded (:func:`lmlib.describe.multi_response_counts`)."""
        columns = list(dict.fromkeys(c for cols in options.values() for c in cols))
        counts = self.joint(*columns)  # axis per column: 0 = missing, 1 = False, 2 = True
        grids = np.ix_(*[np.arange(3)] * len(columns))
        state = {c: np.broadcast_to(grids[i], counts.shape) for i, c in enumerate(columns)}
        yes, recorded, none_recorded = {}, {}, np.ones(counts.shape, dtype=bool)
        for option, cols in options.items():
            true = np.logical_and.reduce([state[c] == 2 for c in cols]) if option not in any_of else \
                np.logical_or.reduce([state[c] == 2 for c in cols])
            false = np.logical_or.reduce([state[c] == 1 for c in cols]) if option not in any_of else \
                np.logical_and.reduce([state[c] == 1 for c in cols])
            yes[option] = int(counts[true].sum())
            recorded[option] = int(counts[true | false].sum())
            none_recorded &= ~(true | false)
        return describe.multi_response_from_counts(yes, recorded, int(counts[none_recorded].sum()),
                                                   int(counts.sum()), alpha=alpha)

    # -- comparison --------------------------------------------------------------------------
    def equals(self, other: "Aggregates") -> bool:
        """True when every count, continuous statistic and KM count is the same (exactly)."""
        if (self.n, self.levels, self.km_columns, self.km_missing) != \
                (other.n, other.levels, other.km_columns, other.km_missing):
            return False
        if self.blocks.keys() != other.blocks.keys() or self.continuous.keys() != other.continuous.keys():
            return False
        if not all(np.array_equal(self.blocks[k], other.blocks[k]) for k in self.blocks):
            return False
        if not all(_same_continuous(self.continuous[k], other.continuous[k]) for k in self.continuous):
            return False
        if (self.km is None) != (other.km is None):
            return False
        return self.km is None or self.km.reset_index(drop=True).equals(other.km.reset_index(drop=True))


def _same_continuous(a: Continuous, b: Continuous) -> bool:
    same = (a.n, a.missing, a.integer) == (b.n, b.missing, b.integer)
    same &= np.array_equal([a.minimum, a.maximum], [b.minimum, b.maximum], equal_nan=True)
    if a.integer:
        return same and np.array_equal(a.values, b.values) and np.array_equal(a.counts, b.counts)
    return same and a.quantiles == b.quantiles and np.allclose([a.mean, a.m2], [b.mean, b.m2], rtol=1e-12, atol=0)


def aggregate_chunk(frame: pd.DataFrame, plan: Plan, *, whole: bool = False) -> Aggregates:
    """The counts of one chunk of rows (a DataFrame in the cleaned schema).

    Columns of the plan that ``frame`` lacks are left out (as the tables leave out a
    denominator rule whose column is absent). ``whole=True`` marks the chunk as all the data,
    so exact quartiles of non-integer columns are computed too.
    """
    cache: dict[str, np.ndarray] = {}  # codes of a column that a later block needs again
    blocks = {}
    levels = {}
    todo = [tuple(c for c in block if source_column(c) in frame) for block in plan.blocks]
    for i, present in enumerate(todo):
        if present:
            later = {c for block in todo[i + 1:] for c in block}
            blocks[present] = _block_counts(frame, present, plan, cache, later)
            levels.update({c: plan.levels[c] for c in present})
            for col in [c for c in cache if c not in later]:
                del cache[col]
    continuous = {c: continuous_chunk(frame[c], whole) for c in plan.continuous if c in frame}
    km, km_missing, km_cols = None, 0, None
    if plan.km and all(c in frame for c in plan.km):
        km_cols = plan.km
        km, km_missing = km_counts(frame[plan.km[0]], frame[plan.km[1]])
    return Aggregates(len(frame), levels, blocks, continuous, km, km_cols, km_missing)


def merge(*parts: Aggregates) -> Aggregates:
    """Chunks' aggregates as one: counts added, continuous statistics merged (the quartiles of
    a non-integer column are then unknown until a second pass; see :func:`aggregate`)."""
    if not parts:
        raise ValueError("nothing to merge")
    out = parts[0]
    for part in parts[1:]:
        if out.levels != part.levels or out.blocks.keys() != part.blocks.keys() or out.km_columns != part.km_columns:
            raise ValueError("aggregates of different plans or columns cannot be merged")
        blocks = {k: out.blocks[k] + part.blocks[k] for k in out.blocks}
        continuous = {k: merge_continuous(out.continuous[k], part.continuous[k]) for k in out.continuous}
        km = None if out.km is None else merge_km_counts([out.km, part.km])
        out = Aggregates(out.n + part.n, dict(out.levels), blocks, continuous, km, out.km_columns,
                         out.km_missing + part.km_missing)
    return out


def table1_from_aggregates(aggregates: Aggregates, codebook: Codebook | None = None, **kwargs) -> pd.DataFrame:
    """Table 1 from aggregates: :func:`lmlib.tables.table1` with the counts as its source."""
    return tables.table1(aggregates, codebook, **kwargs)


def table2_from_aggregates(aggregates: Aggregates, codebook: Codebook | None = None, **kwargs) -> pd.DataFrame:
    """Table 2 from aggregates: :func:`lmlib.tables.table2` with the counts as its source."""
    return tables.table2(aggregates, codebook, **kwargs)
