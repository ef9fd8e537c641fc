"""The Dask benchmark (``--dask``): Tables 1 and 2 from the Parquet folder on a local cluster."""
from __future__ import annotations

from pathlib import Path

from .registry import benchmark, measure


@benchmark("tables_dask", "tables", baselines=("tables_lmlib",), optional=True)
def tables_dask(folder: Path, size: int) -> dict:
    """Tables 1 and 2 from the Parquet folder on a local Dask cluster (2 worker processes)."""
    from distributed import Client, LocalCluster

    from lmlib import scale, tables

    plan = scale.make_plan()
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: __import__("lmlib.scale"))  # workers import lmlib before the clock starts

        def step():
            counts = scale.aggregate_parquet(folder, client, plan=plan)
            return counts, tables.table1(counts), tables.table2(counts)

        (counts, t1, t2), out = measure(step)
    # the pandas path, file by file (merged chunks equal the whole frame's counts: tests/test_scale.py)
    parts = sorted(Path(folder).glob("*.parquet"))
    pandas_counts = scale.merge(*(scale.aggregate_chunk(scale.read_parquet_parts(p, plan.columns), plan)
                                  for p in parts))
    return {**out, "equal_to_pandas": bool(counts.equals(pandas_counts)), "parts": len(parts),
            "note": "tables_dask: time includes reading the Parquet files; memory is the client process's, "
                    "not the workers'"}
