"""Cohorts of millions of patients: synthetic generation, sufficient statistics, Dask.

Tables 1 and 2 and the Kaplan–Meier summaries need only counts: patients per level of every
categorical, yes/no and multi-response item (missing included), per combination where one
item's denominator or nesting depends on another, value counts (or moments) of continuous
variables, and patients per (time, event). These are computed in one pass over the rows
(:func:`aggregate`), chunk by chunk, merged by adding, and turned into the very rows
:mod:`lmlib.tables` and :mod:`lmlib.survival` give for the raw data (the same layout code
reads them). A folder of Parquet files larger than memory is aggregated on a Dask cluster by
:func:`aggregate_parquet` with the same chunk function, so a registry gets the same reports.

Importing this package loads numpy and pandas only; Dask is imported by
:func:`aggregate_parquet` when it runs.
"""
from .aggregates import (Aggregates, Plan, aggregate_chunk, make_plan, merge, table1_from_aggregates,
                         table2_from_aggregates)
from .distributed import aggregate, aggregate_parquet
from .generate import generate_large, read_parquet_parts, restore_schema, write_parquet_parts
from .km import km_counts, km_steps_from_counts, summary_from_counts, survival_summary_from_aggregates

__all__ = [
    "Aggregates", "Plan", "aggregate", "aggregate_chunk", "aggregate_parquet", "generate_large", "km_counts",
    "km_steps_from_counts", "make_plan", "merge", "read_parquet_parts", "restore_schema", "summary_from_counts",
    "survival_summary_from_aggregates", "table1_from_aggregates", "table2_from_aggregates", "write_parquet_parts",
]
