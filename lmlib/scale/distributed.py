"""The aggregates of a folder of Parquet files on a Dask cluster (larger than memory).

Each partition is aggregated by :func:`lmlib.scale.aggregates.aggregate_chunk` (the pandas
path's own function) on a worker; the small results (count arrays, value counts, (time,
event) counts) are merged in a tree on the cluster and only the total comes back, so a
registry of any size gives the same :class:`~lmlib.scale.Aggregates` as the pandas path.
Non-integer continuous columns need their exact quartiles from the whole column: a second
pass selects the order statistics (:func:`order_statistics`). Dask is imported here, when
a function runs, never when ``lmlib`` is imported.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .. import describe
from ..codebook import Codebook
from .aggregates import Aggregates, Plan, aggregate_chunk, make_plan, merge

SPLIT_ORDER = 8  # merge this many partitions' aggregates per task (tree reduction)
SELECT_BINS = 1 << 16  # histogram bins per pass of the order-statistic selection
GATHER_LIMIT = 1 << 20  # values of a bin gathered to the client when it holds at most this many


def aggregate_parquet(folder: str | Path, client=None, codebook=None, *, plan: Plan | None = None,
                      **plan_options) -> Aggregates:
    """:func:`lmlib.scale.aggregate` of a folder of Parquet files, computed with Dask.

    Parameters
    ----------
    folder : a directory of Parquet files in the cleaned cohort schema (any URL fsspec reads,
        e.g. ``s3://bucket/registry/``).
    client : a ``distributed.Client``; default Dask's current scheduler (an active client, or
        the local threaded scheduler).
    codebook, plan, plan_options : as :func:`lmlib.scale.aggregate`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from lmlib import scale, tables
    >>> folder = Path(tempfile.mkdtemp())
    >>> big = scale.generate_large(2000, seed=3)
    >>> parts = scale.write_parquet_parts(big, folder, 2)  # two parts, read as one table in name order
    >>> tables.table1(scale.aggregate_parquet(folder)).equals(tables.table1(big))
    True
    """
    import dask.dataframe as dd

    plan = plan or make_plan(codebook, **plan_options)
    frame = dd.read_parquet(str(folder))
    available = [c for c in plan.columns if c in frame.columns]
    return aggregate_dask(frame[available], plan, client)


def _compute(obj, client):
    if client is not None:
        return client.compute(obj).result()
    return obj.compute()


def aggregate_dask(frame, plan: Plan, client=None) -> Aggregates:
    """The aggregates of a Dask DataFrame: per-partition :func:`aggregate_chunk`, merged in a
    tree on the scheduler; then the exact quartiles of non-integer continuous columns."""
    import dask

    parts = [dask.delayed(aggregate_chunk)(part, plan) for part in frame.to_delayed()]
    while len(parts) > 1:
        parts = [dask.delayed(merge)(*parts[i:i + SPLIT_ORDER]) for i in range(0, len(parts), SPLIT_ORDER)]
    total: Aggregates = _compute(parts[0], client)
    for column, stats in total.continuous.items():
        if not stats.integer and stats.n and stats.quantiles is None:
            n = stats.n
            ranks = _quartile_ranks(n)
            values = order_statistics(frame[column], ranks, client)
            stats.quantiles = tuple(describe.type6_quantiles(lambda k: values[k], n))
    return total


def _quartile_ranks(n: int) -> list[int]:
    ranks = set()
    for p in describe.QUARTILES:
        below = math.floor(n * p + p - 1)
        ranks |= {min(max(below, 0), n - 1), min(max(below + 1, 0), n - 1)}
    return sorted(ranks)


def _sortable(x: np.ndarray) -> np.ndarray:
    """float64 -> uint64 keys in the same order (IEEE 754 bits, sign-folded); no NaN."""
    bits = x.view(np.uint64)
    negative = (bits >> np.uint64(63)).astype(bool)
    return np.where(negative, ~bits, bits | np.uint64(1 << 63))


def _histogram(series, shift: int, prefix: int | None, prefix_shift: int):
    x = series.dropna().to_numpy(dtype=float)
    keys = _sortable(x)
    if prefix is not None:
        keys = keys[(keys >> np.uint64(prefix_shift)) == np.uint64(prefix)]
    return np.bincount(((keys >> np.uint64(shift)) & np.uint64(SELECT_BINS - 1)).astype(np.int64),
                       minlength=SELECT_BINS)


def _gather(series, prefix: int, prefix_shift: int) -> np.ndarray:
    x = series.dropna().to_numpy(dtype=float)
    return x[(_sortable(x) >> np.uint64(prefix_shift)) == np.uint64(prefix)]


def order_statistics(series, ranks: list[int], client=None) -> dict[int, float]:
    """Exact order statistics (0-based ranks among the non-missing values) of a Dask Series.

    Radix selection on the values' sortable bit patterns: each pass histograms the next 16
    bits of the values whose higher bits are already known (one pass over the data for all
    ranks), until a rank's bin holds at most :data:`GATHER_LIMIT` values, which are then
    gathered and sorted. At most four passes plus one gathering pass.
    """
    import dask

    parts = series.to_delayed()
    pending = {rank: (None, 64, 0) for rank in ranks}  # rank -> (prefix, its shift, values below it)
    ready: dict[int, tuple[int, int, int]] = {}
    while pending:
        keys = sorted({(prefix, shift) for prefix, shift, _ in pending.values()}, key=str)
        tasks = [dask.delayed(sum)([dask.delayed(_histogram)(part, shift - 16, prefix, shift) for part in parts])
                 for prefix, shift in keys]
        hists = dict(zip(keys, _compute(dask.delayed(list)(tasks), client)))
        for rank, (prefix, shift, below) in list(pending.items()):
            cumulative = np.cumsum(hists[(prefix, shift)]) + below
            b = int(np.searchsorted(cumulative, rank, side="right"))
            below = int(cumulative[b - 1]) if b else below
            inside = int(cumulative[b]) - below
            state = (b if prefix is None else (prefix << 16) | b, shift - 16, below)
            del pending[rank]
            (ready if inside <= GATHER_LIMIT or shift - 16 == 0 else pending)[rank] = state
    keys = sorted({(prefix, shift) for prefix, shift, _ in ready.values()})
    tasks = [dask.delayed(np.concatenate)([dask.delayed(_gather)(part, prefix, shift) for part in parts])
             for prefix, shift in keys]
    gathered = {k: np.sort(v) for k, v in zip(keys, _compute(dask.delayed(list)(tasks), client))}
    return {rank: float(gathered[(prefix, shift)][rank - below]) for rank, (prefix, shift, below) in ready.items()}


def aggregate(frame, codebook: Codebook | None = None, *, plan: Plan | None = None, **plan_options) -> Aggregates:
    """The sufficient statistics of Tables 1 and 2 and of the KM estimate of a cohort.

    Parameters
    ----------
    frame : the cleaned cohort (pandas, one chunk) or a ``dask.dataframe.DataFrame`` (its
        partitions are aggregated on the Dask scheduler and merged; see
        :func:`lmlib.scale.aggregate_parquet`).
    codebook : default ``data/codebook.yaml``.
    plan : what to count; default :func:`make_plan` (``plan_options`` are passed to it).

    Returns
    -------
    :class:`Aggregates`; ``lmlib.tables.table1(result)`` gives the rows of
    ``lmlib.tables.table1(frame)``.

    Examples
    --------
    >>> from lmlib import scale, tables
    >>> from lmlib.cohort import load_cohort
    >>> data = load_cohort().data
    >>> counts = scale.aggregate(data)
    >>> tables.table1(counts).equals(tables.table1(data)), tables.table2(counts).equals(tables.table2(data))
    (True, True)
    """
    plan = plan or make_plan(codebook, **plan_options)
    if type(frame).__module__.split(".")[0] in ("dask", "dask_expr"):
        return aggregate_dask(frame, plan)
    return aggregate_chunk(frame, plan, whole=True)
