"""Dates after the data cut-off: the refusal says, once and not per cell, the cut-off in force,
where it came from (make report's default is the source paper's) and how to set another.

The export is drawn by tests/test_blank_means_no.py (its own seed, 2020-2022 dates), written as
an .xlsx; the late dates are counted with pandas."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lmlib.cohort import load_cohort
from lmlib.problems import ValidationError

from test_blank_means_no import DATES, N, drawn, write_xlsx


def test_dates_after_the_default_cut_off_get_one_line_saying_the_cut_off_and_how_to_set_it(tmp_path):
    frame = drawn(start=dt.datetime(2020, 1, 1))
    cut = pd.Timestamp("2018-12-31")
    late = int(sum((pd.to_datetime(frame[c].replace("", None)) > cut).sum() for c in DATES))
    with pytest.raises(ValidationError) as caught:
        load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"), data_cut="2018-12-31")
    message = str(caught.value)
    hints = [line for line in message.splitlines() if "data cut-off in force" in line]
    assert len(hints) == 1
    assert f"{late} date(s) are after the data cut-off in force, 2018-12-31" in hints[0]
    assert "source paper" in hints[0] and "DATA_CUT=YYYY-MM-DD" in hints[0] and "data_cut=" in hints[0]
    assert late == sum(1 for p in caught.value.problems if p.rule == "impossible_date")


def test_a_cut_off_of_ones_own_is_said_as_given(tmp_path):
    frame = drawn(start=dt.datetime(2020, 1, 1))
    with pytest.raises(ValidationError) as caught:
        load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"), data_cut="2021-06-30")
    hint = next(line for line in str(caught.value).splitlines() if "data cut-off in force" in line)
    assert "2021-06-30 (the one given" in hint and "source paper" not in hint
    assert load_cohort(write_xlsx(frame, tmp_path / "lm2.xlsx"), data_cut="2024-01-01").n == N


def test_a_lenient_build_says_the_cut_off_once_in_its_summary(tmp_path):
    import io

    from lmlib.report.stamp import validate

    stream = io.StringIO()
    validate(write_xlsx(drawn(start=dt.datetime(2020, 1, 1)), tmp_path / "lm.xlsx"), data_cut="2018-12-31",
             warnings_to=stream, lenient=True)
    hints = [line for line in stream.getvalue().splitlines() if "data cut-off in force" in line]
    assert len(hints) == 1 and "2018-12-31 (the default of `make report`" in hints[0]
