"""The table benchmarks at registry scale: lmlib's Tables 1 and 2 from aggregates and from the
rows, against tableone's Table 1 and the counting floor (pandas ``value_counts``)."""
from __future__ import annotations

from pathlib import Path

from .registry import KM_COLUMNS, WARMUP_ROWS, benchmark, load_columns, measure

TABLEONE_CATEGORICAL = ["sex", "primary_site", "histology", "symptoms_headache", "symptoms_altered_consciousness",
                        "symptoms_nausea_vomiting", "symptoms_focal_deficit", "symptoms_general_deterioration",
                        "symptoms_seizure", "treatment", "vital_status", "lost_to_follow_up"]
TABLEONE_CONTINUOUS = ["age", "survival_days"]


@benchmark("tables_lmlib", "tables", baselines=("tables_tableone", "counting_floor"))
def tables_lmlib(folder: Path, size: int) -> dict:
    """lmlib Tables 1 and 2 from aggregates (aggregate + layout), data in memory."""
    from lmlib import scale, tables

    plan = scale.make_plan()
    frame, load = load_columns(folder, plan.columns)

    def step(rows=frame):
        counts = scale.aggregate(rows, plan=plan)
        return tables.table1(counts), tables.table2(counts)

    (t1, t2), out = measure(step, lambda: step(frame.iloc[:WARMUP_ROWS]))
    age = t1[t1["item"] == "age"].iloc[0]
    return {**out, "load_seconds": load, "rows": int(len(t1) + len(t2)),
            "note": age["shapiro_note"] if isinstance(age["shapiro_note"], str) else None}


@benchmark("tables_rows", "tables", baselines=("tables_lmlib",), limit="rows_max")
def tables_rows(folder: Path, size: int) -> dict:
    """lmlib Tables 1 and 2 from the rows (the row path), checked equal to the aggregate path."""
    import pandas as pd

    from lmlib import scale, tables

    plan = scale.make_plan()
    frame, load = load_columns(folder, plan.columns)
    (t1, t2), out = measure(lambda: (tables.table1(frame), tables.table2(frame)),
                            lambda: (tables.table1(frame.iloc[:WARMUP_ROWS]), tables.table2(frame.iloc[:WARMUP_ROWS])))
    counts = scale.aggregate(frame, plan=plan)
    try:
        pd.testing.assert_frame_equal(t1, tables.table1(counts), check_exact=True)
        pd.testing.assert_frame_equal(t2, tables.table2(counts), check_exact=True)
        equal = True
    except AssertionError:
        equal = False
    return {**out, "load_seconds": load, "equal_to_aggregates": equal}


def tableone_benchmark(folder: Path, categorical: list[str], **options) -> dict:
    """Measure tableone's Table 1 of the 2 continuous and the ``categorical`` variables."""
    import warnings

    import tableone

    frame, load = load_columns(folder, TABLEONE_CONTINUOUS + TABLEONE_CATEGORICAL)
    for col in TABLEONE_CATEGORICAL:  # plain categoricals (tableone does not take nullable booleans)
        frame[col] = frame[col].astype(object).where(frame[col].notna()).astype("category")
    columns = TABLEONE_CONTINUOUS + categorical

    def step(rows=frame):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tableone.TableOne(rows, columns=columns, categorical=categorical,
                                     continuous=TABLEONE_CONTINUOUS, **options)

    _, out = measure(step, lambda: step(frame.iloc[:WARMUP_ROWS]))
    return {**out, "load_seconds": load, "variables": len(columns), "version": tableone.__version__}


@benchmark("tables_tableone", "tables", limit="tableone_max")
def tables_tableone(folder: Path, size: int) -> dict:
    """tableone's Table 1 of 14 variables (12 categorical declared, 2 continuous)."""
    return tableone_benchmark(folder, TABLEONE_CATEGORICAL, pval=False)


@benchmark("counting_floor", "tables")
def counting_floor(folder: Path, size: int) -> dict:
    """pandas value_counts(dropna=False) of every column the tables read (a floor, not a table)."""
    from lmlib import scale

    columns = [c for c in scale.make_plan().columns if c not in KM_COLUMNS]
    frame, load = load_columns(folder, columns)
    _, out = measure(lambda: [frame[c].value_counts(dropna=False) for c in columns],
                     lambda: [frame[c].iloc[:WARMUP_ROWS].value_counts(dropna=False) for c in columns])
    return {**out, "load_seconds": load, "columns": len(columns)}
