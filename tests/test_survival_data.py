"""The vectorised text coding of survival columns equals the cell-by-cell rule."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st
import numpy as np
import pandas as pd

from lmlib.survival.data import as_text, as_texts, event_indicator, survival_frame

DTYPES = ["float64", "Int64", "boolean", "category", "string"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-3, 3), st.floats(-5, 5), st.just(float("nan"))), max_size=30),
       st.sampled_from(DTYPES))
def test_as_texts_of_a_typed_column_equals_as_text_cell_by_cell(values, dtype):
    if dtype == "boolean":
        values = [None if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v) for v in values]
    elif dtype == "Int64":
        values = [None if v is None or (isinstance(v, float) and np.isnan(v)) else int(v) for v in values]
    elif dtype in ("category", "string"):
        values = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]
    series = pd.Series(values, dtype=dtype if dtype != "float64" else float)
    expected = [as_text(v) for v in series.astype(object)]
    assert list(as_texts(series)) == expected


def test_an_object_column_mixing_1_and_true_keeps_each_cells_own_text():
    series = pd.Series([1, True, 1.0, "1", None], dtype=object)
    assert list(as_texts(series)) == ["1", "true", "1", "1", None]


def test_a_million_row_registry_column_is_coded_like_the_32_patient_one():
    death = pd.Series(np.tile([True, False, None], 400_000), dtype="boolean")
    days = pd.Series(np.tile([30.0, 12.0, np.nan], 400_000))
    frame = survival_frame(pd.DataFrame({"d": days, "e": death}), "d", "e")
    assert len(frame) == 800_000 and frame["event"].sum() == 400_000
    small = event_indicator(death.iloc[:3])
    assert list(small.astype(object)) == [True, False, pd.NA]
